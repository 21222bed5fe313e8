// The reconciler makes the rows and the workflows agree again where a crash, an outage or an
// operator left them apart. It runs at start-up and then periodically, in every process that has a
// TaskService; every repair is idempotent (workflowId = task id, conditional UPDATEs), so several
// reconcilers, or one racing the normal path, never make a second workflow or a second mail.
//
// Each pass:
// 1. starts the workflow of each open task that has none (a crash between the insert and the
//    start, or an outbox row no starter has taken within the grace period; one a starter holds is
//    left to it), or fails it when it could no longer go out on time (its deadline, STALE_SEND_AFTER);
// 2. tells the workflow of each reservation whose time changed, and which has not read it since
//    (a reschedule whose signal was lost), to read its row again;
// 3. asks Temporal about open tasks: the overdue ones first, then all of them in turn. A task whose
//    workflow ended without it (terminated from the UI, say) or vanished is finished (if the
//    workflow's history shows the relay accepted the mail), started again, or failed with the reason.
// A row that cannot be repaired is logged and left for the next pass; the pass goes on.
import type { TaskRow } from '../db/schema.js';
import type { OpenTaskRow, TaskRepository } from '../db/task-repository.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { FailureReason } from '../domain/failure-reason.js';
import { DEFAULT_STALE_SEND_AFTER_MS, tooLateReason } from '../domain/send-deadline.js';
import { OPEN_STATUSES, type TaskStatus } from '../domain/task-status.js';
import type { Logger } from '../logger.js';
import type { OutcomeNotifier } from '../notify/outcome-notifier.js';
import { reconcilerRepairs } from '../ops/metrics.js';
import type { TaskScheduler } from '../temporal/mail-task-scheduler.js';
import { toTaskView } from './task-view.js';
import { START_LEASE_MS } from './workflow-starter.js';

/** A task still open this long after its time is asked about first. */
const OVERDUE_AFTER_MS = 2 * 60_000;
/**
 * A task claimed for sending less than this long ago is left alone even if its workflow has ended:
 * its send step may still be finishing in a worker (it learns of the end at its next heartbeat).
 */
const SENDING_GRACE_MS = 2 * 60_000;

export interface ReconcilerOptions {
  repository: TaskRepository;
  scheduler: Pick<TaskScheduler, 'start' | 'move' | 'inspect'>;
  logger: Logger;
  /** Tells requesters about the tasks the reconciler fails (the workflow that would have is gone). */
  notifier?: OutcomeNotifier;
  /** Rows younger than this are left to the request that is inserting them (and moves to their signal). */
  graceMs?: number;
  /** How often to look again. */
  intervalMs?: number;
  /** STALE_SEND_AFTER: a task not started on its way this long after its time fails instead. */
  staleSendAfterMs?: number;
  /** Rows asked about per pass, for each of the overdue and the in-turn looks. */
  batchSize?: number;
  /** Series (issue 11): their Schedules made to agree with their rows in the same pass. */
  series?: { reconcile(graceMs: number, batchSize?: number): Promise<number> };
  clock?: () => Date;
}

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /** Where the in-turn look at open tasks goes on from (by id); null: from the start. */
  private cursor: string | null = null;

  constructor(private readonly options: ReconcilerOptions) {}

  /** One pass; returns how many tasks it repaired (started, told again, finished or failed). */
  async runOnce(): Promise<number> {
    const now = (this.options.clock ?? (() => new Date()))();
    const series = (await this.options.series?.reconcile(this.graceMs, this.batchSize)) ?? 0;
    // Housekeeping, not a repair: what the hourly limits no longer count.
    await this.options.repository.forgetUsageBeforeHour();
    return series + (await this.startStranded(now)) + (await this.retellMoves(now)) + (await this.repairEnded(now));
  }

  /** Runs now and then every `intervalMs`, until stop(). Failures are logged and retried next time. */
  start(): void {
    const tick = () => {
      this.running = this.runOnce().catch((err: unknown) => {
        // An outage is expected now and then, and the next pass will catch up: no alarm, no stack.
        if (isDatabaseUnavailable(err)) this.options.logger.warn({ err: String(err) }, 'reconciler: the database is unavailable; trying again next time');
        else this.options.logger.error({ err }, 'reconciler run failed');
      });
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private get graceMs(): number {
    return this.options.graceMs ?? 30_000;
  }

  private get staleSendAfterMs(): number {
    return this.options.staleSendAfterMs ?? DEFAULT_STALE_SEND_AFTER_MS;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 100;
  }

  /** 1. Open tasks whose workflow was never started. */
  private async startStranded(now: Date): Promise<number> {
    const { repository, scheduler, logger } = this.options;
    const cutoff = new Date(now.getTime() - this.graceMs);
    let repaired = 0;
    let after: TaskRow | undefined;
    for (;;) {
      const stranded = await repository.listWithoutWorkflow(cutoff, this.batchSize, after);
      for (const task of stranded) {
        repaired += await this.repair(task.id, async () => {
          if (this.pastDeadline(task, now)) return this.fail(task, tooLateReason(this.staleSendAfterMs), 'too-late', OPEN_STATUSES);
          // The outbox starter's lease: a row a starter is starting right now is left to it.
          if (!(await repository.claimStart(task.id, START_LEASE_MS))) return false;
          try {
            await scheduler.start({ id: task.id, scheduledAt: task.scheduled_at });
          } catch (err) {
            await repository.releaseStartClaims([task.id]);
            throw err;
          }
          await repository.markWorkflowStarted(task.id);
          logger.warn({ taskId: task.id, status: task.status, createdAt: task.created_at }, 'reconciler started a stranded task');
          return true;
        });
      }
      if (stranded.length < this.batchSize) return repaired;
      after = stranded.at(-1);
    }
  }

  /** 2. Reservations whose time changed and whose workflow has not read it since. */
  private async retellMoves(now: Date): Promise<number> {
    const { repository, scheduler, logger } = this.options;
    const unread = await repository.listScheduleUnread(new Date(now.getTime() - this.graceMs), this.batchSize);
    let repaired = 0;
    for (const task of unread) {
      repaired += await this.repair(task.id, async () => {
        // Noted first: a workflow that misses this signal too is told again a grace period later.
        if (!(await repository.markScheduleRetold(task.id, task.schedule_changed_at!))) return false;
        await scheduler.move({ id: task.id, scheduledAt: task.scheduled_at! });
        logger.warn({ taskId: task.id, scheduledAt: task.scheduled_at }, 'reconciler told a workflow to read its time again');
        return true;
      });
    }
    return repaired;
  }

  /** 3. Open tasks whose workflow has ended without them, or vanished. */
  private async repairEnded(now: Date): Promise<number> {
    const { repository } = this.options;
    const overdue = await repository.listOverdue(new Date(now.getTime() - OVERDUE_AFTER_MS), this.batchSize);
    const inTurn = await repository.listOpenAfter(this.cursor, this.batchSize);
    this.cursor = inTurn.length < this.batchSize ? null : inTurn.at(-1)!.id;
    const seen = new Set<string>();
    let repaired = 0;
    for (const task of [...overdue, ...inTurn]) {
      if (seen.has(task.id)) continue;
      seen.add(task.id);
      if (task.status === 'running' && now.getTime() - task.updated_at.getTime() < SENDING_GRACE_MS) continue;
      repaired += await this.repair(task.id, () => this.repairOne(task, now));
    }
    return repaired;
  }

  private async repairOne(task: OpenTaskRow, now: Date): Promise<boolean> {
    const { repository, scheduler, logger } = this.options;
    const found = await scheduler.inspect({ id: task.id, scheduledAt: task.scheduled_at });
    if (found.state === 'open') return false;
    if (found.state === 'closed' && found.delivered) {
      const finished = await repository.transition(task.id, 'finished', { finishedAt: now, error: null });
      if (finished) logger.warn({ taskId: task.id, workflow: found.status }, 'reconciler finished a task whose mail the relay had accepted');
      return finished !== undefined;
    }
    if (task.status === 'running') {
      const how = found.state === 'missing' ? 'no longer exists' : `ended (${found.status.toLowerCase()})`;
      return this.fail(task, `Its workflow ${how} while the mail was being sent, and the relay never confirmed it.`, 'send-unconfirmed', ['running']);
    }
    if (found.state === 'closed') {
      return this.fail(task, `Not sent: its workflow ended (${found.status.toLowerCase()}) before the mail went out.`, 'stopped', OPEN_STATUSES);
    }
    // Missing: started once, and gone (deleted, or Temporal lost its data). Start it again, if still in time.
    if (this.pastDeadline(task, now)) return this.fail(task, tooLateReason(this.staleSendAfterMs), 'too-late', OPEN_STATUSES);
    await scheduler.start({ id: task.id, scheduledAt: task.scheduled_at });
    logger.warn({ taskId: task.id, status: task.status }, 'reconciler started again a task whose workflow was missing');
    return true;
  }

  private pastDeadline(task: Pick<TaskRow, 'scheduled_at' | 'created_at'>, now: Date): boolean {
    return now.getTime() > (task.scheduled_at ?? task.created_at).getTime() + this.staleSendAfterMs;
  }

  /** Fails the task (only from `from`) with `reason` for operators and `failureReason` for users, and tells its requester. */
  private async fail(task: Pick<TaskRow, 'id'>, reason: string, failureReason: FailureReason, from: readonly TaskStatus[]): Promise<boolean> {
    const { repository, logger, notifier } = this.options;
    const failed = await repository.transition(task.id, 'failed', { error: reason, failureReason, finishedAt: new Date() }, from);
    if (!failed) return false;
    logger.warn({ taskId: task.id, reason }, 'reconciler failed a task');
    if (notifier) {
      await notifier.notify(toTaskView(failed), 'failed').catch((err: unknown) => logger.warn({ taskId: task.id, err }, 'could not tell the requester'));
    }
    return true;
  }

  /** Runs one repair; an error is logged and the pass goes on. Counts the repairs made. */
  private async repair(taskId: string, run: () => Promise<boolean>): Promise<number> {
    try {
      if (!(await run())) return 0;
      reconcilerRepairs.inc();
      return 1;
    } catch (err) {
      this.options.logger.error({ taskId, err }, 'reconciler could not repair a task; trying again next time');
      return 0;
    }
  }
}
