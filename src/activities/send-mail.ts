// The send-mail activity. Idempotent by construction: the claim on the task row decides whether
// to send at all, and the Message-ID is derived from the task id, so it is the same on every attempt.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TaskRow } from '../db/schema.js';
import type { TaskRepository } from '../db/task-repository.js';
import { isHeraldError } from '../domain/errors.js';
import { MAIL_ERROR_TYPES } from '../domain/retry-policy.js';
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

export interface SendTaskMailInput {
  taskId: string;
  /** The time the task is due; the row must not say later. */
  dueBy: string;
  /** Wait in the worker until this instant before claiming (the workflow woke early to prepare). */
  holdUntil?: string;
}

export function createSendMailActivity({ tasks, templates, mailer, logger, shuttingDown, membership }: SendMailDeps) {
  const burst = new SendBurst();

  /**
   * A task made in a server goes out only while its requester is still a member of that server.
   * One who left fails the task for good, unsent. When Discord cannot tell (down, slow), the mail
   * goes out and the miss is logged: an outage elsewhere must not fail mail.
   */
  async function assertRequesterStillMember(taskId: string, dueBy: Date, known: TaskRow | undefined): Promise<void> {
    if (!membership) return;
    const row = known ?? (await tasks.findById(taskId));
    // Nothing to check, or nothing the claim would send now: the claim says why.
    if (!row?.guild_id || !sourcesOf('running').includes(row.status) || (row.status === 'reserved' && row.scheduled_at! > dueBy)) return;
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
    if (!(await tasks.recordFailureReason(taskId, reason))) return;
    logger.warn({ taskId, guildId: row.guild_id, requesterId: row.requester_id, reason }, 'not sending: the requester is no longer in the server');
    throw ApplicationFailure.nonRetryable(
      found === 'not-member'
        ? `The requester ${row.requester_id} is no longer a member of server ${row.guild_id}`
        : `Herald is no longer in server ${row.guild_id}`,
      MAIL_ERROR_TYPES.requesterLeft,
    );
  }

  /** Renders and composes the task's mail; a task that can no longer be rendered fails for good. */
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
    const heartbeats = heartbeatTimeoutMs ? setInterval(() => context.heartbeat(), heartbeatTimeoutMs / 2) : undefined;
    try {
      return await sendTaskMailAttempt(input, context);
    } finally {
      clearInterval(heartbeats);
    }
  };

  async function sendTaskMailAttempt(input: SendTaskMailInput, context: Context): Promise<DeliveryResult> {
    const { taskId } = input;
    const { attempt, activityId, workflowExecution } = context.info;

    // Holding: compose now, so that at the due time only the claim and the SMTP exchange remain.
    let composed: ComposedMail | undefined;
    let heldRow: TaskRow | undefined;
    if (input.holdUntil) {
      const row = (heldRow = await tasks.findById(taskId));
      if (!row) throw missingRow(taskId);
      composed = await prepare(row, new Date(input.holdUntil));
      const claimAt = Date.parse(input.holdUntil) - CLAIM_LEAD_MS;
      // A reschedule cancels the hold (the workflow has moved on; the answer is not read).
      if (!(await holding(hold(claimAt - Date.now(), [shuttingDown, context.cancellationSignal])))) return { kind: 'interrupted' };
    }

    await assertRequesterStillMember(taskId, new Date(input.dueBy), heldRow);

    burst.enter();
    try {
      return await claimAndSend(input, attempt, `${workflowExecution?.runId ?? ''}/${activityId}`, composed);
    } finally {
      burst.leave();
      // Report back to Temporal after the burst's other sends: completing starts more work for
      // the server and this worker, which would otherwise compete with the sends still due now.
      await burst.quiet(BURST_REPORT_WAIT_MS);
    }
  }

  async function claimAndSend(
    input: SendTaskMailInput,
    attempt: number,
    claimToken: string,
    prepared: ComposedMail | undefined,
  ): Promise<DeliveryResult> {
    const { taskId } = input;
    let composed = prepared;
    const claim = await tasks.claimForSending(taskId, new Date(input.dueBy), attempt, claimToken);
    if (claim.kind === 'missing') throw missingRow(taskId);
    if (claim.kind === 'not-due') return { kind: 'not-due', scheduledAt: claim.scheduledAt.toISOString() };
    if (claim.kind === 'closed') return { kind: 'closed', status: claim.status };

    composed ??= await prepare(claim.task, undefined);
    // Claimed a moment early: wait out the rest (never interrupted: the claim is ours now).
    if (input.holdUntil) await delay(Date.parse(input.holdUntil) - Date.now());
    try {
      await mailer.sendComposed(composed);
    } catch (err) {
      const kind = classifySmtpError(err);
      countAttemptError(kind);
      const message = describeSmtpError(err);
      logger.warn({ taskId, attempt, kind, err: message }, 'mail attempt failed');
      await tasks.recordAttemptError(taskId, message, smtpFailureReason(err));
      if (kind === 'permanent') throw ApplicationFailure.nonRetryable(message, MAIL_ERROR_TYPES.smtpPermanent);
      if (kind === 'configuration') throw ApplicationFailure.nonRetryable(message, MAIL_ERROR_TYPES.configuration);
      throw ApplicationFailure.retryable(message, MAIL_ERROR_TYPES.smtpTransient);
    }

    countSent(claim.task);
    await tasks.finishSent(taskId);
    logger.info({ taskId, attempt, messageId: composed.messageId, recipients: composed.to.length }, 'mail sent');
    return { kind: 'sent', messageId: composed.messageId };
  }
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

/** Waits `ms`; false if a stop signal fired first (the worker is shutting down, or the hold was canceled). */
function hold(ms: number, stops: readonly AbortSignal[]): Promise<boolean> {
  if (stops.some((s) => s.aborted)) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (held: boolean) => {
      clearTimeout(timer);
      for (const s of stops) s.removeEventListener('abort', onAbort);
      resolve(held);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(true), ms);
    for (const s of stops) s.addEventListener('abort', onAbort, { once: true });
  });
}
