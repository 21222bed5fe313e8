// Task rows. Every status change is a conditional UPDATE whose WHERE clause comes from
// domain/task-status.ts, so two racing writers can never both win an illegal change.
import DataLoader from 'dataloader';
import { type ExpressionBuilder, sql } from 'kysely';
import { type FailureReason, REFUSED_RUN_REASONS } from '../domain/failure-reason.js';
import { EDITABLE_STATUSES, OPEN_SERIES_STATUSES, OPEN_STATUSES, type SeriesStatus, type TaskStatus, sourcesOf } from '../domain/task-status.js';
import { stageWakes, type WakeRequest } from '../domain/wake-stagger.js';
import type { HeraldDb } from './database.js';
import type { Database, NewTaskRow, SeriesRow, TaskPayload, TaskRow } from './schema.js';

export type NewTask = Omit<NewTaskRow, 'payload' | 'created_at' | 'updated_at' | 'attempts' | 'recipient_count'> & { payload: TaskPayload };

/**
 * Which tasks a caller sees: the requester's own in one server (guild null: the console's), or,
 * without a requester, every task of one server (its admins). Tasks elsewhere look missing.
 * Without `guildId`, the requester's tasks in every server (scripts and tests, not front ends).
 */
export type TaskScope = { guildId: string | null; requesterId?: string } | { guildId?: undefined; requesterId: string };

/** The caps checked, together with the insert, while the requester's (and the relay's) lock is held. */
export interface InsertLimits {
  /** Recipients the requester may have asked for in the last hour, this task's included. */
  requesterPerHour?: number;
  /** Recipients everyone together may have asked for in the last hour. */
  relayPerHour?: number;
  /** Open (queued or reserved) tasks the requester may have, this one included. */
  maxOpen?: number;
}

export type LimitedInsert =
  | { kind: 'inserted'; task: TaskRow }
  | {
      kind: 'over-hourly-limit';
      scope: 'requester' | 'relay';
      limit: number;
      /** Recipients requested in the last hour before this task. */
      used: number;
      requested: number;
      /** When enough of the hour's recipients age out for this task to fit; null if it never fits. */
      retryInMinutes: number | null;
    }
  | { kind: 'too-many-open'; limit: number };

/** Rolls back a transaction that inserted a task the relay-wide budget then refused. */
class RelayRefusal extends Error {
  constructor(readonly refusal: LimitedInsert) {
    super('over the relay-wide hourly budget');
  }
}

/** Advisory lock keys: one per requester, one for the relay; a hash collision only makes two wait in turn. */
const requesterLockKey = (requesterId: string) => sql`hashtextextended(${`herald:limits:requester:${requesterId}`}, 0)`;
const RELAY_LOCK_KEY = sql`hashtextextended('herald:limits:relay', 0)`;

/** Takes the requester's limits lock until the end of the transaction (see insertWithinLimits). */
export async function lockRequesterLimits(trx: HeraldDb, requesterId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${requesterLockKey(requesterId)})`.execute(trx);
}

/**
 * The requester's open reservations, as MAX_OPEN_RESERVATIONS counts them: open series (a series
 * counts once, however many runs it has), plus open tasks that are not runs of an open series (a
 * run moved past its series' end still waits on its own).
 */
export async function countOpenReservations(trx: HeraldDb, requesterId: string): Promise<number> {
  const openSeries = sql`${[...OPEN_SERIES_STATUSES]}::text[]`;
  const { rows } = await sql<{ n: string }>`
    SELECT (SELECT count(*) FROM tasks t WHERE t.requester_id = ${requesterId} AND t.status = ANY(${[...OPEN_STATUSES]}::task_status[])
              AND NOT EXISTS (SELECT 1 FROM series s WHERE s.id = t.series_id AND s.status = ANY(${openSeries})))
         + (SELECT count(*) FROM series WHERE requester_id = ${requesterId} AND status = ANY(${openSeries})) AS n`.execute(trx);
  return Number(rows[0]!.n);
}

/** A run of a series to store (TaskRepository.insertSeriesRun): what it copies comes from the series row. */
export interface SeriesRunInsert {
  /** Derived from the series and the run time (seriesRunTaskId). */
  id: string;
  seriesId: string;
  /** The run time the Schedule fired for. */
  runAt: Date;
  /** When it goes out: the run time, or later when a quick move made the run early. */
  scheduledAt: Date;
}

export type SeriesRunInserted =
  | { kind: 'inserted'; task: TaskRow }
  /** Made before (a retried or replayed action, or a quick move of the series' next run). */
  | { kind: 'exists'; task: TaskRow }
  /** Over an hourly limit: stored as failed with the user-safe reason; nothing counted. */
  | { kind: 'refused'; task: TaskRow; refusal: Extract<LimitedInsert, { kind: 'over-hourly-limit' }> }
  /** The series is not active (paused, finished, canceled), or the run falls inside a pause, or it is gone. */
  | { kind: 'not-active'; status: SeriesStatus | null };

/** What an edit of a reservation writes. */
export interface TaskEdit {
  name: string;
  description: string;
  payload: TaskPayload;
}

/** What an edit writes, to a reserved task or a series alike; edit_count tells a send that prepared the mail before it. */
export function editColumns(edit: TaskEdit) {
  return {
    name: edit.name,
    description: edit.description,
    payload: JSON.stringify(edit.payload),
    recipient_count: edit.payload.recipients.length,
    edit_count: sql<number>`edit_count + 1`,
    updated_at: sql<Date>`now()`,
  };
}

export type EditResult =
  | { kind: 'edited'; task: TaskRow }
  /** No longer reserved: claimed for sending (`running`), or closed. */
  | { kind: 'not-reserved' }
  | Extract<LimitedInsert, { kind: 'over-hourly-limit' }>;

/** A new task's columns: the payload as JSON, and its recipient count beside it for the limits. */
const taskValues = (task: NewTask) => ({ ...task, payload: JSON.stringify(task.payload), recipient_count: task.payload.recipients.length });

function inScope(scope: TaskScope) {
  return (eb: ExpressionBuilder<Database, 'tasks'>) =>
    eb.and([
      ...(scope.guildId === undefined ? [] : [scope.guildId === null ? eb('guild_id', 'is', null) : eb('guild_id', '=', scope.guildId)]),
      ...(scope.requesterId === undefined ? [] : [eb('requester_id', '=', scope.requesterId)]),
    ]);
}

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

/** Tasks waiting in the outbox for their workflow to be started. */
export interface OutboxBacklog {
  pending: number;
  /** How long the oldest waiting task has waited since it was made (0 when none waits). */
  oldestAgeMs: number;
  /** How soon the earliest waiting task is due (negative: already due); null when none waits. */
  nextDueInMs: number | null;
}

const dueTime = (row: Pick<TaskRow, 'scheduled_at' | 'created_at'>) => (row.scheduled_at ?? row.created_at).getTime();

/** Collects the calls made in one turn of the event loop into one batch. */
const batchOptions = { cache: false, maxBatchSize: 200, batchScheduleFn: (run: () => void) => setImmediate(run) };

export class TaskRepository {
  private readonly claims = new DataLoader<ClaimRequest, ClaimResult>((requests) => this.claimMany(requests), batchOptions);
  private readonly finishes = new DataLoader<string, boolean>((ids) => this.finishMany(ids), batchOptions);

  constructor(private readonly db: HeraldDb) {}

  async insert(task: NewTask): Promise<TaskRow> {
    return this.db
      .insertInto('tasks')
      .values(taskValues(task))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Inserts the task if the caps allow it, atomically: the requester's advisory lock (and the
   * relay's, for the relay-wide budget) is held from the count to the commit, so requests made at
   * the same moment are counted one after another and never all squeeze under a cap together.
   * The hour is the database's, like `created_at`.
   */
  async insertWithinLimits(task: NewTask, limits: InsertLimits): Promise<LimitedInsert> {
    const requested = task.payload.recipients.length;
    return this.db.transaction().execute(async (trx): Promise<LimitedInsert> => {
      await lockRequesterLimits(trx, task.requester_id);
      if (limits.maxOpen !== undefined) {
        if ((await countOpenReservations(trx, task.requester_id)) >= limits.maxOpen) return { kind: 'too-many-open', limit: limits.maxOpen };
      }
      const refused = await requesterHourly(trx, task.requester_id, requested, limits);
      if (refused) return refused;
      const inserted = await trx
        .insertInto('tasks')
        .values(taskValues(task))
        .returningAll()
        .executeTakeFirstOrThrow();
      // Counted toward the relay's budget last, after the insert, so its lock is held for one
      // statement and the commit; over it, the insert is rolled back.
      const relayRefused = await countRelay(trx, requested, limits.relayPerHour);
      if (relayRefused) throw new RelayRefusal(relayRefused);
      return { kind: 'inserted', task: inserted } as const;
    }).catch((err: unknown) => {
      if (err instanceof RelayRefusal) return err.refusal;
      throw err;
    });
  }

  /**
   * Stores the run of a series for `runAt`, once: a run that exists is answered as it is. The
   * series row is read under a share lock, so an edit or a cancel of the series either comes before
   * the run (which then copies the edited mail, or is not made) or after it (and leaves the run as
   * it is). Every run counts toward the hourly limits, under the same locks as a new mail; a run
   * over them is stored as failed with the reason, and counts toward nothing.
   */
  async insertSeriesRun(run: SeriesRunInsert, limits: Pick<InsertLimits, 'requesterPerHour' | 'relayPerHour'>): Promise<SeriesRunInserted> {
    return this.db.transaction().execute(async (trx): Promise<SeriesRunInserted> => {
      const existing = await trx.selectFrom('tasks').selectAll().where('id', '=', run.id).executeTakeFirst();
      if (existing) return { kind: 'exists', task: existing };
      const probe = await trx.selectFrom('series').select('requester_id').where('id', '=', run.seriesId).executeTakeFirst();
      if (!probe) return { kind: 'not-active', status: null };
      // The requester's lock first, as every insert takes it, then the series row.
      await lockRequesterLimits(trx, probe.requester_id);
      const series = (await sql<SeriesRow>`SELECT * FROM series WHERE id = ${run.seriesId} FOR SHARE`.execute(trx)).rows[0]!;
      if (series.status !== 'active' || (series.resumed_at && run.runAt.getTime() < series.resumed_at.getTime())) {
        return { kind: 'not-active', status: series.status };
      }
      const row = {
        id: run.id,
        name: series.name,
        description: series.description,
        requester_id: series.requester_id,
        guild_id: series.guild_id,
        payload: JSON.stringify(series.payload),
        recipient_count: series.recipient_count,
        series_id: series.id,
        run_at: run.runAt,
        scheduled_at: run.scheduledAt,
      };
      const refusal = await countHourly(trx, series.requester_id, series.recipient_count, limits);
      if (refusal) {
        const reason: FailureReason = refusal.scope === 'relay' ? 'relay-limit' : 'hourly-limit';
        const task = await trx
          .insertInto('tasks')
          .values({
            ...row,
            status: 'failed',
            failure_reason: reason,
            error: `Not sent: the ${refusal.scope === 'relay' ? 'relay-wide' : "requester's"} hourly limit of ${refusal.limit} recipients was used up (${refusal.used} used, ${refusal.requested} asked).`,
            finished_at: sql`now()`,
            workflow_started_at: sql`now()`,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { kind: 'refused', task, refusal };
      }
      // The run's own workflow starts it right after (SeriesService.startRunTask): it holds the
      // outbox's start lease from the insert, so the starter leaves the row alone unless that start
      // never comes and the lease runs out.
      const task = await trx
        .insertInto('tasks')
        .values({ ...row, status: 'reserved', start_claimed_at: sql`now()` })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { kind: 'inserted', task };
    });
  }

  /**
   * Changes a reserved task's mail, only while it is still reserved: the same conditional UPDATE as
   * the claim, so an edit and a send never both win. Recipients the edit adds count toward the
   * hourly limits, under the same locks as a new mail.
   */
  async editReserved(id: string, requesterId: string, edit: TaskEdit, addedRecipients: number, limits: Pick<InsertLimits, 'requesterPerHour' | 'relayPerHour'>): Promise<EditResult> {
    const notReserved = Symbol('not reserved');
    try {
      return await this.db.transaction().execute(async (trx): Promise<EditResult> => {
        if (addedRecipients > 0) {
          await lockRequesterLimits(trx, requesterId);
          const refused = await countHourly(trx, requesterId, addedRecipients, limits);
          if (refused) return refused;
          await trx.insertInto('recipient_additions').values({ requester_id: requesterId, recipients: addedRecipients }).execute();
        }
        const edited = await trx
          .updateTable('tasks')
          .set(editColumns(edit))
          .where('id', '=', id)
          .where('requester_id', '=', requesterId)
          .where('status', 'in', EDITABLE_STATUSES)
          .returningAll()
          .executeTakeFirst();
        // Rolls the counted recipients back with it.
        if (!edited) throw notReserved;
        return { kind: 'edited', task: edited };
      });
    } catch (err) {
      if (err === notReserved) return { kind: 'not-reserved' };
      throw err;
    }
  }

  /** The runs of these series made for a run time after `after` (made early by a quick move). */
  async runsAfter(seriesIds: readonly string[], after: Date): Promise<Pick<TaskRow, 'series_id' | 'run_at'>[]> {
    if (seriesIds.length === 0) return [];
    return this.db
      .selectFrom('tasks')
      .select(['series_id', 'run_at'])
      .where('series_id', 'in', [...seriesIds])
      .where('run_at', '>', after)
      .execute();
  }

  /** The open runs of a series that are not being sent: what canceling the series cancels with it. */
  async openRunsOf(seriesId: string): Promise<TaskRow[]> {
    return this.db.selectFrom('tasks').selectAll().where('series_id', '=', seriesId).where('status', 'in', OPEN_STATUSES).execute();
  }

  /** Open tasks in `scope` made at or before `createdBy`, oldest first: what "cancel all" cancels. */
  async listOpenCreatedBy(scope: TaskScope, createdBy: Date): Promise<TaskRow[]> {
    return this.db
      .selectFrom('tasks')
      .selectAll()
      .where(inScope(scope))
      .where('status', 'in', OPEN_STATUSES)
      .where('created_at', '<=', createdBy)
      .orderBy('created_at', 'asc')
      .execute();
  }

  async findById(id: string): Promise<TaskRow | undefined> {
    return this.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The task if it exists within `scope`; tasks outside it look missing. */
  async findInScope(id: string, scope: TaskScope): Promise<TaskRow | undefined> {
    return this.db.selectFrom('tasks').selectAll().where('id', '=', id).where(inScope(scope)).executeTakeFirst();
  }

  /**
   * A page of the tasks in `scope` that are in `statuses`, and how many there are in all: soonest
   * first (sends now last; served by tasks_reserved_by_requester_guild and tasks_open_by_guild), or
   * newest first (a history; served by tasks_by_requester_created, the server a filter on its rows).
   */
  async listInScope(
    scope: TaskScope,
    statuses: readonly TaskStatus[],
    page: { limit: number; offset: number },
    order: 'soonest' | 'newest' = 'soonest',
  ): Promise<{ rows: TaskRow[]; total: number }> {
    const [column, direction] = order === 'soonest' ? (['scheduled_at', 'asc'] as const) : (['created_at', 'desc'] as const);
    const [rows, count] = await Promise.all([
      this.db
        .selectFrom('tasks')
        .selectAll()
        .where(inScope(scope))
        .where('status', 'in', [...statuses])
        .orderBy(column, direction)
        .orderBy('id', direction)
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      this.db
        .selectFrom('tasks')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where(inScope(scope))
        .where('status', 'in', [...statuses])
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /** The tasks in `scope` whose id starts with `idPrefix` (optionally only in `statuses`), soonest first. */
  async findByPrefixInScope(
    scope: TaskScope,
    idPrefix: string,
    limit: number,
    statuses?: readonly TaskStatus[],
  ): Promise<TaskRow[]> {
    let query = this.db
      .selectFrom('tasks')
      .selectAll()
      .where(inScope(scope))
      .where(sql<string>`id::text`, 'like', `${idPrefix.replace(/[%_\\]/g, '\\$&')}%`);
    if (statuses) query = query.where('status', 'in', [...statuses]);
    return query.orderBy('scheduled_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
  }

  /**
   * Moves a task to `to` if its current status allows it (task-status.ts).
   * Returns the updated row, or undefined when the task is missing or the change is illegal.
   */
  async transition(
    id: string,
    to: TaskStatus,
    fields: {
      error?: string | null;
      /** The user-safe words for a failure (FailureReason), beside the raw `error`. */
      failureReason?: FailureReason;
      startedAt?: Date;
      finishedAt?: Date;
      attempts?: number;
      canceledBy?: string;
    } = {},
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
        ...(fields.failureReason !== undefined && { failure_reason: fields.failureReason }),
        ...(fields.canceledBy !== undefined && { canceled_by: fields.canceledBy }),
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

  /** Records the latest attempt's error (and what it means for the user) on a task that is still being sent. */
  async recordAttemptError(id: string, error: string, reason?: FailureReason): Promise<void> {
    await this.db
      .updateTable('tasks')
      .set({ error, updated_at: sql`now()`, ...(reason && { failure_reason: reason }) })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /**
   * Records, on a task not yet closed, the user-safe reason it is about to fail for; the failure
   * itself (status and raw error) is recorded by the workflow as for any other failure. False if
   * the task is already closed.
   */
  async recordFailureReason(id: string, reason: FailureReason): Promise<boolean> {
    const updated = await this.db
      .updateTable('tasks')
      .set({ failure_reason: reason, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('status', 'in', sourcesOf('failed'))
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
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
  /**
   * Deletes the hourly limits' bookkeeping that left the hour: the relay's per-minute usage and the
   * recipients edits added. Every count reads only the last hour, so this only keeps the tables
   * small; the reconciler does it, so that no request pays for it.
   */
  async forgetUsageBeforeHour(): Promise<void> {
    await sql`DELETE FROM relay_usage WHERE minute <= now() - interval '1 hour'`.execute(this.db);
    await sql`DELETE FROM recipient_additions WHERE added_at <= now() - interval '1 hour'`.execute(this.db);
  }

  async markWorkflowStarted(id: string): Promise<void> {
    await this.markWorkflowsStarted([id]);
  }

  /**
   * The outbox: takes up to `limit` open tasks whose workflow is not started and that no other
   * starter holds (its lease, `leaseMs`, ran out), the oldest wake time first, and leases them to
   * the caller. One statement; rows another starter is taking right now are skipped, not waited for.
   */
  async claimForStart(limit: number, leaseMs: number): Promise<TaskRow[]> {
    const { rows } = await sql<TaskRow>`
      UPDATE tasks AS t SET start_claimed_at = now()
        FROM (SELECT id FROM tasks
               WHERE workflow_started_at IS NULL
                 AND status = ANY(${OPEN_STATUSES}::task_status[])
                 AND (start_claimed_at IS NULL OR start_claimed_at < now() - ${leaseMs} * interval '1 millisecond')
               ORDER BY coalesce(scheduled_at, created_at), id
               LIMIT ${limit}
               FOR UPDATE SKIP LOCKED) AS due
       WHERE t.id = due.id
      RETURNING t.*`.execute(this.db);
    return rows.sort((a, b) => dueTime(a) - dueTime(b) || a.id.localeCompare(b.id));
  }

  /** Records that these tasks' workflows exist (the outbox entries are done). */
  async markWorkflowsStarted(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('tasks')
      .set({ workflow_started_at: sql`now()` })
      .where('id', 'in', [...ids])
      .where('workflow_started_at', 'is', null)
      .execute();
  }

  /** Takes one outbox row's lease (as claimForStart does) unless another starter holds it; true if taken. */
  async claimStart(id: string, leaseMs: number): Promise<boolean> {
    const row = await this.db
      .updateTable('tasks')
      .set({ start_claimed_at: sql`now()` })
      .where('id', '=', id)
      .where('workflow_started_at', 'is', null)
      .where((eb) => eb.or([eb('start_claimed_at', 'is', null), eb('start_claimed_at', '<', sql<Date>`now() - ${leaseMs} * interval '1 millisecond'`)]))
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Gives back a starter's lease on tasks it could not start, so the next pass tries them again. */
  async releaseStartClaims(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('tasks').set({ start_claimed_at: null }).where('id', 'in', [...ids]).where('workflow_started_at', 'is', null).execute();
  }

  /**
   * Staged wake-ups: gives each request a wake second within `budget` wakes a second, from no
   * earlier than `floor` (see stageWakes), and records them. One starter at a time (an advisory
   * lock), so two starters never fill the same second past the budget. Past seconds are dropped.
   */
  async assignWakes(requests: readonly WakeRequest[], budget: number, floor: number): Promise<Map<string, number>> {
    if (requests.length === 0) return new Map();
    const to = Math.max(...requests.map((r) => Math.max(r.nominal, r.latest)));
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended('herald:wake-slots', 0))`.execute(trx);
      await sql`DELETE FROM wake_slots WHERE second < now() - interval '1 minute'`.execute(trx);
      const { rows } = await sql<{ s: string; wakes: number }>`
        SELECT extract(epoch FROM second)::bigint AS s, wakes FROM wake_slots
         WHERE second BETWEEN to_timestamp(${floor}) AND to_timestamp(${to})`.execute(trx);
      const used = new Map(rows.map((row) => [Number(row.s), row.wakes]));
      const assigned = stageWakes(requests, used, budget, floor);
      const added = new Map<number, number>();
      for (const second of assigned.values()) added.set(second, (added.get(second) ?? 0) + 1);
      await sql`
        INSERT INTO wake_slots (second, wakes)
        SELECT to_timestamp(s), n FROM unnest(${[...added.keys()]}::bigint[], ${[...added.values()]}::int[]) AS a(s, n)
        ON CONFLICT (second) DO UPDATE SET wakes = wake_slots.wakes + excluded.wakes`.execute(trx);
      return assigned;
    });
  }

  /**
   * The outbox's state: how many open tasks wait for their workflow, how long the oldest has
   * waited, and how soon the earliest of them is due (negative: overdue), by the database's clock.
   */
  async outboxBacklog(): Promise<OutboxBacklog> {
    const { rows } = await sql<{ pending: string; oldest_age_ms: number | null; next_due_in_ms: number | null }>`
      SELECT count(*) AS pending,
             extract(epoch FROM now() - min(created_at)) * 1000 AS oldest_age_ms,
             extract(epoch FROM min(coalesce(scheduled_at, created_at)) - now()) * 1000 AS next_due_in_ms
        FROM tasks
       WHERE workflow_started_at IS NULL AND status = ANY(${OPEN_STATUSES}::task_status[])`.execute(this.db);
    const row = rows[0]!;
    return {
      pending: Number(row.pending),
      oldestAgeMs: row.oldest_age_ms === null ? 0 : Number(row.oldest_age_ms),
      nextDueInMs: row.next_due_in_ms === null ? null : Number(row.next_due_in_ms),
    };
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
    if (after) query = query.where(sql<boolean>`(created_at, id) > (${after.created_at}, ${after.id}::uuid)`);
    return query.orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
  }
}

/**
 * Within a transaction holding the requester's lock: checks `requested` recipients against the
 * requester's and the relay's hourly limits, and counts them toward the relay's when they fit.
 */
async function countHourly(
  trx: HeraldDb,
  requesterId: string,
  requested: number,
  limits: Pick<InsertLimits, 'requesterPerHour' | 'relayPerHour'>,
): Promise<Extract<LimitedInsert, { kind: 'over-hourly-limit' }> | undefined> {
  return (await requesterHourly(trx, requesterId, requested, limits)) ?? (await countRelay(trx, requested, limits.relayPerHour));
}

async function requesterHourly(
  trx: HeraldDb,
  requesterId: string,
  requested: number,
  limits: Pick<InsertLimits, 'requesterPerHour'>,
): Promise<Extract<LimitedInsert, { kind: 'over-hourly-limit' }> | undefined> {
  if (limits.requesterPerHour === undefined) return undefined;
  return hourlyRefusal(trx, 'requester', requesterId, limits.requesterPerHour, requested);
}

/**
 * Counts `requested` recipients toward the relay-wide budget if they fit, in one statement under
 * the relay's lock. The lock is taken after the requester's, always in this order, so two requests
 * never wait on each other in a circle; every request of every user passes through it one at a
 * time, so the caller takes it as late as it can (it is held to the commit).
 */
async function countRelay(
  trx: HeraldDb,
  requested: number,
  relayPerHour: number | undefined,
): Promise<Extract<LimitedInsert, { kind: 'over-hourly-limit' }> | undefined> {
  if (relayPerHour === undefined) return undefined;
  // Rows that left the hour count for nothing (every sum is of the last hour); the reconciler
  // deletes them (TaskRepository.forgetUsageBeforeHour), off this path that every request takes.
  await sql`SELECT pg_advisory_xact_lock(${RELAY_LOCK_KEY})`.execute(trx);
  const counted = await sql`
    WITH used AS (SELECT coalesce(sum(recipients), 0) AS n FROM relay_usage WHERE minute > now() - interval '1 hour')
    INSERT INTO relay_usage (minute, recipients)
    SELECT date_trunc('minute', now()), ${requested} FROM used WHERE used.n + ${requested} <= ${relayPerHour}
    ON CONFLICT (minute) DO UPDATE SET recipients = relay_usage.recipients + excluded.recipients
    RETURNING minute`.execute(trx);
  if (counted.rows.length > 0) return undefined;
  return (await hourlyRefusal(trx, 'relay', undefined, relayPerHour, requested))!;
}

/**
 * Within a transaction holding the matching lock: refuses a task of `requested` recipients that
 * would take the last hour's recipients (the requester's tasks, or everyone's per-minute usage)
 * past `limit`, and says in how many minutes enough of them age out of the hour for it to fit.
 */
async function hourlyRefusal(
  trx: HeraldDb,
  scope: 'requester' | 'relay',
  requesterId: string | undefined,
  limit: number,
  requested: number,
): Promise<Extract<LimitedInsert, { kind: 'over-hourly-limit' }> | undefined> {
  // (at, n): when recipients were asked for, and how many. The relay's are counted per minute, so
  // they leave the hour up to a minute early.
  // A requester's: the recipients of their tasks (runs refused by a limit were never sent and do
  // not count), and those edits added to reservations.
  const recent =
    scope === 'requester'
      ? sql`SELECT created_at AS at, recipient_count AS n FROM tasks
             WHERE requester_id = ${requesterId} AND created_at > now() - interval '1 hour'
               AND (failure_reason IS NULL OR failure_reason <> ALL(${[...REFUSED_RUN_REASONS]}::text[]))
            UNION ALL
            SELECT added_at, recipients FROM recipient_additions WHERE requester_id = ${requesterId} AND added_at > now() - interval '1 hour'`
      : sql`SELECT minute AS at, recipients AS n FROM relay_usage WHERE minute > now() - interval '1 hour'`;
  const { rows } = await sql<{ used: string }>`SELECT coalesce(sum(n), 0) AS used FROM (${recent}) AS recent`.execute(trx);
  const used = Number(rows[0]!.used);
  if (used + requested <= limit) return undefined;
  if (requested > limit) return { kind: 'over-hourly-limit', scope, limit, used, requested, retryInMinutes: null };
  // The oldest leave the hour first: the first one after which enough has left decides.
  const { rows: frees } = await sql<{ minutes: string }>`
    SELECT greatest(1, ceil(extract(epoch FROM at + interval '1 hour' - now()) / 60)) AS minutes
      FROM (SELECT at, sum(n) OVER (ORDER BY at) AS aged_out FROM (${recent}) AS recent) AS running
     WHERE ${used} - aged_out + ${requested} <= ${limit}
     ORDER BY at
     LIMIT 1`.execute(trx);
  return { kind: 'over-hourly-limit', scope, limit, used, requested, retryInMinutes: frees[0] ? Number(frees[0].minutes) : 60 };
}
