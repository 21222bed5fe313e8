// One workflow per task, for sends now and reservations alike. workflowId = task id.
// Every change must still replay the histories in test/fixtures/histories (test/replay.test.ts);
// one that changes the commands a running workflow issues needs patched(): see PATCHES.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { MailActivities } from '../activities/index.js';
import type { SendTaskMailInput } from '../activities/send-mail.js';
import { DEFAULT_STALE_SEND_AFTER_MS } from '../domain/send-deadline.js';
import type { TaskStatus } from '../domain/task-status.js';
import { type DeliveryResult, type MailTaskInput, type MailTaskOutcome, rescheduleSignal } from './definitions.js';
import { UpdatableTimer } from './updatable-timer.js';

/**
 * Changes to the commands this workflow issues, each behind patched(). A workflow takes a patch's
 * new path from the first time it reaches it running live on new code (even one that has slept for
 * months); a history written before the change replays the old path. Once no open workflow can
 * still need an old path, its branch is removed and the call becomes deprecatePatch() (README:
 * "Changing the workflow safely").
 */
export const PATCHES = {
  /**
   * The send step is deliverTaskMail: it waits out database outages until the task's deadline, its
   * result is the relay's acceptance, and recordSent finishes the row when the step could not. A
   * cancel waits for the step's answer, so a claimed task is never abandoned, and a send that a
   * cancel leaves without delivery is recorded as failed; a move during a hold reads the row first.
   */
  deliverThenRecord: 'deliver-then-record',
  /** A reschedule signal makes the workflow read the task's time from its row (readSchedule). */
  rowIsTheTruth: 'row-is-the-truth',
  /** The send step's heartbeat timeout is CHEAPER_HOLD_HEARTBEAT_TIMEOUT_MS (45 s, was 30 s). */
  cheaperHolds: 'cheaper-holds',
} as const;

// Each group of activities is taken from its own proxy, with the timeouts and retries that suit
// it, so no activity can be called with another group's options.

/** Status bookkeeping: small idempotent reads and writes, retried until the database answers. */
const { recordCanceled, recordFailure, recordSent, readSchedule } = proxyActivities<
  Pick<MailActivities, 'recordCanceled' | 'recordFailure' | 'recordSent' | 'readSchedule'>
>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Outcome notices: worth a few tries, never worth holding the task up. */
const { notifyRequester } = proxyActivities<Pick<MailActivities, 'notifyRequester'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumAttempts: 5 },
});

/**
 * Bounds one attempt after its hold: the SMTP exchange (nodemailer gives up after 10 s to connect
 * and 30 s of silence) and the wait for the rest of a burst (BURST_REPORT_WAIT_MS).
 */
const SEND_TIMEOUT_MS = 60_000;

/**
 * The send step heartbeats while it holds and sends, so a worker that dies (kill -9, lost host)
 * hands its tasks to another worker within this long, instead of after the whole hold plus
 * SEND_TIMEOUT_MS. Not shorter: every hold heartbeats, and a burst has thousands of them.
 */
const SEND_HEARTBEAT_TIMEOUT_MS = 30_000;

/**
 * The heartbeat timeout since PATCHES.cheaperHolds. A hold heartbeats every 0.8 × this (the SDK
 * sends no more often), and every heartbeat is a write for the Temporal server, competing with the
 * wake-ups of a burst: 36 s between them instead of 24 s, and none at all in a hold shorter than
 * that. A killed worker's holds still move to another worker within a minute: this, plus the
 * first retry interval (MAIL_RETRY_INITIAL_INTERVAL, 5 s), plus the pickup.
 */
const CHEAPER_HOLD_HEARTBEAT_TIMEOUT_MS = 45_000;

/** The send step's retries: the task's policy, which counts SMTP deliveries only. */
function sendRetry({ retry }: MailTaskInput) {
  return {
    maximumAttempts: retry.maximumAttempts,
    initialInterval: retry.initialIntervalMs,
    backoffCoefficient: retry.backoffCoefficient,
    nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
  };
}

/** The send step before PATCHES.deliverThenRecord: its timeout covers the hold before the deadline. */
function sendStep(input: MailTaskInput): MailActivities['sendTaskMail'] {
  const { sendTaskMail } = proxyActivities<Pick<MailActivities, 'sendTaskMail'>>({
    startToCloseTimeout: (input.prepareLeadMs ?? 0) + SEND_TIMEOUT_MS,
    heartbeatTimeout: SEND_HEARTBEAT_TIMEOUT_MS,
    retry: sendRetry(input),
  });
  return sendTaskMail;
}

/**
 * The send step: its timeout covers the hold, the waits for the database until the task's
 * deadline, and the SMTP exchange. A move or a cancel asks it to stop and waits for its answer: a
 * hold it has not claimed comes back 'interrupted'; a send it has claimed finishes and says how.
 */
function deliverStep(input: MailTaskInput, staleSendAfterMs: number): MailActivities['deliverTaskMail'] {
  const { deliverTaskMail } = proxyActivities<Pick<MailActivities, 'deliverTaskMail'>>({
    startToCloseTimeout: (input.prepareLeadMs ?? 0) + staleSendAfterMs + SEND_TIMEOUT_MS,
    heartbeatTimeout: patched(PATCHES.cheaperHolds) ? CHEAPER_HOLD_HEARTBEAT_TIMEOUT_MS : SEND_HEARTBEAT_TIMEOUT_MS,
    retry: sendRetry(input),
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  return deliverTaskMail;
}

export async function mailTaskWorkflow(input: MailTaskInput): Promise<MailTaskOutcome> {
  const { taskId } = input;
  const prepareLeadMs = input.prepareLeadMs ?? 0;
  const staleSendAfterMs = input.staleSendAfterMs ?? DEFAULT_STALE_SEND_AFTER_MS;
  const sendTaskMail = sendStep(input);
  const root = CancellationScope.current();
  const isReservation = input.scheduledAt !== null;
  const notify = async (outcome: 'sent' | 'failed') => {
    if (!isReservation || !input.notify) return;
    try {
      await notifyRequester({ taskId, outcome });
    } catch {
      // The notice is a courtesy: the task row already holds the outcome.
    }
  };

  // A reschedule signal moves the deadline; the row already carries the new time, and is read.
  const timer = new UpdatableTimer(input.scheduledAt === null ? Date.now() : Date.parse(input.scheduledAt));
  let moves = 0;
  let movesRead = 0;
  setHandler(rescheduleSignal, (scheduledAt) => {
    timer.deadline = Date.parse(scheduledAt);
    moves++;
    log.info('Deadline moved', { scheduledAt });
  });
  /** A reschedule came since the row was last read (and this workflow reads the row for it). */
  const rowToRead = () => moves !== movesRead && patched(PATCHES.rowIsTheTruth);
  /** Set when a cancellation has been recorded on the way out, so the last catch does not again. */
  let canceledRecorded = false;

  log.info('Mail task started', { scheduledAt: input.scheduledAt, prepareLeadMs });

  /**
   * The row is the truth: the time it has now is the deadline (signals only say "look again").
   * A quick read, never canceled halfway: a cancel that comes meanwhile is acted on right after.
   */
  async function followRow(): Promise<void> {
    const seen = moves;
    const row = await CancellationScope.nonCancellable(() => readSchedule(taskId));
    movesRead = seen;
    if (row?.scheduledAt) timer.deadline = Date.parse(row.scheduledAt);
    log.info('Read the time from the row', { scheduledAt: row?.scheduledAt ?? null, status: row?.status ?? null });
  }

  async function closed(status: TaskStatus): Promise<MailTaskOutcome> {
    log.info('Task closed elsewhere', { status });
    if (status === 'canceled') {
      // Canceled in the database; its workflow cancellation is on the way. Wait for it so the
      // run closes as canceled, like the row says (the wait throws when it arrives).
      await condition(() => false, '1 minute');
    }
    return { kind: 'skipped', status };
  }

  /** The send step as before PATCHES.deliverThenRecord ('again': go round the loop). */
  async function sendOnce(args: SendTaskMailInput): Promise<MailTaskOutcome | 'again'> {
    let result: DeliveryResult | 'moved';
    try {
      result = await send(sendTaskMail, args, timer);
    } catch (err) {
      if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
      // The last attempt failed, or the error was permanent: the task is failed, and so is the run.
      const message = err.cause?.message ?? err.message;
      log.warn('Mail failed for good', { error: message });
      await recordFailure({ taskId, error: message });
      await notify('failed');
      throw ApplicationFailure.nonRetryable(message, 'MailDeliveryFailed');
    }
    if (result === 'moved') {
      log.info('Hold abandoned: the deadline moved');
      return 'again';
    }
    if (result.kind === 'interrupted') {
      log.info('Hold handed back by a stopping worker; holding again');
      return 'again';
    }
    if (result.kind === 'not-due') {
      log.info('The row says a later time', { scheduledAt: result.scheduledAt });
      timer.deadline = Date.parse(result.scheduledAt);
      return 'again';
    }
    if (result.kind === 'sent') {
      log.info('Mail sent', { messageId: result.messageId });
      // Only today's send step reports `recorded: false`; no history before it has one.
      if (result.recorded === false) await recordSent(taskId);
      await notify('sent');
      return { kind: 'sent', messageId: result.messageId };
    }
    return closed(result.status);
  }

  /**
   * The task failed for good: record why, tell the requester, and fail the run with the reason.
   * Unless the row says an attempt whose report was lost had delivered it after all.
   */
  async function fail(message: string): Promise<MailTaskOutcome> {
    log.warn('Mail failed for good', { error: message });
    const status = await CancellationScope.nonCancellable(() => recordFailure({ taskId, error: message }));
    if (status === 'finished') return deliveredEarlier();
    await CancellationScope.nonCancellable(() => notify('failed'));
    throw ApplicationFailure.nonRetryable(message, 'MailDeliveryFailed');
  }

  /** An earlier attempt delivered the mail and finished the row, but its report never came back. */
  async function deliveredEarlier(): Promise<MailTaskOutcome> {
    log.info('An earlier attempt had delivered the mail');
    await CancellationScope.nonCancellable(() => notify('sent'));
    return { kind: 'skipped', status: 'finished' };
  }

  /**
   * Runs the send step (PATCHES.deliverThenRecord). A cancel of the workflow asks it to stop and
   * waits for its answer: a hold not yet claimed comes back 'interrupted', a send it had claimed
   * finishes and says how it went. A move while it holds makes the workflow read the row: if the
   * time there is not the one the hold is for, the hold is left behind (asked to stop, its answer
   * not awaited), which is safe because a claim needs the row's time to be the hold's.
   */
  async function deliverWatchingMoves(args: SendTaskMailInput): Promise<DeliveryResult | 'moved'> {
    const step = new CancellationScope();
    // Built where it is scheduled: the heartbeat timeout depends on PATCHES.cheaperHolds, decided
    // here, so a workflow that slept through an upgrade takes the new options when it wakes.
    const deliverTaskMail = deliverStep(input, staleSendAfterMs);
    const sending = step.run(() => deliverTaskMail(args));
    if (!args.holdUntil) return sending;
    const heldFor = Date.parse(args.dueBy);
    for (;;) {
      const watch = new CancellationScope();
      const moved = watch.run(() => timer.moves()).then(
        () => 'moved' as const,
        () => 'canceled' as const,
      );
      let first: DeliveryResult | 'moved' | 'canceled';
      try {
        first = await Promise.race([sending, moved]);
      } finally {
        watch.cancel();
      }
      if (first === 'canceled') return sending; // the workflow's cancel reached the step too
      if (first !== 'moved') return first;
      await followRow();
      if (timer.deadline === heldFor) continue;
      log.info('The deadline moved: leaving the hold behind', { heldFor: args.dueBy });
      step.cancel();
      sending.catch(() => undefined);
      return 'moved';
    }
  }

  /** The send step with PATCHES.deliverThenRecord ('again': go round the loop). */
  async function deliverOnce(args: SendTaskMailInput): Promise<MailTaskOutcome | 'again'> {
    let result: DeliveryResult | 'moved';
    try {
      result = await deliverWatchingMoves({ ...args, staleSendAfterMs });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const message = err.cause?.message ?? err.message;
      if (root.consideredCancelled) {
        // Canceled while the step ran, and it ended without delivering. A task it had not claimed
        // is canceled; one it had claimed was being sent, and no attempt follows it: failed.
        const status = await CancellationScope.nonCancellable(() => recordCanceled(taskId));
        if (status !== 'running') {
          canceledRecorded = true;
          return root.cancelRequested;
        }
        return fail(`Canceled while it was being sent; the attempt in progress did not deliver it: ${message}`);
      }
      if (isCancellation(err)) {
        // Not by this workflow (its own cancels are handled above, and it never awaits a hold it left behind).
        log.info('The send step was canceled before it claimed the task; sending again');
        return 'again';
      }
      // The last attempt failed, or the error was permanent: the task is failed, and so is the run.
      return fail(message);
    }

    if (result !== 'moved' && result.kind === 'sent') {
      // Even if a cancel came meanwhile: the relay has the mail, so the task is finished.
      log.info('Mail sent', { messageId: result.messageId, recorded: result.recorded ?? true });
      await CancellationScope.nonCancellable(async () => {
        if (result.recorded === false) await recordSent(taskId);
        await notify('sent');
      });
      return { kind: 'sent', messageId: result.messageId };
    }
    if (root.consideredCancelled) return root.cancelRequested;
    if (result === 'moved') return 'again';
    if (result.kind === 'interrupted') {
      log.info('Hold handed back by a stopping worker; holding again');
      return 'again';
    }
    if (result.kind === 'not-due') {
      log.info('The row says another time', { scheduledAt: result.scheduledAt });
      timer.deadline = Date.parse(result.scheduledAt);
      return 'again';
    }
    if (result.status === 'finished') return deliveredEarlier();
    return closed(result.status);
  }

  try {
    for (;;) {
      if (rowToRead()) {
        await followRow();
        continue;
      }
      // Woken early by a move: read the row before going on.
      if (!(await timer.sleep(prepareLeadMs, rowToRead))) continue;
      const { deadline } = timer;
      const args: SendTaskMailInput = {
        taskId,
        dueBy: new Date(deadline).toISOString(),
        holdUntil: deadline > Date.now() ? new Date(deadline).toISOString() : undefined,
      };
      log.info(args.holdUntil ? 'Holding the send until its time' : 'Sending', { dueBy: args.dueBy });
      const outcome = patched(PATCHES.deliverThenRecord) ? await deliverOnce(args) : await sendOnce(args);
      if (outcome !== 'again') return outcome;
    }
  } catch (err) {
    if (isCancellation(err) && !canceledRecorded) {
      log.info('Canceled');
      await CancellationScope.nonCancellable(() => recordCanceled(taskId));
    }
    throw err;
  }
}

/**
 * Runs the send step as before PATCHES.deliverThenRecord. While it only holds (waits for the
 * deadline in the worker), a move of the deadline abandons it: the row then carries the new time,
 * so the stale hold cannot claim the task.
 */
async function send(
  sendTaskMail: MailActivities['sendTaskMail'],
  args: SendTaskMailInput,
  timer: UpdatableTimer,
): Promise<DeliveryResult | 'moved'> {
  if (!args.holdUntil) return sendTaskMail(args);
  const scope = new CancellationScope();
  const sending = scope.run(() => sendTaskMail(args));
  const outcome = await Promise.race([sending, timer.moves().then(() => 'moved' as const)]);
  if (outcome === 'moved') {
    scope.cancel();
    sending.catch(() => undefined);
  }
  return outcome;
}
