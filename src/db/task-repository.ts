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
  | { kind: 'not-due'; scheduledAt: Date }
  | { kind: 'closed'; status: TaskStatus }
  | { kind: 'missing' };

interface ClaimRequest {
  id: string;
  dueBy: Date;
  attempt: number;
  claimToken: string;
}

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

  /**
   * The requester's tasks in `statuses`, newest first, `limit` from `offset` (served by
   * tasks_by_requester_created: one user's rows, in creation order).
   */
  async listHistory(requesterId: string, statuses: readonly TaskStatus[], limit: number, offset: number): Promise<TaskRow[]> {
    return this.db
      .selectFrom('tasks')
      .selectAll()
      .where('requester_id', '=', requesterId)
      .where('status', 'in', [...statuses])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  /** A server's open tasks, soonest first (sends now before reservations), `limit` from `offset`. */
  async listOpenInGuild(guildId: string, limit: number, offset: number): Promise<TaskRow[]> {
    return this.db
      .selectFrom('tasks')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('status', 'in', OPEN_STATUSES)
      .orderBy('scheduled_at', (ob) => ob.asc().nullsFirst())
      .orderBy('id', 'asc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  /** The task if it exists and was made in `guildId`; other servers' tasks look missing. */
  async findInGuild(id: string, guildId: string): Promise<TaskRow | undefined> {
    return this.db.selectFrom('tasks').selectAll().where('id', '=', id).where('guild_id', '=', guildId).executeTakeFirst();
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
  ): Promise<TaskRow | undefined> {
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
      .where('status', 'in', sourcesOf(to))
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * The send step's claim: a queued task, or a reserved one due by `dueBy`, becomes running and
   * remembers `claimToken`; a running one may be claimed again only with the same token (a retry of
   * the same attempt chain, never a stale or second one). Anything else says why it was not claimed.
   * Claims made in the same turn of the event loop (held sends all wake at their due time) go to
   * the database as one statement.
   */
  claimForSending(id: string, dueBy: Date, attempt: number, claimToken: string): Promise<ClaimResult> {
    return this.claims.load({ id, dueBy, attempt, claimToken });
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
                    ${requests.map((r) => r.attempt)}::int[], ${requests.map((r) => r.claimToken)}::text[])
             AS r(id, due_by, attempt, claim_token)
       WHERE t.id = r.id
         AND t.status = ANY(${sourcesOf('running')}::task_status[])
         AND (t.status = 'queued'
              OR (t.status = 'reserved' AND t.scheduled_at <= r.due_by)
              OR (t.status = 'running' AND t.claim_token = r.claim_token))
      RETURNING t.*`.execute(this.db);
    const byId = new Map(claimed.rows.map((row) => [row.id, row]));
    const unclaimed = requests.filter((r) => !byId.has(r.id)).map((r) => r.id);
    const current = unclaimed.length
      ? new Map((await this.db.selectFrom('tasks').selectAll().where('id', 'in', unclaimed).execute()).map((row) => [row.id, row]))
      : new Map<string, TaskRow>();
    return requests.map((r): ClaimResult => {
      const task = byId.get(r.id);
      if (task) return { kind: 'claimed', task };
      const row = current.get(r.id);
      if (!row) return { kind: 'missing' };
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

  /** Moves a reserved task's time; undefined if it is no longer reserved. */
  async reschedule(id: string, requesterId: string, scheduledAt: Date): Promise<TaskRow | undefined> {
    return this.db
      .updateTable('tasks')
      .set({ scheduled_at: scheduledAt, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('requester_id', '=', requesterId)
      .where('status', '=', 'reserved')
      .returningAll()
      .executeTakeFirst();
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

  /** Tasks whose workflow is not known to be started, created before `createdBefore`, oldest first. */
  async listWithoutWorkflow(createdBefore: Date, limit: number): Promise<TaskRow[]> {
    return this.db
      .selectFrom('tasks')
      .selectAll()
      .where('workflow_started_at', 'is', null)
      .where('status', 'in', OPEN_STATUSES)
      .where('created_at', '<', createdBefore)
      .orderBy('created_at', 'asc')
      .limit(limit)
      .execute();
  }
}
