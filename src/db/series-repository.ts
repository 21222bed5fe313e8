// Series rows (issue 11), and the listings that show series beside tasks. Every status change is a
// conditional UPDATE from the series transitions in domain/task-status.ts, as for tasks.
import { type ExpressionBuilder, sql } from 'kysely';
import { OPEN_SERIES_STATUSES, type SeriesStatus, seriesSourcesOf, type TaskStatus } from '../domain/task-status.js';
import type { HeraldDb } from './database.js';
import type { Database, NewSeriesRow, SeriesRow, TaskPayload, TaskRow } from './schema.js';
import { countOpenReservations, editColumns, lockRequesterLimits, type TaskEdit, type TaskScope } from './task-repository.js';

export type NewSeries = Omit<NewSeriesRow, 'payload' | 'repeat' | 'recipient_count' | 'status' | 'created_at' | 'updated_at'> & {
  payload: TaskPayload;
  repeat: object;
};

export type SeriesInsert = { kind: 'inserted'; series: SeriesRow } | { kind: 'too-many-open'; limit: number };

/** A row of a listing that shows tasks and series together. */
export type Listed = { kind: 'task'; row: TaskRow } | { kind: 'series'; row: SeriesRow };

/** Which tasks and which series a listing shows. */
export interface ListedStatuses {
  tasks: readonly TaskStatus[];
  series: readonly SeriesStatus[];
}

function inScope(scope: TaskScope) {
  return (eb: ExpressionBuilder<Database, 'series'>) =>
    eb.and([
      ...(scope.guildId === undefined ? [] : [scope.guildId === null ? eb('guild_id', 'is', null) : eb('guild_id', '=', scope.guildId)]),
      ...(scope.requesterId === undefined ? [] : [eb('requester_id', '=', scope.requesterId)]),
    ]);
}

/** The same scope as raw SQL, for the listings that read both tables in one statement. */
function scopeSql(scope: TaskScope) {
  const guild = scope.guildId === undefined ? sql`true` : scope.guildId === null ? sql`guild_id IS NULL` : sql`guild_id = ${scope.guildId}`;
  const requester = scope.requesterId === undefined ? sql`true` : sql`requester_id = ${scope.requesterId}`;
  return sql`${guild} AND ${requester}`;
}

export class SeriesRepository {
  constructor(private readonly db: HeraldDb) {}

  /**
   * Inserts the series if the requester's open reservations (tasks and series, counted as one
   * each) leave room, under the same lock as every task insert.
   */
  async insertWithinLimits(series: NewSeries, maxOpen: number | undefined): Promise<SeriesInsert> {
    return this.db.transaction().execute(async (trx): Promise<SeriesInsert> => {
      await lockRequesterLimits(trx, series.requester_id);
      if (maxOpen !== undefined && (await countOpenReservations(trx, series.requester_id)) >= maxOpen) {
        return { kind: 'too-many-open', limit: maxOpen };
      }
      const inserted = await trx
        .insertInto('series')
        .values({
          ...series,
          payload: JSON.stringify(series.payload),
          repeat: JSON.stringify(series.repeat),
          recipient_count: series.payload.recipients.length,
          status: 'active',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { kind: 'inserted', series: inserted };
    });
  }

  async findById(id: string): Promise<SeriesRow | undefined> {
    return this.db.selectFrom('series').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findInScope(id: string, scope: TaskScope): Promise<SeriesRow | undefined> {
    return this.db.selectFrom('series').selectAll().where('id', '=', id).where(inScope(scope)).executeTakeFirst();
  }

  /** Series in `scope` whose id starts with `idPrefix` (optionally only in `statuses`). */
  async findByPrefixInScope(scope: TaskScope, idPrefix: string, limit: number, statuses?: readonly SeriesStatus[]): Promise<SeriesRow[]> {
    let query = this.db
      .selectFrom('series')
      .selectAll()
      .where(inScope(scope))
      .where(sql<string>`id::text`, 'like', `${idPrefix.replace(/[%_\\]/g, '\\$&')}%`);
    if (statuses) query = query.where('status', 'in', [...statuses]);
    return query.orderBy('next_run_at', 'asc').orderBy('id', 'asc').limit(limit).execute();
  }

  /** Open series in `scope` made at or before `createdBy`: what "cancel all" cancels. */
  async listOpenCreatedBy(scope: TaskScope, createdBy: Date): Promise<SeriesRow[]> {
    return this.db
      .selectFrom('series')
      .selectAll()
      .where(inScope(scope))
      .where('status', 'in', OPEN_SERIES_STATUSES)
      .where('created_at', '<=', createdBy)
      .orderBy('created_at', 'asc')
      .execute();
  }

  /**
   * Moves a series to `to` if its status allows it (only from `onlyFrom` when given). Undefined
   * when the series is missing or the change is illegal.
   */
  async transition(
    id: string,
    to: SeriesStatus,
    fields: { canceledBy?: string; nextRunAt?: Date | null } = {},
    onlyFrom?: readonly SeriesStatus[],
  ): Promise<SeriesRow | undefined> {
    const from = onlyFrom ? seriesSourcesOf(to).filter((s) => onlyFrom.includes(s)) : seriesSourcesOf(to);
    if (from.length === 0) return undefined;
    return this.db
      .updateTable('series')
      .set({
        status: to,
        updated_at: sql`now()`,
        ...(to === 'paused' && { paused_at: sql`now()` }),
        // Runs due before now were missed while paused: the run path never makes them.
        ...(to === 'active' && { resumed_at: sql`now()` }),
        ...((to === 'finished' || to === 'canceled') && { finished_at: sql`now()` }),
        ...(fields.canceledBy !== undefined && { canceled_by: fields.canceledBy }),
        ...(fields.nextRunAt !== undefined && { next_run_at: fields.nextRunAt }),
      })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  /** Changes an open series' mail for its next runs; undefined when it is not open (any more). */
  async edit(id: string, requesterId: string, edit: TaskEdit): Promise<SeriesRow | undefined> {
    return this.db
      .updateTable('series')
      .set(editColumns(edit))
      .where('id', '=', id)
      .where('requester_id', '=', requesterId)
      .where('status', 'in', OPEN_SERIES_STATUSES)
      .returningAll()
      .executeTakeFirst();
  }

  /** After a run: the next run, for ordering listings. Only ever moves forward. */
  async advanceNextRun(id: string, ranAt: Date, next: Date | null): Promise<void> {
    await this.db
      .updateTable('series')
      .set({ next_run_at: next })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('next_run_at', 'is', null), eb('next_run_at', '<=', ranAt)]))
      .execute();
  }

  async markScheduleCreated(id: string): Promise<void> {
    await this.db.updateTable('series').set({ schedule_created_at: sql`now()` }).where('id', '=', id).where('schedule_created_at', 'is', null).execute();
  }

  async markScheduleRemoved(id: string): Promise<void> {
    await this.db.updateTable('series').set({ schedule_removed_at: sql`now()` }).where('id', '=', id).where('schedule_removed_at', 'is', null).execute();
  }

  /** Open series whose Schedule is not known to exist, made before `createdBefore`. */
  async listWithoutSchedule(createdBefore: Date, limit: number): Promise<SeriesRow[]> {
    return this.db
      .selectFrom('series')
      .selectAll()
      .where('status', 'in', OPEN_SERIES_STATUSES)
      .where('schedule_created_at', 'is', null)
      .where('created_at', '<', createdBefore)
      .orderBy('created_at', 'asc')
      .limit(limit)
      .execute();
  }

  /** Closed series whose Schedule may still exist, closed before `closedBefore`. */
  async listScheduleToRemove(closedBefore: Date, limit: number): Promise<SeriesRow[]> {
    return this.db
      .selectFrom('series')
      .selectAll()
      .where('status', 'not in', OPEN_SERIES_STATUSES)
      .where('schedule_created_at', 'is not', null)
      .where('schedule_removed_at', 'is', null)
      .where('updated_at', '<', closedBefore)
      .orderBy('updated_at', 'asc')
      .limit(limit)
      .execute();
  }

  /** Open series whose last run was due before `before`: nothing is left of them. */
  async listPastLastRun(before: Date, limit: number): Promise<SeriesRow[]> {
    return this.db
      .selectFrom('series')
      .selectAll()
      .where('status', 'in', OPEN_SERIES_STATUSES)
      .where('last_run_at', '<', before)
      .orderBy('last_run_at', 'asc')
      .limit(limit)
      .execute();
  }

  /**
   * A page of tasks and series together in `scope`: soonest first (a task's time, a series' next
   * run; sends now last) or newest first, with how many there are in all.
   */
  async listWithTasks(
    scope: TaskScope,
    statuses: ListedStatuses,
    page: { limit: number; offset: number },
    order: 'soonest' | 'newest' = 'soonest',
  ): Promise<{ rows: Listed[]; total: number }> {
    const where = scopeSql(scope);
    const both = sql`
      SELECT 'task' AS kind, id, scheduled_at AS due, created_at FROM tasks
       WHERE ${where} AND status = ANY(${[...statuses.tasks]}::task_status[])
      UNION ALL
      SELECT 'series' AS kind, id, next_run_at AS due, created_at FROM series
       WHERE ${where} AND status = ANY(${[...statuses.series]}::text[])`;
    const orderBy = order === 'soonest' ? sql`due ASC NULLS LAST, id ASC` : sql`created_at DESC, id DESC`;
    const [picked, count] = await Promise.all([
      sql<{ kind: 'task' | 'series'; id: string }>`SELECT kind, id FROM (${both}) AS listed ORDER BY ${orderBy} LIMIT ${page.limit} OFFSET ${page.offset}`.execute(this.db),
      sql<{ n: string }>`SELECT count(*) AS n FROM (${both}) AS listed`.execute(this.db),
    ]);
    return { rows: await this.rowsOf(picked.rows), total: Number(count.rows[0]!.n) };
  }

  /** Tasks and series in `scope` whose id starts with `idPrefix`, soonest first. */
  async findWithTasksByPrefix(scope: TaskScope, idPrefix: string, limit: number, statuses: ListedStatuses): Promise<Listed[]> {
    const like = `${idPrefix.replace(/[%_\\]/g, '\\$&')}%`;
    const where = scopeSql(scope);
    const picked = await sql<{ kind: 'task' | 'series'; id: string }>`
      SELECT kind, id FROM (
        SELECT 'task' AS kind, id, scheduled_at AS due FROM tasks
         WHERE ${where} AND id::text LIKE ${like} AND status = ANY(${[...statuses.tasks]}::task_status[])
        UNION ALL
        SELECT 'series' AS kind, id, next_run_at AS due FROM series
         WHERE ${where} AND id::text LIKE ${like} AND status = ANY(${[...statuses.series]}::text[])
      ) AS found ORDER BY due ASC NULLS LAST, id ASC LIMIT ${limit}`.execute(this.db);
    return this.rowsOf(picked.rows);
  }

  /** The full rows of a picked list, in its order. */
  private async rowsOf(picked: readonly { kind: 'task' | 'series'; id: string }[]): Promise<Listed[]> {
    const taskIds = picked.filter((p) => p.kind === 'task').map((p) => p.id);
    const seriesIds = picked.filter((p) => p.kind === 'series').map((p) => p.id);
    const [tasks, series] = await Promise.all([
      taskIds.length ? this.db.selectFrom('tasks').selectAll().where('id', 'in', taskIds).execute() : [],
      seriesIds.length ? this.db.selectFrom('series').selectAll().where('id', 'in', seriesIds).execute() : [],
    ]);
    const taskById = new Map(tasks.map((t) => [t.id, t]));
    const seriesById = new Map(series.map((s) => [s.id, s]));
    return picked.flatMap((p): Listed[] => {
      if (p.kind === 'task') {
        const row = taskById.get(p.id);
        return row ? [{ kind: 'task', row }] : [];
      }
      const row = seriesById.get(p.id);
      return row ? [{ kind: 'series', row }] : [];
    });
  }
}
