// Task rows. Every status change is a conditional UPDATE whose WHERE clause comes from
// domain/task-status.ts, so two racing writers can never both win an illegal change.
import DataLoader from 'dataloader';
import { sql } from 'kysely';
import { OPEN_STATUSES, type TaskStatus, sourcesOf } from '../domain/task-status.js';
import type { HeraldDb } from './database.js';
import type { NewTaskRow, TaskPayload, TaskRow } from './schema.js';

export type NewTask = Omit<NewTaskRow, 'payload' | 'created_at' | 'updated_at' | 'attempts'> & { payload: TaskPayload };

/** What the send step found when it tried to claim a task. */
export type ClaimResult =
  | { kind: 'claimed'; task: TaskRow }
  /** The row says another time than the one the send step holds for (later, or moved meanwhile). */
  | { kind: 'not-due'; scheduledAt: Date }
  /** Open and due, but past its deadline (due time plus the stale bound): not to be sent any more. */
  | { kind: 'too-late'; dueAt: Date }
  | { kind: 'closed'; status: TaskStatus }
  | { kind: 'missing' };

interface ClaimRequest {
  id: string;
  dueBy: Date;
  attempt: number;
  claimToken: string;
  /** STALE_SEND_AFTER: an open task is claimed only until its due time plus this; null for no bound. */
  staleAfterMs: number | null;
}

/** Where the row's time stands, as the workflow reads it when told the time changed. */
export interface ScheduleRead {
  status: TaskStatus;
  scheduledAt: Date | null;
}

/** A page of the reconciler's look at open tasks, after `afterId` (by id). */
export type OpenTaskRow = Pick<TaskRow, 'id' | 'status' | 'scheduled_at' | 'created_at' | 'updated_at' | 'requester_id'>;

/** Collects the calls made in one turn of the event loop into one batch. */
const batchOptions = { cache: false, maxBatchSize: 200, batchScheduleFn: (run: () => void) => setImmediate(run) };

export class TaskRepository {
  private readonly claims = new DataLoader<ClaimRequest, ClaimResult>((requests) => this.claimMany(requests), batchOptions);
  private readonly finishes = new DataLoader<string, boolean>((ids) => this.finishMany(ids), batchOptions);

  constructor(private readonly db: HeraldDb) {}

  async insert(task: NewTask): Promise<TaskRow> {
    return this.db
      .insertInto('tasks')
      .values({ ...task, payload: JSON.stringify(task.payload) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findById(id: string): Promise<TaskRow | undefined> {
    return this.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The task if it exists and belongs to `requesterId`; other users' tasks look missing. */
  async findOwned(id: string, requesterId: string): Promise<TaskRow | undefined> {
    return this.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', id)
      .where('requester_id', '=', requesterId)
      .executeTakeFirst();
  }

  /** The requester's reserved tasks, soonest first (served by tasks_reserved_by_requester). */
  async listReserved(requesterId: string, limit: number): Promise<TaskRow[]> {
    return this.db
      .selectFrom('tasks')
      .selectAll()
      .where('requester_id', '=', requesterId)
      .where('status', '=', 'reserved')
      .orderBy('scheduled_at', 'asc')
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
  }

  /** The requester's tasks whose id starts with `idPrefix` (optionally only in `statuses`), soonest first. */
  async findOwnedByPrefix(
    requesterId: string,
    idPrefix: string,
    limit: number,
    statuses?: readonly TaskStatus[],
  ): Promise<TaskRow[]> {
    let query = this.db
      .selectFrom('tasks')
      .selectAll()
      .where('requester_id', '=', requesterId)
      .where(sql<string>`id::text`, 'like', `${idPrefix.replace(/[%_\\]/g, '\\$&')}%`);
    if (statuses) query = query.where('status', 'in', [...statuses]);
    return query.orderBy('scheduled_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
  }

  async countCreatedSince(requesterId: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
    const row = await this.db
      .selectFrom('tasks')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
      .where('requester_id', '=', requesterId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), oldest: row.oldest ? new Date(row.oldest as Date) : null };
  }

  async countOpen(requesterId: string): Promise<number> {
    const row = await this.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('requester_id', '=', requesterId)
      .where('status', 'in', OPEN_STATUSES)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * Moves a task to `to` if its current status allows it (task-status.ts).
   * Returns the updated row, or undefined when the task is missing or the change is illegal.
   */
  async transition(
    id: string,
    to: TaskStatus,
    fields: { error?: string | null; startedAt?: Date; finishedAt?: Date; attempts?: number } = {},
    /** Only from these of the legal sources (e.g. never from `running` on the request path). */
    onlyFrom?: readonly TaskStatus[],
  ): Promise<TaskRow | undefined> {
    const from = onlyFrom ? sourcesOf(to).filter((status) => onlyFrom.includes(status)) : sourcesOf(to);
    if (from.length === 0) return undefined;
    return this.db
      .updateTable('tasks')
      .set({
        status: to,
        updated_at: sql`now()`,
        ...(fields.error !== undefined && { error: fields.error }),
        ...(fields.startedAt && { started_at: fields.startedAt }),
        ...(fields.finishedAt && { finished_at: fields.finishedAt }),
        ...(fields.attempts !== undefined && { attempts: fields.attempts }),
      })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * The send step's claim: a queued task, or a reserved one whose time is exactly `dueBy` (the time
   * the step was sent for: a step sent for a time the row no longer has, such as a hold left behind
   * by a reschedule, can never claim it), becomes running and remembers `claimToken`; a running one
   * may be claimed again only with the same token (a retry of the same attempt chain, never a stale
   * or second one). Anything else says why it was not claimed ('not-due': the row's time).
   * Claims made in the same turn of the event loop (held sends all wake at their due time) go to
   * the database as one statement. With `staleAfterMs`, an open task is claimed only until its
   * deadline (its time, or for a send-now its creation, plus that bound): later it is 'too-late'.
   * The database's clock decides, so every worker agrees.
   */
  claimForSending(id: string, dueBy: Date, attempt: number, claimToken: string, staleAfterMs: number | null = null): Promise<ClaimResult> {
    return this.claims.load({ id, dueBy, attempt, claimToken, staleAfterMs });
  }

  /** Marks a running task finished; batched like claims. False if it was not running. */
  finishSent(id: string): Promise<boolean> {
    return this.finishes.load(id);
  }

  private async claimMany(requests: readonly ClaimRequest[]): Promise<ClaimResult[]> {
    // One UPDATE touches a row once: a second claim of the same task in this batch goes next.
    const seen = new Set<string>();
    const first = requests.filter((r) => !seen.has(r.id) && seen.add(r.id));
    if (first.length < requests.length) {
      const rest = requests.filter((r) => !first.includes(r));
      const firstResults = await this.claimMany(first);
      const restResults = await this.claimMany(rest);
      return requests.map((r) => (first.includes(r) ? firstResults[first.indexOf(r)]! : restResults[rest.indexOf(r)]!));
    }
    const claimed = await sql<TaskRow>`
      UPDATE tasks AS t
         SET status = 'running', attempts = r.attempt, claim_token = r.claim_token,
             started_at = coalesce(t.started_at, now()), updated_at = now()
        FROM unnest(${requests.map((r) => r.id)}::uuid[], ${requests.map((r) => r.dueBy)}::timestamptz[],
                    ${requests.map((r) => r.attempt)}::int[], ${requests.map((r) => r.claimToken)}::text[],
                    ${requests.map((r) => r.staleAfterMs)}::float8[])
             AS r(id, due_by, attempt, claim_token, stale_ms)
       WHERE t.id = r.id
         AND t.status = ANY(${sourcesOf('running')}::task_status[])
         AND ((t.status = 'queued' OR (t.status = 'reserved' AND date_trunc('milliseconds', t.scheduled_at) = r.due_by))
              AND (r.stale_ms IS NULL OR now() <= coalesce(t.scheduled_at, t.created_at) + r.stale_ms * interval '1 millisecond')
              OR (t.status = 'running' AND t.claim_token = r.claim_token))
      RETURNING t.*`.execute(this.db);
    const byId = new Map(claimed.rows.map((row) => [row.id, row]));
    const unclaimed = requests.filter((r) => !byId.has(r.id)).map((r) => r.id);
    const current = unclaimed.length
      ? await sql<TaskRow & { db_now: Date }>`SELECT t.*, now() AS db_now FROM tasks AS t WHERE t.id = ANY(${unclaimed}::uuid[])`.execute(this.db)
      : { rows: [] };
    const rows = new Map(current.rows.map((row) => [row.id, row]));
    return requests.map((r): ClaimResult => {
      const task = byId.get(r.id);
      if (task) return { kind: 'claimed', task };
      const row = rows.get(r.id);
      if (!row) return { kind: 'missing' };
      const dueAt = row.scheduled_at ?? row.created_at;
      const due = row.status === 'queued' || (row.status === 'reserved' && dueAt.getTime() === r.dueBy.getTime());
      if (due && r.staleAfterMs !== null && row.db_now.getTime() > dueAt.getTime() + r.staleAfterMs) return { kind: 'too-late', dueAt };
      if (row.status === 'reserved' && row.scheduled_at) return { kind: 'not-due', scheduledAt: row.scheduled_at };
      return { kind: 'closed', status: row.status };
    });
  }

  private async finishMany(ids: readonly string[]): Promise<boolean[]> {
    const done = await this.db
      .updateTable('tasks')
      .set({ status: 'finished', finished_at: sql`now()`, updated_at: sql`now()`, error: null })
      .where('id', 'in', [...ids])
      .where('status', 'in', sourcesOf('finished'))
      .returning('id')
      .execute();
    const finished = new Set(done.map((row) => row.id));
    return ids.map((id) => finished.has(id));
  }

  /** Records the latest attempt's error on a task that is still being sent. */
  async recordAttemptError(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('tasks')
      .set({ error, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /**
   * Moves a reserved task's time, if it has been moved fewer than `maxReschedules` times; undefined
   * if it is no longer reserved or has reached the cap. The row remembers the change until the
   * workflow has read it (readSchedule), so the reconciler can tell a workflow that missed it.
   */
  async reschedule(id: string, requesterId: string, scheduledAt: Date, maxReschedules: number): Promise<TaskRow | undefined> {
    return this.db
      .updateTable('tasks')
      .set((eb) => ({
        scheduled_at: scheduledAt,
        reschedule_count: eb('reschedule_count', '+', 1),
        schedule_changed_at: sql`now()`,
        updated_at: sql`now()`,
      }))
      .where('id', '=', id)
      .where('requester_id', '=', requesterId)
      .where('status', '=', 'reserved')
      .where('reschedule_count', '<', maxReschedules)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Puts back the time a reschedule replaced, only if the row is still exactly as that reschedule
   * left it (a compare-and-set: a later reschedule, a claim or a cancel wins). True if put back.
   */
  async undoReschedule(moved: Pick<TaskRow, 'id' | 'scheduled_at' | 'reschedule_count'>, previous: Date): Promise<boolean> {
    const undone = await this.db
      .updateTable('tasks')
      .set({ scheduled_at: previous, schedule_changed_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', moved.id)
      .where('status', '=', 'reserved')
      .where('scheduled_at', '=', moved.scheduled_at!)
      .where('reschedule_count', '=', moved.reschedule_count)
      .returning('id')
      .executeTakeFirst();
    return undone !== undefined;
  }

  /** The workflow reads the row's time; from now on the row no longer waits to be read. */
  async readSchedule(id: string): Promise<ScheduleRead | undefined> {
    const row = await this.db
      .updateTable('tasks')
      .set({ schedule_changed_at: null })
      .where('id', '=', id)
      .returning(['status', 'scheduled_at'])
      .executeTakeFirst();
    return row && { status: row.status, scheduledAt: row.scheduled_at };
  }

  /** Reserved tasks whose time changed before `changedBefore` and which their workflow has not read since. */
  async listScheduleUnread(changedBefore: Date, limit: number): Promise<Pick<TaskRow, 'id' | 'scheduled_at' | 'schedule_changed_at'>[]> {
    return this.db
      .selectFrom('tasks')
      .select(['id', 'scheduled_at', 'schedule_changed_at'])
      .where('schedule_changed_at', '<', changedBefore)
      .where('status', '=', 'reserved')
      .orderBy('schedule_changed_at', 'asc')
      .limit(limit)
      .execute();
  }

  /** Notes that the workflow was told again; false if it has read the row (or it changed) meanwhile. */
  async markScheduleRetold(id: string, changedAt: Date): Promise<boolean> {
    const row = await this.db
      .updateTable('tasks')
      .set({ schedule_changed_at: sql`now()` })
      .where('id', '=', id)
      // PostgreSQL keeps microseconds, a Date milliseconds.
      .where(sql<Date>`date_trunc('milliseconds', schedule_changed_at)`, '=', changedAt)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Open or running tasks with a started workflow, by id after `afterId`: the reconciler looks at all of them in turn. */
  async listOpenAfter(afterId: string | null, limit: number): Promise<OpenTaskRow[]> {
    let query = this.db
      .selectFrom('tasks')
      .select(['id', 'status', 'scheduled_at', 'created_at', 'updated_at', 'requester_id'])
      .where('status', 'in', ['queued', 'reserved', 'running'])
      .where('workflow_started_at', 'is not', null);
    if (afterId) query = query.where('id', '>', afterId);
    return query.orderBy('id', 'asc').limit(limit).execute();
  }

  /** Open or running tasks with a started workflow that were due before `dueBefore`, the longest overdue first. */
  async listOverdue(dueBefore: Date, limit: number): Promise<OpenTaskRow[]> {
    return this.db
      .selectFrom('tasks')
      .select(['id', 'status', 'scheduled_at', 'created_at', 'updated_at', 'requester_id'])
      .where('status', 'in', ['queued', 'reserved', 'running'])
      .where('workflow_started_at', 'is not', null)
      .where(sql<Date>`coalesce(scheduled_at, created_at)`, '<', dueBefore)
      .orderBy(sql`coalesce(scheduled_at, created_at)`, 'asc')
      .limit(limit)
      .execute();
  }

  /** Records that the task's workflow exists. */
  async markWorkflowStarted(id: string): Promise<void> {
    await this.db
      .updateTable('tasks')
      .set({ workflow_started_at: sql`now()` })
      .where('id', '=', id)
      .where('workflow_started_at', 'is', null)
      .execute();
  }

  /**
   * Tasks whose workflow is not known to be started, created before `createdBefore`, oldest first;
   * after `after` (the last of the previous page), so a row that cannot be repaired is not met again.
   */
  async listWithoutWorkflow(createdBefore: Date, limit: number, after?: Pick<TaskRow, 'id' | 'created_at'>): Promise<TaskRow[]> {
    let query = this.db
      .selectFrom('tasks')
      .selectAll()
      .where('workflow_started_at', 'is', null)
      .where('status', 'in', OPEN_STATUSES)
      .where('created_at', '<', createdBefore);
    if (after) query = query.where(sql<boolean>`(created_at, id) > (${after.created_at}, ${after.id}::uuid)`, '=', true);
    return query.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
  }
}
