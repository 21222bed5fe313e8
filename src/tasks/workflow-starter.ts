// The outbox starter. /reserve answers once the task's row is committed; the row, with no
// workflow yet, is the outbox entry. This starter, in the worker process, takes those rows in
// batches, the earliest due first, and starts their workflows with a bounded number of starts in
// flight: the Temporal server sets the pace (a start that fails leaves its row for the next pass,
// after a pause), and a burst of requests never waits on it. Several starters (one per worker
// process) lease rows from each other (claimForStart), and a start is idempotent (workflowId =
// task id), so a lease that runs out while a start is still in flight costs a repeated call, never
// a second workflow. A crash between the commit and the start leaves the row in the outbox for the
// next starter, and for the reconciler (which starts what is still waiting after its grace period).
import type { TaskRow } from '../db/schema.js';
import type { OutboxBacklog, TaskRepository } from '../db/task-repository.js';
import type { WakeRequest } from '../domain/wake-stagger.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { Logger } from '../logger.js';
import { outboxBacklogAge, outboxPending, workflowsStarted } from '../ops/metrics.js';
import type { TaskScheduler } from '../temporal/mail-task-scheduler.js';

export interface WorkflowStarterOptions {
  repository: TaskRepository;
  scheduler: Pick<TaskScheduler, 'start'>;
  logger: Logger;
  /** Starts in flight at once (OUTBOX_START_CONCURRENCY). */
  concurrency?: number;
  /** Rows taken per pass. */
  batchSize?: number;
  /** How long a starter's lease on a row lasts before another starter may take it. */
  leaseMs?: number;
  /** How long to wait when the outbox is empty (a request in this process wakes it sooner: kick()). */
  idleMs?: number;
  /** MAIL_PREPARE_LEAD: a reservation's usual wake is this long before its time. */
  prepareLeadMs?: number;
  /** WAKE_BUDGET: wake-ups a second the Temporal server takes; 0 does not stage them. */
  wakeBudget?: number;
  clock?: () => Date;
}

/** A staged wake-up is never moved later than this before the task's time: the hold must still claim and compose. */
const SHORTEST_HOLD_MS = 5_000;
/** Wake-ups are staged from this far ahead of now (the workflow must be started before it). */
const STAGING_FLOOR_MS = 5_000;

/** How long a starter's lease on an outbox row lasts (the reconciler's start takes one too). */
export const START_LEASE_MS = 30_000;

/** The longest pause after failed starts (the server is down or overloaded). */
const MAX_BACKOFF_MS = 5_000;

export class WorkflowStarter {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;

  constructor(private readonly options: WorkflowStarterOptions) {}

  /** Starts the loop; stop() ends it after the pass in progress. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  /** New rows are waiting: look now instead of at the end of the idle wait. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** What waits in the outbox (any process may ask: the rows are the truth). Updates the gauges. */
  async backlog(): Promise<OutboxBacklog> {
    const backlog = await this.options.repository.outboxBacklog();
    outboxPending.set(backlog.pending);
    outboxBacklogAge.set(backlog.oldestAgeMs / 1000);
    return backlog;
  }

  /**
   * One pass: takes a batch of outbox rows, the earliest due first, and starts their workflows.
   * Returns how many it took and how many of those it could not start.
   */
  async startBatch(): Promise<{ taken: number; failed: number }> {
    const { repository, scheduler, logger } = this.options;
    const rows = await repository.claimForStart(this.options.batchSize ?? 200, this.options.leaseMs ?? START_LEASE_MS);
    if (rows.length === 0) return { taken: 0, failed: 0 };
    const leads = await this.stagedLeads(rows);
    const started: string[] = [];
    const failed: string[] = [];
    let next = 0;
    const lane = async () => {
      // Rows go out in the order taken, so the earliest due are asked for first.
      while (next < rows.length) {
        const row = rows[next++]!;
        try {
          await scheduler.start({ id: row.id, scheduledAt: row.scheduled_at, prepareLeadMs: leads.get(row.id) });
          started.push(row.id);
        } catch (err) {
          failed.push(row.id);
          logger.warn({ taskId: row.id, err }, 'outbox: could not start the workflow; trying again');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 16, rows.length) }, lane));
    await repository.markWorkflowsStarted(started);
    await repository.releaseStartClaims(failed);
    workflowsStarted.inc({ result: 'started' }, started.length);
    if (failed.length > 0) workflowsStarted.inc({ result: 'failed' }, failed.length);
    return { taken: rows.length, failed: failed.length };
  }

  /**
   * Each reservation's lead, staged so that no second's wake-ups exceed WAKE_BUDGET
   * (src/domain/wake-stagger.ts); absent for sends now, near reservations, and with no budget.
   */
  private async stagedLeads(rows: readonly TaskRow[]): Promise<Map<string, number>> {
    const { wakeBudget = 0, prepareLeadMs = 0, repository } = this.options;
    const leads = new Map<string, number>();
    if (wakeBudget <= 0) return leads;
    const floor = Math.ceil(((this.options.clock?.() ?? new Date()).getTime() + STAGING_FLOOR_MS) / 1000);
    const requests: WakeRequest[] = [];
    for (const row of rows) {
      if (row.status !== 'reserved' || !row.scheduled_at) continue;
      const at = row.scheduled_at.getTime();
      const nominal = Math.floor((at - prepareLeadMs) / 1000);
      if (nominal < floor) continue;
      requests.push({ id: row.id, nominal, latest: Math.max(nominal, Math.floor((at - SHORTEST_HOLD_MS) / 1000)) });
    }
    const assigned = await repository.assignWakes(requests, wakeBudget, floor);
    for (const row of rows) {
      const second = assigned.get(row.id);
      if (second !== undefined) leads.set(row.id, row.scheduled_at!.getTime() - second * 1000);
    }
    return leads;
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    const batchSize = this.options.batchSize ?? 200;
    let backoffMs = 0;
    while (this.running) {
      this.kicked = false;
      let full = false;
      try {
        const { taken, failed } = await this.startBatch();
        full = taken === batchSize;
        backoffMs = failed > 0 ? Math.min(MAX_BACKOFF_MS, Math.max(250, backoffMs * 2)) : 0;
        await this.backlog();
      } catch (err) {
        backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(250, backoffMs * 2));
        if (isDatabaseUnavailable(err)) logger.warn({ err: String(err) }, 'outbox: the database is unavailable; trying again');
        else logger.error({ err }, 'outbox pass failed');
      }
      if (!this.running) break;
      if (backoffMs > 0) await this.pause(backoffMs, false);
      else if (!full && !this.kicked) await this.pause(this.options.idleMs ?? 500, true);
    }
  }

  /** Waits `ms`; a kick ends the wait early when `wakeable` (not while backing off after failures). */
  private pause(ms: number, wakeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        if (wakeable || !this.running) done();
      };
    }).finally(() => (this.wake = undefined));
  }
}
