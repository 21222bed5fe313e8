// The send step. Idempotent by construction: the claim on the task row decides whether to send at
// all, and the Message-ID is derived from the task id, so it is the same on every attempt.
//
// An attempt is one SMTP delivery. The database steps around it (load, claim, finish) wait for
// PostgreSQL when it is away instead of failing the attempt: until the task's deadline before the
// relay has the mail, and not at all after it (then the relay's acceptance is this step's result,
// and the workflow records it in a separate step that retries until the database is back).
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TaskRow } from '../db/schema.js';
import type { TaskRepository } from '../db/task-repository.js';
import { DatabaseUnavailableError, DatabaseWaitStopped, isDatabaseUnavailable, pause, retryWhileUnavailable } from '../db/unavailable.js';
import { isHeraldError } from '../domain/errors.js';
import { MAIL_ERROR_TYPES } from '../domain/retry-policy.js';
import { databaseUnavailableReason, tooLateReason } from '../domain/send-deadline.js';
import { sourcesOf } from '../domain/task-status.js';
import type { Logger } from '../logger.js';
import type { ComposedMail, Mailer } from '../mail/mailer.js';
import { classifySmtpError, describeSmtpError, smtpFailureReason } from '../mail/smtp-errors.js';
import type { TemplateResolver } from '../mail/template-resolver.js';
import { countAttemptError, countSent, holding } from '../ops/metrics.js';
import type { MembershipChecker } from '../tasks/membership.js';
import type { DeliveryResult } from '../workflows/definitions.js';

export interface SendMailDeps {
  tasks: TaskRepository;
  /** Renders the template the task refers to: built-in, or its server's at the task's version. */
  templates: TemplateResolver;
  mailer: Mailer;
  logger: Logger;
  /** Aborted when the worker begins to shut down: holds end at once and hand their task back. */
  shuttingDown: AbortSignal;
  /** Asks whether a requester is still in the task's server; none without Discord (no check). */
  membership?: MembershipChecker;
}

/**
 * A held send claims its task this long before the due time, so that the claim's database round
 * trip is not part of the lateness; it still sends no earlier than the due time. A cancel that
 * arrives in this last moment is answered "already being sent".
 */
export const CLAIM_LEAD_MS = 500;

/**
 * How long a finished send may wait for the rest of its burst before reporting back; well inside
 * the workflow's send timeout (SEND_TIMEOUT_MS), so a hung send cannot make a sent mail retry.
 */
export const BURST_REPORT_WAIT_MS = 15_000;

/**
 * After the relay accepted, the row is marked finished right here if the database answers within
 * this long; otherwise the step reports the acceptance and the workflow finishes the row itself.
 */
export const FINISH_WAIT_MS = 5_000;

/**
 * The part of an attempt's time kept for the SMTP exchange and reporting back: database waits
 * before it end this long before the attempt's own timeout.
 */
const SMTP_BUDGET_MS = 60_000;

/** The share of its heartbeat timeout a send step waits between heartbeats (the SDK's own throttle). */
const HEARTBEAT_SHARE = 0.8;

export interface SendTaskMailInput {
  taskId: string;
  /** The time the task is due; the row must not say later. */
  dueBy: string;
  /** Wait in the worker until this instant before claiming (the workflow woke early to prepare). */
  holdUntil?: string;
  /**
   * STALE_SEND_AFTER as the workflow was started with: the task's deadline is its time plus this.
   * Database waits before the relay end there, and an open task past it is not claimed. Absent in
   * send steps scheduled by older workflow code: then only the attempt's own timeout bounds them.
   */
  staleSendAfterMs?: number;
}

export function createSendMailActivity({ tasks, templates, mailer, logger, shuttingDown, membership }: SendMailDeps) {
  const burst = new SendBurst();

  /**
   * A task made in a server goes out only while its requester is still a member of that server.
   * One who left fails the task for good, unsent. When Discord cannot tell (down, slow), the mail
   * goes out and the miss is logged: an outage elsewhere must not fail mail. It runs before the
   * claim, so it is no SMTP attempt; its database steps wait like the others (`database`).
   */
  async function assertRequesterStillMember(
    taskId: string,
    dueBy: Date,
    known: TaskRow | undefined,
    database: <T>(step: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    if (!membership) return;
    const row = known ?? (await database(() => tasks.findById(taskId)));
    // Nothing to check, or nothing the claim would send now: the claim says why.
    if (!row?.guild_id || !sourcesOf('running').includes(row.status)) return;
    if (row.status === 'reserved' && row.scheduled_at!.getTime() !== dueBy.getTime()) return;
    let found;
    try {
      found = await membership.check(row.guild_id, row.requester_id);
    } catch (err) {
      logger.warn({ taskId, guildId: row.guild_id, err }, 'could not check that the requester is still a member; sending anyway');
      return;
    }
    if (found === 'member') return;
    const reason = found === 'not-member' ? 'requester-left' : 'server-gone';
    // Only a task still open fails: one canceled meanwhile stays canceled, and the claim says so.
    if (!(await database(() => tasks.recordFailureReason(taskId, reason)))) return;
    logger.warn({ taskId, guildId: row.guild_id, requesterId: row.requester_id, reason }, 'not sending: the requester is no longer in the server');
    throw ApplicationFailure.nonRetryable(
      found === 'not-member'
        ? `The requester ${row.requester_id} is no longer a member of server ${row.guild_id}`
        : `Herald is no longer in server ${row.guild_id}`,
      MAIL_ERROR_TYPES.requesterLeft,
    );
  }

  /**
   * Renders and composes the task's mail; a task that can no longer be rendered fails for good. A
   * database that is away (server templates are read from it) is not the task's fault: that error
   * is passed on for the caller to wait out.
   */
  async function prepare(task: TaskRow, date: Date | undefined): Promise<ComposedMail> {
    try {
      const rendered = await templates.renderTask(task);
      return await mailer.compose({
        ...rendered,
        to: task.payload.recipients,
        messageId: mailer.messageIdFor(task.id),
        headers: { 'X-Herald-Task-Id': task.id },
        date,
      });
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      // The template changed since the task was accepted: no retry will fix that.
      countAttemptError('task_data');
      // Only the words users see; the failure itself is recorded by the workflow either way.
      await tasks.recordFailureReason(task.id, 'template').catch(() => undefined);
      throw ApplicationFailure.nonRetryable(isHeraldError(err) ? err.message : String(err), MAIL_ERROR_TYPES.taskData);
    }
  }

  return async function sendTaskMail(input: SendTaskMailInput): Promise<DeliveryResult> {
    const context = Context.current();
    const { heartbeatTimeoutMs } = context.info;
    // Alive-signals for Temporal: without them a dead worker's tasks wait out the whole timeout.
    // Every 0.8 × the timeout, the most often the SDK sends them anyway: each one is a write for
    // the server, so a hold shorter than that sends none.
    const heartbeats = heartbeatTimeoutMs ? setInterval(() => context.heartbeat(), heartbeatTimeoutMs * HEARTBEAT_SHARE) : undefined;
    try {
      return await sendTaskMailAttempt(input, context);
    } finally {
      clearInterval(heartbeats);
    }
  };

  async function sendTaskMailAttempt(input: SendTaskMailInput, context: Context): Promise<DeliveryResult> {
    const { taskId } = input;
    const { attempt, activityId, workflowExecution } = context.info;
    const claimToken = `${workflowExecution?.runId ?? ''}/${activityId}`;
    const giveUpAt = databaseDeadline(input, context);
    // Until the claim, a stop (shutdown, or the workflow moving or canceling the send) hands the
    // task back; never once the task is this chain's (a retry's task may be, from an earlier attempt).
    let stops = attempt === 1 ? [shuttingDown, context.cancellationSignal] : [];
    const database = <T>(step: () => Promise<T>, stoppable: boolean) =>
      retryWhileUnavailable(step, {
        giveUpAt,
        stops: stoppable ? stops : [],
        onRetry: (err, waitMs) => logger.warn({ taskId, attempt, waitMs, err: String(err) }, 'database unavailable; waiting for it'),
      });

    try {
      // 1. Holding: compose now, so that at the due time only the claim and the SMTP exchange remain.
      let composed: ComposedMail | undefined;
      let heldRow: TaskRow | undefined;
      if (input.holdUntil) {
        const holdUntil = input.holdUntil;
        const row = (heldRow = await database(() => tasks.findById(taskId), true));
        if (!row) throw missingRow(taskId);
        const ours = row.status === 'running' && row.claim_token === claimToken;
        stops = ours ? [] : [shuttingDown, context.cancellationSignal];
        composed = await database(() => prepare(row, new Date(holdUntil)), true);
        const claimAt = Date.parse(holdUntil) - CLAIM_LEAD_MS;
        // A reschedule cancels the hold (the workflow has moved on; the answer is not read).
        if (!(await holding(pause(claimAt - Date.now(), stops)))) return { kind: 'interrupted' };
      }

      // 2. Checks that may refuse the task before it is claimed, each its own step.
      await assertRequesterStillMember(taskId, new Date(input.dueBy), heldRow, (step) => database(step, true));

      // 3. The claim; from here on the task is this attempt chain's, and nothing stops it early.
      burst.enter();
      try {
        const claim = await database(
          () => tasks.claimForSending(taskId, new Date(input.dueBy), attempt, claimToken, input.staleSendAfterMs ?? null),
          true,
        );
        if (claim.kind === 'missing') throw missingRow(taskId);
        if (claim.kind === 'not-due') return { kind: 'not-due', scheduledAt: claim.scheduledAt.toISOString() };
        if (claim.kind === 'closed') return { kind: 'closed', status: claim.status };
        if (claim.kind === 'too-late') {
          logger.warn({ taskId, dueAt: claim.dueAt }, 'task not sent: past its deadline');
          throw ApplicationFailure.nonRetryable(tooLateReason(input.staleSendAfterMs!), MAIL_ERROR_TYPES.tooLate);
        }
        const task = claim.task;
        // Edited after the hold prepared it: the mail is the one the claimed row says (issue 11).
        if (heldRow && heldRow.edit_count !== task.edit_count) composed = undefined;
        composed ??= await database(() => prepare(task, input.holdUntil ? new Date(input.holdUntil) : undefined), false);
        return await deliver(taskId, attempt, task, composed, input.holdUntil);
      } finally {
        burst.leave();
        // Report back to Temporal after the burst's other sends: completing starts more work for
        // the server and this worker, which would otherwise compete with the sends still due now.
        await burst.quiet(BURST_REPORT_WAIT_MS);
      }
    } catch (err) {
      if (err instanceof DatabaseWaitStopped) return { kind: 'interrupted' };
      if (err instanceof DatabaseUnavailableError) {
        logger.error({ taskId, attempt, err: String(err.lastError) }, 'task not sent: the database stayed unavailable until its deadline');
        throw ApplicationFailure.nonRetryable(databaseUnavailableReason(input.staleSendAfterMs), MAIL_ERROR_TYPES.databaseUnavailable);
      }
      throw err;
    }
  }

  /** 4. The SMTP exchange: the attempt. 5. The bookkeeping, if the database answers at once. */
  async function deliver(taskId: string, attempt: number, task: TaskRow, composed: ComposedMail, holdUntil: string | undefined): Promise<DeliveryResult> {
    // Claimed a moment early: wait out the rest (never interrupted: the claim is ours now).
    if (holdUntil) await delay(Date.parse(holdUntil) - Date.now());
    try {
      await mailer.sendComposed(composed);
    } catch (err) {
      const kind = classifySmtpError(err);
      countAttemptError(kind);
      const message = describeSmtpError(err);
      logger.warn({ taskId, attempt, kind, err: message }, 'mail attempt failed');
      // For operators, and the words users see; the workflow records the failure itself, so a
      // database that is away here costs only those words (users then read the generic reason).
      await tasks.recordAttemptError(taskId, message, smtpFailureReason(err)).catch((dbErr: unknown) => {
        logger.warn({ taskId, err: String(dbErr) }, 'could not record the attempt error');
      });
      if (kind === 'permanent') throw ApplicationFailure.nonRetryable(message, MAIL_ERROR_TYPES.smtpPermanent);
      if (kind === 'configuration') throw ApplicationFailure.nonRetryable(message, MAIL_ERROR_TYPES.configuration);
      throw ApplicationFailure.retryable(message, MAIL_ERROR_TYPES.smtpTransient);
    }

    // The relay has the mail. From here on nothing may fail this step: a retry would send again.
    countSent(task);
    const recorded = await finishedInTime(taskId);
    logger.info({ taskId, attempt, messageId: composed.messageId, recipients: composed.to.length, recorded }, 'mail sent');
    return { kind: 'sent', messageId: composed.messageId, recorded };
  }

  /** Marks the task finished if the database answers within FINISH_WAIT_MS; false if it did not. */
  async function finishedInTime(taskId: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), FINISH_WAIT_MS)));
    try {
      return await Promise.race([
        tasks.finishSent(taskId).then(
          () => true,
          (err: unknown) => {
            logger.warn({ taskId, err: String(err) }, 'could not mark the sent task finished; the workflow will');
            return false;
          },
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Where waiting for the database ends: the task's deadline (its due time plus STALE_SEND_AFTER),
 * and never so late that the attempt's own timeout would cut the SMTP exchange short.
 */
function databaseDeadline(input: SendTaskMailInput, context: Context): number {
  const { currentAttemptScheduledTimestampMs: scheduled, startToCloseTimeoutMs: timeout } = context.info;
  const budget = scheduled && timeout ? scheduled + timeout - SMTP_BUDGET_MS : Number.POSITIVE_INFINITY;
  const deadline = input.staleSendAfterMs === undefined ? Number.POSITIVE_INFINITY : Date.parse(input.dueBy) + input.staleSendAfterMs;
  const end = Math.min(budget, deadline);
  // An attempt must have some time to wait; the timeout's budget is the fallback.
  return Number.isFinite(end) ? end : Date.now() + SMTP_BUDGET_MS;
}

function missingRow(taskId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Task ${taskId} has no row in the database`, MAIL_ERROR_TYPES.taskData);
}

/** Counts sends in progress in this worker, so finished ones can wait for the rest. */
class SendBurst {
  private active = 0;
  private waiters: (() => void)[] = [];

  enter(): void {
    this.active++;
  }

  leave(): void {
    this.active--;
    if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when no send is in progress, or after `maxMs`. */
  quiet(maxMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
