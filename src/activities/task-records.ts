// Status bookkeeping the workflow does outside the send: idempotent conditional updates. The
// workflow retries these until the database answers (a database error is never a reason to give up
// on recording what already happened).
import type { ScheduleRead, TaskRepository } from '../db/task-repository.js';
import { retryWhileUnavailable } from '../db/unavailable.js';
import { deadlineFailureReason } from '../domain/send-deadline.js';
import type { TaskStatus } from '../domain/task-status.js';
import type { Logger } from '../logger.js';
import type { Outcome, OutcomeNotifier } from '../notify/outcome-notifier.js';
import { countDm, countFailed } from '../ops/metrics.js';
import { toTaskView } from '../tasks/task-view.js';

/**
 * A notice's read of its task waits this long for a database that is away, inside one attempt
 * (the notice has few attempts, and an outage should not use them up).
 */
const NOTICE_DATABASE_WAIT_MS = 20_000;

export function createTaskRecordActivities({
  tasks,
  logger,
  notifier,
}: {
  tasks: TaskRepository;
  logger: Logger;
  notifier: OutcomeNotifier;
}) {
  return {
    /** Tells the requester how their reservation ended. A user who cannot be messaged is only logged. */
    async notifyRequester(input: { taskId: string; outcome: Outcome }): Promise<'delivered' | 'undeliverable' | 'no-task'> {
      const task = await retryWhileUnavailable(() => tasks.findById(input.taskId), { giveUpAt: Date.now() + NOTICE_DATABASE_WAIT_MS });
      if (!task) return 'no-task';
      return countDm(notifier.notify(toTaskView(task), input.outcome));
    },
    /**
     * The workflow was canceled: record it, unless the row already closed another way. Answers the
     * status the row ends in (`running`: claimed by a send step, so not canceled here).
     */
    async recordCanceled(taskId: string): Promise<TaskStatus | null> {
      const row = await tasks.transition(taskId, 'canceled', { finishedAt: new Date() });
      if (row) {
        logger.info({ taskId }, 'task canceled');
        return row.status;
      }
      const status = (await tasks.findById(taskId))?.status ?? null;
      // Canceled while being sent: unless the send step delivered it, the task fails, and this is why.
      if (status === 'running') await tasks.recordFailureReason(taskId, 'canceled-while-sending');
      return status;
    },
    /**
     * The send failed for good: record why. Answers the status the row ends in: `finished` when an
     * attempt whose report was lost (its worker died after the relay accepted) had delivered it.
     */
    async recordFailure(input: { taskId: string; error: string }): Promise<TaskStatus | null> {
      // The send step recorded the user-safe reason where it could; a missed deadline it could not
      // (the database may have been away), so that one is read from the words it failed with.
      const failureReason = deadlineFailureReason(input.error);
      const row = await tasks.transition(input.taskId, 'failed', { error: input.error, failureReason, finishedAt: new Date() });
      if (row) logger.warn({ taskId: input.taskId, error: input.error, attempts: row.attempts }, 'task failed');
      if (row) countFailed();
      return row?.status ?? (await tasks.findById(input.taskId))?.status ?? null;
    },
    /** The relay accepted the mail, and the send step could not mark the row finished: do it now. */
    async recordSent(taskId: string): Promise<void> {
      const row = await tasks.transition(taskId, 'finished', { finishedAt: new Date(), error: null });
      if (row) logger.info({ taskId }, 'sent task recorded as finished');
    },
    /** The task's time as the row has it now (the workflow was told it changed). */
    async readSchedule(taskId: string): Promise<{ status: TaskStatus; scheduledAt: string | null } | null> {
      const read: ScheduleRead | undefined = await tasks.readSchedule(taskId);
      return read ? { status: read.status, scheduledAt: read.scheduledAt?.toISOString() ?? null } : null;
    },
  };
}
