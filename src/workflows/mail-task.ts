// One workflow per task, for sends now and reservations alike. workflowId = task id.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { MailActivities } from '../activities/index.js';
import type { SendTaskMailInput } from '../activities/send-mail.js';
import { type DeliveryResult, type MailTaskInput, type MailTaskOutcome, rescheduleSignal } from './definitions.js';

/** Status bookkeeping: small idempotent writes, retried until the database answers. */
const records = proxyActivities<MailActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Outcome notices: worth a few tries, never worth holding the task up. */
const notices = proxyActivities<MailActivities>({
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

export async function mailTaskWorkflow(input: MailTaskInput): Promise<MailTaskOutcome> {
  const { taskId, retry } = input;
  const prepareLeadMs = input.prepareLeadMs ?? 0;
  const mail = proxyActivities<MailActivities>({
    // Covers the hold before the deadline as well as the send itself.
    startToCloseTimeout: prepareLeadMs + SEND_TIMEOUT_MS,
    heartbeatTimeout: SEND_HEARTBEAT_TIMEOUT_MS,
    retry: {
      maximumAttempts: retry.maximumAttempts,
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
    },
  });
  const isReservation = input.scheduledAt !== null;
  const notify = async (outcome: 'sent' | 'failed') => {
    if (!isReservation || !input.notify) return;
    try {
      await notices.notifyRequester({ taskId, outcome });
    } catch {
      // The notice is a courtesy: the task row already holds the outcome.
    }
  };

  // The updatable timer: a reschedule signal moves the deadline and wakes the wait.
  let deadline = input.scheduledAt === null ? Date.now() : Date.parse(input.scheduledAt);
  let deadlineMoved = false;
  setHandler(rescheduleSignal, (scheduledAt) => {
    deadline = Date.parse(scheduledAt);
    deadlineMoved = true;
  });

  try {
    for (;;) {
      while (deadline - prepareLeadMs > Date.now()) {
        deadlineMoved = false;
        await condition(() => deadlineMoved, deadline - prepareLeadMs - Date.now());
      }
      deadlineMoved = false;
      const args: SendTaskMailInput = {
        taskId,
        dueBy: new Date(deadline).toISOString(),
        holdUntil: deadline > Date.now() ? new Date(deadline).toISOString() : undefined,
      };

      let result: DeliveryResult | 'moved';
      try {
        result = await send(mail, args, () => deadlineMoved);
      } catch (err) {
        if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
        // The last attempt failed, or the error was permanent: the task is failed, and so is the run.
        const message = err.cause?.message ?? err.message;
        await records.recordFailure({ taskId, error: message });
        await notify('failed');
        throw ApplicationFailure.nonRetryable(message, 'MailDeliveryFailed');
      }

      if (result === 'moved' || result.kind === 'interrupted') continue;
      if (result.kind === 'not-due') {
        deadline = Date.parse(result.scheduledAt);
        continue;
      }
      if (result.kind === 'sent') {
        await notify('sent');
        return { outcome: 'sent', messageId: result.messageId };
      }
      if (result.status === 'canceled') {
        // Canceled in the database; its workflow cancellation is on the way. Wait for it so the
        // run closes as canceled, like the row says (the wait throws when it arrives).
        await condition(() => false, '1 minute');
      }
      return { outcome: 'skipped', status: result.status };
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => records.recordCanceled(taskId));
    }
    throw err;
  }
}

/**
 * Runs the send step. While it only holds (waits for the deadline in the worker), a reschedule
 * abandons it: the row then carries the new time, so the stale hold cannot claim the task.
 * A task that was claimed is never canceled by the workflow: the service cancels only rows that
 * are still queued or reserved, and the claim is what moves a row past that.
 */
async function send(mail: MailActivities, args: SendTaskMailInput, moved: () => boolean): Promise<DeliveryResult | 'moved'> {
  if (!args.holdUntil) return mail.sendTaskMail(args);
  const scope = new CancellationScope();
  const sending = scope.run(() => mail.sendTaskMail(args));
  const outcome = await Promise.race([sending, condition(moved).then(() => 'moved' as const)]);
  if (outcome === 'moved') {
    scope.cancel();
    sending.catch(() => undefined);
  }
  return outcome;
}
