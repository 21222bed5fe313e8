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
import { type MailTaskInput, type MailTaskOutcome, rescheduleSignal } from './definitions.js';

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

export async function mailTaskWorkflow(input: MailTaskInput): Promise<MailTaskOutcome> {
  const { taskId, retry } = input;
  const mail = proxyActivities<MailActivities>({
    startToCloseTimeout: '2 minutes',
    retry: {
      maximumAttempts: retry.maximumAttempts,
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
    },
  });

  // The updatable timer: a reschedule signal moves the deadline and wakes the wait.
  let deadline = input.scheduledAt === null ? Date.now() : Date.parse(input.scheduledAt);
  let deadlineMoved = false;
  setHandler(rescheduleSignal, (scheduledAt) => {
    deadline = Date.parse(scheduledAt);
    deadlineMoved = true;
  });

  try {
    for (;;) {
      while (deadline > Date.now()) {
        deadlineMoved = false;
        await condition(() => deadlineMoved, deadline - Date.now());
      }
      // Once due, the send runs to its end even if a cancellation arrives meanwhile:
      // the row decides (a task canceled in time is not claimed, a claimed one is not canceled).
      const dueBy = new Date(deadline).toISOString();
      const result = await CancellationScope.nonCancellable(() =>
        sendOrRecordFailure(mail, taskId, dueBy, input.scheduledAt !== null),
      );
      if (result.kind === 'not-due') {
        deadline = Date.parse(result.scheduledAt);
        continue;
      }
      if (result.kind === 'sent') {
        if (input.scheduledAt !== null) await notifyRequester(taskId, 'sent');
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

async function sendOrRecordFailure(mail: MailActivities, taskId: string, dueBy: string, isReservation: boolean) {
  try {
    return await mail.sendTaskMail({ taskId, dueBy });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The last attempt failed, or the error was permanent: the task is failed, and so is the run.
    const message = err.cause?.message ?? err.message;
    await records.recordFailure({ taskId, error: message });
    if (isReservation) await notifyRequester(taskId, 'failed');
    throw ApplicationFailure.nonRetryable(message, 'MailDeliveryFailed');
  }
}

async function notifyRequester(taskId: string, outcome: 'sent' | 'failed'): Promise<void> {
  try {
    await notices.notifyRequester({ taskId, outcome });
  } catch {
    // The notice is a courtesy: the task row already holds the outcome.
  }
}
