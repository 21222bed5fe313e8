// The reconciler closes the gap between inserting a task and starting its workflow: a crash in
// between leaves a row that no workflow will ever send. It runs at start-up and then periodically,
// in every process that has a TaskService; starting is idempotent (workflowId = task id), so
// several reconcilers, or one racing a slow normal start, never make a second workflow.
import type { TaskRepository } from '../db/task-repository.js';
import type { Logger } from '../logger.js';
import { reconcilerRepairs } from '../ops/metrics.js';
import type { TaskScheduler } from '../temporal/mail-task-scheduler.js';

export interface ReconcilerOptions {
  repository: TaskRepository;
  scheduler: Pick<TaskScheduler, 'start'>;
  logger: Logger;
  /** Rows younger than this are left to the request that is inserting them. */
  graceMs?: number;
  /** How often to look again. */
  intervalMs?: number;
  clock?: () => Date;
}

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly options: ReconcilerOptions) {}

  /** Starts the workflow of every stranded open task; returns how many it started. */
  async runOnce(): Promise<number> {
    const { repository, scheduler, logger } = this.options;
    const now = (this.options.clock ?? (() => new Date()))();
    const cutoff = new Date(now.getTime() - (this.options.graceMs ?? 30_000));
    let started = 0;
    for (;;) {
      const stranded = await repository.listWithoutWorkflow(cutoff, 200);
      if (stranded.length === 0) break;
      for (const task of stranded) {
        await scheduler.start({ id: task.id, scheduledAt: task.scheduled_at });
        await repository.markWorkflowStarted(task.id);
        started++;
        reconcilerRepairs.inc();
        logger.warn({ taskId: task.id, status: task.status, createdAt: task.created_at }, 'reconciler started a stranded task');
      }
      if (stranded.length < 200) break;
    }
    return started;
  }

  /** Runs now and then every `intervalMs`, until stop(). Failures are logged and retried next time. */
  start(): void {
    const tick = () => {
      this.running = this.runOnce().catch((err) => this.options.logger.error({ err }, 'reconciler run failed'));
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
