// Repeating reservations (issue 11): a series is one row, a Temporal Schedule fires at its times,
// and each run is an ordinary task (its own row and mailTaskWorkflow) that points to the series.
// TaskService is the front door (it checks the request and finds what the caller may touch); this
// holds the series' own rules: making one, its runs, pause and resume, its Schedule.
//
// The row is the truth: the run step reads it under a share lock at every firing, so a paused,
// canceled or edited series is followed even when a call to Temporal was lost, and the reconciler
// brings the Schedule in line with it afterwards.
import type { SeriesRepository } from '../db/series-repository.js';
import type { SeriesRow, TaskPayload, TaskRow } from '../db/schema.js';
import type { TaskRepository } from '../db/task-repository.js';
import { HeraldError } from '../domain/errors.js';
import {
  buildSeries,
  isRunInstant,
  nextRuns,
  type RepeatLimits,
  type RepeatRequest,
  type RepeatSeries,
  seriesFromJson,
  seriesToJson,
  type LocalDate,
} from '../domain/repeat/index.js';
import { seriesRunTaskId } from '../domain/series-ids.js';
import { OPEN_SERIES_STATUSES, type SeriesStatus } from '../domain/task-status.js';
import type { Logger } from '../logger.js';
import type { SeriesScheduler, TaskScheduler } from '../temporal/mail-task-scheduler.js';
import type { PreparedRun } from '../workflows/definitions.js';
import { type GuardRails, limitError } from './task-service.js';
import { type Task, toSeriesTaskView } from './task-view.js';

/** How many coming runs a series shows (the confirmation's next three). */
export const SHOWN_RUNS = 3;

export interface SeriesServiceDeps {
  series: SeriesRepository;
  tasks: TaskRepository;
  scheduler: TaskScheduler & SeriesScheduler;
  logger: Logger;
  guardRails?: GuardRails;
  /** MIN_REPEAT_INTERVAL, MAX_REPEAT_DAYS and CATCHUP_WINDOW. */
  repeat: RepeatLimits & { catchupWindowMs: number };
  clock?: () => Date;
}

/** A checked mail request, as TaskService prepares it. */
export interface PreparedSeriesMail {
  id: string;
  name: string;
  description: string;
  requester_id: string;
  guild_id: string | null;
  payload: TaskPayload;
}

/** A series request, read: the parsed repeat phrase, the first run's earliest time, the zone, the end. */
export interface SeriesTiming {
  repeat: RepeatRequest;
  start: Date;
  zone: string;
  until?: LocalDate;
}

export class SeriesService {
  private readonly clock: () => Date;

  constructor(private readonly deps: SeriesServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Checks the cadence against the limits (REPEAT_* errors); stores nothing. */
  build(timing: SeriesTiming): RepeatSeries {
    return buildSeries({ repeat: timing.repeat, start: timing.start, zone: timing.zone, until: timing.until }, this.deps.repeat);
  }

  /**
   * Stores the series (one open reservation toward MAX_OPEN_RESERVATIONS) and creates its Schedule.
   * A Schedule that could not be confirmed is left to the reconciler, as a start is for a task.
   */
  async create(mail: PreparedSeriesMail, series: RepeatSeries): Promise<Task> {
    const { logger, scheduler } = this.deps;
    const rails = this.deps.guardRails;
    // Every run counts toward the hourly limit: one bigger than it could never go out.
    const recipients = mail.payload.recipients.length;
    if (rails?.mailsPerHour !== undefined && recipients > rails.mailsPerHour) {
      throw new HeraldError('RECIPIENTS_OVER_HOURLY_LIMIT', { requested: recipients, limit: rails.mailsPerHour });
    }
    const inserted = await this.deps.series.insertWithinLimits(
      {
        ...mail,
        repeat: seriesToJson(series),
        first_run_at: series.firstRun,
        last_run_at: series.lastRun,
        next_run_at: series.firstRun,
      },
      rails?.maxOpenReservations,
    );
    if (inserted.kind === 'too-many-open') throw limitError(inserted);
    const row = inserted.series;
    try {
      await scheduler.createSeries({ id: row.id, series });
    } catch (err) {
      await this.afterFailedCreate(row, err);
    }
    await this.deps.series.markScheduleCreated(row.id).catch((err: unknown) => {
      logger.warn({ seriesId: row.id, err }, 'could not record that the Schedule exists; the reconciler will');
    });
    logger.info({ seriesId: row.id, requesterId: row.requester_id, firstRun: series.firstRun, runs: series.runCount }, 'series reserved');
    return this.view(row);
  }

  /** Like a failed start: a Schedule that surely does not exist means nothing was reserved. */
  private async afterFailedCreate(row: SeriesRow, err: unknown): Promise<void> {
    const { logger, scheduler, series } = this.deps;
    logger.error({ seriesId: row.id, err }, 'creating the Schedule failed');
    let exists: boolean | undefined;
    try {
      exists = await scheduler.hasSeries(row.id);
    } catch (inspectErr) {
      logger.warn({ seriesId: row.id, err: inspectErr }, 'could not ask Temporal whether the Schedule exists; leaving the series to the reconciler');
    }
    if (exists) return;
    if (exists === false) {
      const closed = await series.transition(row.id, 'canceled', {}, ['active']).catch(() => undefined);
      if (closed) throw new HeraldError('SCHEDULE_FAILED', {});
    }
    throw new HeraldError('SCHEDULE_UNCONFIRMED', { taskId: row.id });
  }

  /** A series as front ends see it, with its coming runs (the ones not made yet). */
  async view(row: SeriesRow): Promise<Task> {
    return (await this.views([row]))[0]!;
  }

  async views(rows: readonly SeriesRow[]): Promise<Task[]> {
    const now = this.clock();
    const open = rows.filter((r) => OPEN_SERIES_STATUSES.includes(r.status));
    const made = new Map<string, Set<number>>();
    for (const run of await this.deps.tasks.runsAfter(open.map((r) => r.id), now)) {
      const set = made.get(run.series_id!) ?? new Set<number>();
      set.add(run.run_at!.getTime());
      made.set(run.series_id!, set);
    }
    return rows.map((row) => {
      if (!OPEN_SERIES_STATUSES.includes(row.status)) return toSeriesTaskView(row, []);
      return toSeriesTaskView(row, this.comingRuns(row, now, made.get(row.id) ?? new Set(), SHOWN_RUNS));
    });
  }

  /** The next `n` runs after `now` that have not been made yet (a quick move makes one early). */
  private comingRuns(row: SeriesRow, now: Date, made: ReadonlySet<number>, n: number): Date[] {
    const runs = nextRuns(seriesFromJson(row.repeat), now, n + made.size);
    return runs.filter((run) => !made.has(run.getTime())).slice(0, n);
  }

  /** The next run not made yet: what a move of the series moves. */
  async nextUnmadeRun(row: SeriesRow): Promise<Date> {
    if (row.status === 'paused') throw new HeraldError('SERIES_PAUSED', { taskId: row.id });
    if (row.status !== 'active') throw new HeraldError('TASK_NOT_OPEN', { taskId: row.id, status: row.status });
    const now = this.clock();
    const made = new Set((await this.deps.tasks.runsAfter([row.id], now)).map((r) => r.run_at!.getTime()));
    const next = this.comingRuns(row, now, made, 1)[0];
    if (!next) throw new HeraldError('SERIES_NO_RUNS_LEFT', { taskId: row.id });
    return next;
  }

  /**
   * Makes the run of `runAt` now, due at `scheduledAt` (a quick move or reschedule of the series'
   * next run). The Schedule's firing at `runAt` then finds it made and only makes sure it is
   * started. Counted toward the hourly limits now. Answers the run; `exists` when it was made
   * meanwhile (the caller moves it like any reservation).
   */
  async makeRunEarly(row: SeriesRow, runAt: Date, scheduledAt: Date): Promise<{ kind: 'made' | 'exists'; task: TaskRow }> {
    const inserted = await this.deps.tasks.insertSeriesRun({ id: seriesRunTaskId(row.id, runAt), seriesId: row.id, runAt, scheduledAt }, this.hourlyLimits());
    switch (inserted.kind) {
      case 'not-active':
        if (inserted.status === 'paused') throw new HeraldError('SERIES_PAUSED', { taskId: row.id });
        throw new HeraldError('TASK_NOT_OPEN', { taskId: row.id, status: inserted.status ?? 'canceled' });
      case 'refused':
        // The refusal is the answer to the move; the stored run says so in the history as well.
        throw limitError(inserted.refusal);
      case 'exists':
        return { kind: 'exists', task: inserted.task };
      case 'inserted':
        await this.startRunTask(inserted.task.id);
        this.deps.logger.info({ seriesId: row.id, taskId: inserted.task.id, runAt, scheduledAt }, 'next run of a series moved');
        return { kind: 'made', task: inserted.task };
    }
  }

  /** Changes the mail of the series' next runs (runs made already keep theirs). */
  async edit(row: SeriesRow, edit: { name: string; description: string; payload: TaskPayload }): Promise<Task> {
    const rails = this.deps.guardRails;
    const recipients = edit.payload.recipients.length;
    if (rails?.mailsPerHour !== undefined && recipients > rails.mailsPerHour) {
      throw new HeraldError('RECIPIENTS_OVER_HOURLY_LIMIT', { requested: recipients, limit: rails.mailsPerHour });
    }
    const edited = await this.deps.series.edit(row.id, row.requester_id, edit);
    if (!edited) return this.failClosed(row.id);
    this.deps.logger.info({ seriesId: row.id, requesterId: row.requester_id }, 'series edited');
    return this.view(edited);
  }

  /** Pauses the series: its runs are skipped until it is resumed. */
  async pause(row: SeriesRow): Promise<Task> {
    if (row.status === 'paused') throw new HeraldError('SERIES_ALREADY_PAUSED', { taskId: row.id });
    const paused = await this.deps.series.transition(row.id, 'paused', {}, ['active']);
    if (!paused) return this.failClosed(row.id, 'pause');
    // The row already makes every run skip; the Schedule's pause spares the workflows and shows in Temporal.
    await this.deps.scheduler.pauseSeries(row.id).catch((err: unknown) => {
      this.deps.logger.warn({ seriesId: row.id, err }, 'could not pause the Schedule; its runs are skipped anyway');
    });
    this.deps.logger.info({ seriesId: row.id }, 'series paused');
    return this.view(paused);
  }

  /**
   * Resumes the series from its next run: the runs missed while paused are never sent (the row's
   * resumed_at, and Temporal does not make up a paused Schedule's times either). A series with no
   * runs left is finished instead.
   */
  async resume(row: SeriesRow): Promise<Task> {
    const { logger, scheduler, series } = this.deps;
    if (row.status === 'active') throw new HeraldError('SERIES_NOT_PAUSED', { taskId: row.id });
    const repeat = seriesFromJson(row.repeat);
    const next = nextRuns(repeat, this.clock(), 1)[0] ?? null;
    if (!next) {
      const finished = await series.transition(row.id, 'finished', { nextRunAt: null }, ['paused']);
      if (!finished) return this.failClosed(row.id, 'resume');
      await this.removeSchedule(row.id);
      return this.view(finished);
    }
    const resumed = await series.transition(row.id, 'active', { nextRunAt: next }, ['paused']);
    if (!resumed) return this.failClosed(row.id, 'resume');
    try {
      await scheduler.resumeSeries(row.id);
    } catch (err) {
      // A Schedule left paused would never fire again: the series stays paused, and says so.
      logger.error({ seriesId: row.id, err }, 'could not resume the Schedule');
      await series.transition(row.id, 'paused', {}, ['active']).catch(() => undefined);
      throw new HeraldError('SCHEDULER_UNAVAILABLE', {});
    }
    logger.info({ seriesId: row.id, next }, 'series resumed');
    return this.view(resumed);
  }

  /**
   * Cancels the series: no run is made after this (the run step reads the row under a lock). Its
   * Schedule is deleted now or by the reconciler. Its open runs are the caller's to cancel.
   */
  async cancel(row: SeriesRow, canceledBy: string): Promise<SeriesRow> {
    const canceled = await this.deps.series.transition(row.id, 'canceled', { canceledBy, nextRunAt: null });
    if (!canceled) return this.failClosed(row.id);
    await this.removeSchedule(row.id);
    this.deps.logger.info({ seriesId: row.id, canceledBy }, 'series canceled');
    return canceled;
  }

  // ---- The run steps (activities of seriesRunWorkflow) ------------------------------------------

  /**
   * One firing of the Schedule at `runAt`. A run made before (a retry, a replay, a quick move) is
   * started again, idempotently. Otherwise nothing is made for a time that is not one of the
   * series' runs, a series that is not active, a run inside a pause, or a run more than
   * CATCHUP_WINDOW late (it waited for a worker); else the run is stored within the hourly limits.
   */
  async prepareRun(seriesId: string, runAt: Date): Promise<PreparedRun> {
    const { logger, series, tasks } = this.deps;
    const taskId = seriesRunTaskId(seriesId, runAt);
    const made = await tasks.findById(taskId);
    const row = await series.findById(seriesId);
    if (made) {
      // Made early by a quick move (or by this firing before a retry): the series still moves on,
      // and finishes if it was its last run.
      if (row) await this.afterRun(row, seriesFromJson(row.repeat), runAt);
      return this.alreadyMade(made);
    }
    if (!row) return { kind: 'skipped', reason: 'gone' };
    const repeat = seriesFromJson(row.repeat);
    if (!isRunInstant(repeat, runAt)) return { kind: 'skipped', reason: 'not-a-run' };
    if (row.status !== 'active') {
      await this.afterRun(row, repeat, runAt);
      return { kind: 'skipped', reason: 'not-active' };
    }
    const lateMs = this.clock().getTime() - runAt.getTime();
    if (lateMs > this.deps.repeat.catchupWindowMs) {
      logger.warn({ seriesId, runAt, lateMs }, 'run skipped: more than CATCHUP_WINDOW late');
      await this.afterRun(row, repeat, runAt);
      return { kind: 'skipped', reason: 'missed' };
    }
    const inserted = await tasks.insertSeriesRun({ id: taskId, seriesId, runAt, scheduledAt: runAt }, this.hourlyLimits());
    await this.afterRun(row, repeat, runAt);
    switch (inserted.kind) {
      case 'not-active':
        return { kind: 'skipped', reason: 'not-active' };
      case 'exists':
        return this.alreadyMade(inserted.task);
      case 'refused':
        logger.warn({ seriesId, taskId, runAt, scope: inserted.refusal.scope }, 'run refused by an hourly limit');
        return { kind: 'refused', taskId };
      case 'inserted':
        logger.info({ seriesId, taskId, runAt }, 'run made');
        return { kind: 'start', taskId };
    }
  }

  private alreadyMade(task: TaskRow): PreparedRun {
    // Failed by a limit: its notice went out when it was refused.
    if (task.failure_reason === 'hourly-limit' || task.failure_reason === 'relay-limit') return { kind: 'skipped', reason: 'not-active' };
    return { kind: 'start', taskId: task.id };
  }

  /** Starts the run's mail-task workflow as every task's is started; safe to repeat. */
  async startRunTask(taskId: string): Promise<void> {
    const task = await this.deps.tasks.findById(taskId);
    if (!task) return;
    await this.deps.scheduler.start({ id: task.id, scheduledAt: task.scheduled_at });
    await this.deps.tasks.markWorkflowStarted(task.id);
  }

  /** After the firing at `runAt`: the listing's next run moves on, and the last run finishes the series. */
  private async afterRun(row: SeriesRow, repeat: RepeatSeries, runAt: Date): Promise<void> {
    const next = nextRuns(repeat, runAt, 1)[0] ?? null;
    await this.deps.series.advanceNextRun(row.id, runAt, next);
    if (next === null && OPEN_SERIES_STATUSES.includes(row.status)) await this.finish(row.id);
  }

  private async finish(seriesId: string): Promise<void> {
    const finished = await this.deps.series.transition(seriesId, 'finished', { nextRunAt: null });
    if (!finished) return;
    this.deps.logger.info({ seriesId }, 'series finished: its last run is made');
    await this.removeSchedule(seriesId);
  }

  private async removeSchedule(seriesId: string): Promise<void> {
    try {
      await this.deps.scheduler.removeSeries(seriesId);
      await this.deps.series.markScheduleRemoved(seriesId);
    } catch (err) {
      this.deps.logger.warn({ seriesId, err }, 'could not delete the Schedule; the reconciler will');
    }
  }

  // ---- Repairs (one pass of the reconciler) ------------------------------------------------------

  /**
   * Makes the Schedules agree with the rows: creates the missing Schedule of an open series (a
   * crash between the insert and the create), deletes those of closed series, and finishes series
   * whose last run's time (and its catch-up window) has passed. Returns how many it repaired.
   */
  async reconcile(graceMs: number, batchSize = 100): Promise<number> {
    const { logger, scheduler, series } = this.deps;
    const now = this.clock();
    const before = new Date(now.getTime() - graceMs);
    let repaired = 0;
    const attempt = async (seriesId: string, run: () => Promise<boolean>) => {
      try {
        if (await run()) repaired++;
      } catch (err) {
        logger.error({ seriesId, err }, 'reconciler could not repair a series; trying again next time');
      }
    };
    for (const row of await series.listWithoutSchedule(before, batchSize)) {
      await attempt(row.id, async () => {
        await scheduler.createSeries({ id: row.id, series: seriesFromJson(row.repeat), paused: row.status === 'paused' });
        await series.markScheduleCreated(row.id);
        logger.warn({ seriesId: row.id }, 'reconciler created the Schedule of a series');
        return true;
      });
    }
    for (const row of await series.listScheduleToRemove(before, batchSize)) {
      await attempt(row.id, async () => {
        await scheduler.removeSeries(row.id);
        await series.markScheduleRemoved(row.id);
        return true;
      });
    }
    const ended = new Date(now.getTime() - this.deps.repeat.catchupWindowMs - graceMs);
    for (const row of await series.listPastLastRun(ended, batchSize)) {
      await attempt(row.id, async () => {
        const finished = await series.transition(row.id, 'finished', { nextRunAt: null });
        if (finished) await this.removeSchedule(row.id);
        return finished !== undefined;
      });
    }
    return repaired;
  }

  private hourlyLimits() {
    return { requesterPerHour: this.deps.guardRails?.mailsPerHour, relayPerHour: this.deps.guardRails?.mailsPerHourTotal };
  }

  /** A conditional update lost a race: say why, from the row as it is now. */
  private async failClosed(seriesId: string, action?: 'pause' | 'resume'): Promise<never> {
    const current = await this.deps.series.findById(seriesId);
    const status: SeriesStatus = current?.status ?? 'canceled';
    if (action === 'pause' && status === 'paused') throw new HeraldError('SERIES_ALREADY_PAUSED', { taskId: seriesId });
    if (action === 'resume' && status === 'active') throw new HeraldError('SERIES_NOT_PAUSED', { taskId: seriesId });
    throw new HeraldError('TASK_NOT_OPEN', { taskId: seriesId, status });
  }
}
