// Status bookkeeping the workflow does outside the send: idempotent conditional updates.
import type { TaskRepository } from '../db/task-repository.js';
import type { Logger } from '../logger.js';
import type { Outcome, OutcomeNotifier } from '../notify/outcome-notifier.js';
import { countDm, countFailed } from '../ops/metrics.js';
import { toTaskView } from '../tasks/task-view.js';

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
      const task = await tasks.findById(input.taskId);
      if (!task) return 'no-task';
      return countDm(notifier.notify(toTaskView(task), input.outcome));
    },
    /** The workflow was canceled: record it, unless the row already closed another way. */
    async recordCanceled(taskId: string): Promise<void> {
      const row = await tasks.transition(taskId, 'canceled', { finishedAt: new Date() });
      if (row) logger.info({ taskId }, 'task canceled');
    },
    /** The send failed for good: record why. */
    async recordFailure(input: { taskId: string; error: string }): Promise<void> {
      const row = await tasks.transition(input.taskId, 'failed', { error: input.error, finishedAt: new Date() });
      if (row) logger.warn({ taskId: input.taskId, error: input.error, attempts: row.attempts }, 'task failed');
      if (row) countFailed();
    },
  };
}
