// One workflow per task, for sends now and reservations alike. workflowId = task id.
// Every change must still replay the histories in test/fixtures/histories (test/replay.test.ts);
// one that changes the commands a running workflow issues needs patched().
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { MailActivities } from '../activities/index.js';
import type { SendTaskMailInput } from '../activities/send-mail.js';
import { type DeliveryResult, type MailTaskInput, type MailTaskOutcome, rescheduleSignal } from './definitions.js';
import { UpdatableTimer } from './updatable-timer.js';

// Each group of activities is taken from its own proxy, with the timeouts and retries that suit
// it, so no activity can be called with another group's options.

/** Status bookkeeping: small idempotent writes, retried until the database answers. */
const { recordCanceled, recordFailure } = proxyActivities<Pick<MailActivities, 'recordCanceled' | 'recordFailure'>>({
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

/** The send step: its timeout covers the hold before the deadline, and it retries by the task's policy. */
function sendStep({ retry, prepareLeadMs = 0 }: MailTaskInput): MailActivities['sendTaskMail'] {
  const { sendTaskMail } = proxyActivities<Pick<MailActivities, 'sendTaskMail'>>({
    startToCloseTimeout: prepareLeadMs + SEND_TIMEOUT_MS,
    heartbeatTimeout: SEND_HEARTBEAT_TIMEOUT_MS,
    retry: {
      maximumAttempts: retry.maximumAttempts,
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
    },
  });
  return sendTaskMail;
}

export async function mailTaskWorkflow(input: MailTaskInput): Promise<MailTaskOutcome> {
  const { taskId } = input;
  const prepareLeadMs = input.prepareLeadMs ?? 0;
  const sendTaskMail = sendStep(input);
  const isReservation = input.scheduledAt !== null;
  const notify = async (outcome: 'sent' | 'failed') => {
    if (!isReservation || !input.notify) return;
    try {
      await notifyRequester({ taskId, outcome });
    } catch {
      // The notice is a courtesy: the task row already holds the outcome.
    }
  };

  // A reschedule signal moves the deadline; the row already carries the new time.
  const timer = new UpdatableTimer(input.scheduledAt === null ? Date.now() : Date.parse(input.scheduledAt));
  setHandler(rescheduleSignal, (scheduledAt) => {
    timer.deadline = Date.parse(scheduledAt);
    log.info('Deadline moved', { scheduledAt });
  });
  log.info('Mail task started', { scheduledAt: input.scheduledAt, prepareLeadMs });

  try {
    for (;;) {
      await timer.sleep(prepareLeadMs);
      const { deadline } = timer;
      const args: SendTaskMailInput = {
        taskId,
        dueBy: new Date(deadline).toISOString(),
        holdUntil: deadline > Date.now() ? new Date(deadline).toISOString() : undefined,
      };
      log.info(args.holdUntil ? 'Holding the send until its time' : 'Sending', { dueBy: args.dueBy });

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
        continue;
      }
      if (result.kind === 'interrupted') {
        log.info('Hold handed back by a stopping worker; holding again');
        continue;
      }
      if (result.kind === 'not-due') {
        log.info('The row says a later time', { scheduledAt: result.scheduledAt });
        timer.deadline = Date.parse(result.scheduledAt);
        continue;
      }
      if (result.kind === 'sent') {
        log.info('Mail sent', { messageId: result.messageId });
        await notify('sent');
        return { kind: 'sent', messageId: result.messageId };
      }
      log.info('Task closed elsewhere', { status: result.status });
      if (result.status === 'canceled') {
        // Canceled in the database; its workflow cancellation is on the way. Wait for it so the
        // run closes as canceled, like the row says (the wait throws when it arrives).
        await condition(() => false, '1 minute');
      }
      return { kind: 'skipped', status: result.status };
    }
  } catch (err) {
    if (isCancellation(err)) {
      log.info('Canceled');
      await CancellationScope.nonCancellable(() => recordCanceled(taskId));
    }
    throw err;
  }
}

/**
 * Runs the send step. While it only holds (waits for the deadline in the worker), a move of the
 * deadline abandons it: the row then carries the new time, so the stale hold cannot claim the task.
 * A task that was claimed is never canceled by the workflow: the service cancels only rows that
 * are still queued or reserved, and the claim is what moves a row past that.
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
