// Status bookkeeping the workflow does outside the send: idempotent conditional updates.
import type { TaskRepository } from '../db/task-repository.js';
import type { Logger } from '../logger.js';

export function createTaskRecordActivities({ tasks, logger }: { tasks: TaskRepository; logger: Logger }) {
  return {
    /** The workflow was canceled: record it, unless the row already closed another way. */
    async recordCanceled(taskId: string): Promise<void> {
      const row = await tasks.transition(taskId, 'canceled', { finishedAt: new Date() });
      if (row) logger.info({ taskId }, 'task canceled');
    },
    /** The send failed for good: record why. */
    async recordFailure(input: { taskId: string; error: string }): Promise<void> {
      const row = await tasks.transition(input.taskId, 'failed', { error: input.error, finishedAt: new Date() });
      if (row) logger.warn({ taskId: input.taskId, error: input.error, attempts: row.attempts }, 'task failed');
    },
  };
}
