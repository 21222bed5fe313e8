// TaskService: what a user can do with mail tasks, whatever the front end (Discord, console, tests).
// Everything a request needs is checked before anything is stored. The task row is the guard for
// every change (conditional UPDATEs); the scheduler is told afterwards, to start, move or cancel.
import { randomUUID } from 'node:crypto';
import type { Listed, ListedStatuses, SeriesRepository } from '../db/series-repository.js';
import type { SeriesRow, TaskPayload, TaskRow } from '../db/schema.js';
import type { LimitedInsert, TaskRepository, TaskScope } from '../db/task-repository.js';
import { findControlCharacter } from '../domain/control-characters.js';
import { HeraldError } from '../domain/errors.js';
import { reservationTime } from '../domain/lead-time.js';
import {
  DEFAULT_LIST_LIMIT,
  HISTORY_PAGE_SIZE,
  MAX_DESCRIPTION_LENGTH,
  MAX_ERROR_LENGTH,
  MAX_HISTORY_PAGES,
  MAX_LIST_LIMIT,
  MAX_LIST_OFFSET,
  MAX_RESCHEDULES,
} from '../domain/limits.js';
import { type QuickMove, quickMoveTarget } from '../domain/quick-move.js';
import { assertRecipientDomainsAllowed, parseRecipients } from '../domain/recipients.js';
import { parseRepeat, parseUntil } from '../domain/repeat/index.js';
import {
  isOpen,
  OPEN_SERIES_STATUSES,
  OPEN_STATUSES,
  type SeriesStatus,
  type TaskStatus,
  TERMINAL_SERIES_STATUSES,
  TERMINAL_STATUSES,
} from '../domain/task-status.js';
import type { ParsedWhen } from '../domain/when.js';
import type { Locale } from '../i18n/locale.js';
import type { Logger } from '../logger.js';
import { type TemplateRef, type TemplateResolver, templateRefOf } from '../mail/template-resolver.js';
import { type TemplateInfo, type TemplateRegistry, parseVariables } from '../mail/templates.js';
import { countTaskCreated } from '../ops/metrics.js';
import type { TaskScheduler } from '../temporal/mail-task-scheduler.js';
import type { SeriesService } from './series-service.js';
import { type Task, toTaskView } from './task-view.js';

const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TASK_ID_PREFIX = /^[0-9a-f][0-9a-f-]{5,35}$/i;

export interface GuardRails {
  /** Recipients (of sends and reservations) a user may request per rolling hour; undefined for no limit. */
  mailsPerHour?: number;
  /** Recipients all users together may request per rolling hour; undefined for no limit. */
  mailsPerHourTotal?: number;
  /** Open (queued or reserved) tasks a user may have at once; undefined for no limit. */
  maxOpenReservations?: number;
  /** Recipient domains allowed; empty allows every domain. */
  allowedRecipientDomains: string[];
}

export interface TaskServiceDeps {
  repository: TaskRepository;
  scheduler: TaskScheduler;
  templates: TemplateRegistry;
  /**
   * Resolves a request's template name for its server: the server's own templates, then the
   * built-in ones, and the task stores the version it resolved to. Without one, built-ins only.
   */
  resolver?: TemplateResolver;
  logger: Logger;
  guardRails?: GuardRails;
  defaultTimeZone?: string;
  /** The hour "end of day" means (EOD_HOUR). */
  endOfDayHour?: number;
  clock?: () => Date;
  /** Where new task ids come from (default: random UUIDs). */
  newTaskId?: () => string;
  /** Repeating reservations (issue 11); without them, series are refused. */
  series?: { service: SeriesService; repository: SeriesRepository };
  /**
   * The outbox (RESERVATION_START=outbox): a reservation is answered once its row is committed,
   * and the starter starts its workflow; `kick` tells a starter in this process to look now.
   * Without it, every request starts its own workflow and waits for Temporal's answer.
   */
  outbox?: { kick(): void };
}

export interface MailRequest {
  requesterId: string;
  guildId?: string | null;
  template: string;
  /** One address, or several separated by commas. */
  to: string | string[];
  /** "key=value;key=value", or already split. */
  variables?: string | Record<string, string>;
  language?: Locale;
  description?: string;
}

/**
 * Who acts on tasks: a user in a server (guild null: the console), and whether the front end found
 * them to be an admin of that server. Tasks belong to the server they were made in.
 */
export interface Actor {
  userId: string;
  guildId: string | null;
  isServerAdmin?: boolean;
}

/**
 * Front ends (through HeraldCommands) always pass an Actor. A bare user id is that requester
 * wherever their tasks were made, for scripts and tests.
 */
export type ActorInput = string | Actor;

export type ListScope = 'mine' | 'server';

export interface TaskPage {
  tasks: Task[];
  /** How many tasks the listing has in all. */
  total: number;
  offset: number;
  limit: number;
}

/** One page of finished, failed and canceled tasks, newest first. */
export interface HistoryPage {
  tasks: Task[];
  /** 1-based. */
  page: number;
  hasMore: boolean;
}

export interface ReserveRequest extends MailRequest {
  /** Natural language or "YYYY-MM-DD HH:mm", read in `timeZone`; or an instant. */
  when: string | Date;
  timeZone?: string;
}

/** A repeating reservation: `when` is the first run's earliest time and the time of day of every run. */
export interface SeriesRequest extends ReserveRequest {
  /** "every monday", "매주 월요일", "every day, 10 times" (read in `language`'s grammar first). */
  repeat: string;
  /** The last day of the series, in `timeZone` ("2027-03-01"). */
  until?: string;
}

/** What an edit changes; what is not given stays as it is. */
export interface EditRequest {
  to?: string | null;
  /** "key=value;…": each replaces that variable, an empty value removes it; the others stay. */
  vars?: string | Record<string, string> | null;
  template?: string | null;
  description?: string | null;
}

/** One change an edit made, for the reply: "to: a → b", "name: Ada → Grace". */
export type EditChange =
  | { field: 'to'; before: string[]; after: string[] }
  | { field: 'template'; before: string; after: string }
  | { field: 'description'; before: string; after: string }
  | { field: 'variable'; name: string; before: string | null; after: string | null };

/** A task or a series, as found for the caller. */
type Found = { kind: 'task'; row: TaskRow } | { kind: 'series'; row: SeriesRow };

export class TaskService {
  private readonly clock: () => Date;
  private readonly newTaskId: () => string;

  constructor(private readonly deps: TaskServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newTaskId = deps.newTaskId ?? randomUUID;
  }

  /** Sends now: a queued task whose workflow starts at once. */
  async enqueueTask(request: MailRequest): Promise<Task> {
    const id = this.newTaskId();
    const now = this.clock();
    const prepared = await this.prepare(id, request, { descriptionRequired: false });
    return this.createAndStart({ ...prepared, status: 'queued', scheduled_at: null }, now);
  }

  /** Reserves a mail for later: at least the minimum lead ahead, checked before anything is stored. */
  async reserveTask(request: ReserveRequest): Promise<Task> {
    const id = this.newTaskId();
    const now = this.clock();
    // The requester's language also decides which time grammar is tried first.
    const scheduledAt = this.resolveWhen(request.when, request.timeZone, now, request.language).instant;
    const prepared = await this.prepare(id, request, { descriptionRequired: true });
    return this.createAndStart({ ...prepared, status: 'reserved', scheduled_at: scheduledAt }, now);
  }

  /** The caller's reserved tasks (in the caller's server), soonest first. */
  async listReserved(actor: ActorInput, limit = DEFAULT_LIST_LIMIT, offset = 0): Promise<Task[]> {
    return (await this.listTasks(actor, { scope: 'mine', limit, offset })).tasks;
  }

  /**
   * A page of a listing: the caller's own reservations in the caller's server, or (for an admin of
   * that server) every open task of the server, whoever made it.
   */
  async listTasks(actor: ActorInput, page: { scope: ListScope; limit?: number; offset?: number }): Promise<TaskPage> {
    const { limit = DEFAULT_LIST_LIMIT, offset = 0 } = page;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new HeraldError('INVALID_LIMIT', { max: MAX_LIST_LIMIT });
    }
    if (!Number.isInteger(offset) || offset < 0 || offset > MAX_LIST_OFFSET) throw new HeraldError('INVALID_PAGE', {});
    const { scope, statuses } = this.listingOf(actor, page.scope);
    if (this.deps.series) {
      // A series is listed once, at its next run, beside the tasks (its runs among them once made).
      const { rows, total } = await this.deps.series.repository.listWithTasks(scope, statuses, { limit, offset });
      return { tasks: await this.viewsOf(rows), total, offset, limit };
    }
    const { rows, total } = await this.deps.repository.listInScope(scope, statuses.tasks, { limit, offset });
    return { tasks: rows.map(toTaskView), total, offset, limit };
  }

  /** The caller's reservations (and series) in the caller's server whose id starts with `prefix` (autocomplete). */
  async searchReserved(actor: ActorInput, prefix: string, limit = MAX_LIST_LIMIT): Promise<Task[]> {
    return this.search(this.scopeFor(actor, false), { tasks: ['reserved'], series: ['active'] }, prefix, limit);
  }

  /** The tasks the caller may cancel whose id starts with `prefix`: their own, or every open one of the server for its admins. */
  async searchCancelable(actor: ActorInput, prefix: string, limit = MAX_LIST_LIMIT): Promise<Task[]> {
    return this.search(this.scopeFor(actor, true), { tasks: OPEN_STATUSES, series: OPEN_SERIES_STATUSES }, prefix, limit);
  }

  /** The caller's reservations and series that an edit may change (reserved, or open series), by id prefix. */
  async searchEditable(actor: ActorInput, prefix: string, limit = MAX_LIST_LIMIT): Promise<Task[]> {
    return this.search(this.scopeFor(actor, false), { tasks: ['reserved'], series: OPEN_SERIES_STATUSES }, prefix, limit);
  }

  /** The caller's series in `state` (active: to pause; paused: to resume), by id prefix. */
  async searchSeries(actor: ActorInput, prefix: string, state: SeriesStatus, limit = MAX_LIST_LIMIT): Promise<Task[]> {
    return this.search(this.scopeFor(actor, false), { tasks: [], series: [state] }, prefix, limit);
  }

  /** One of the caller's tasks (or series) in the caller's server, by id or unambiguous id prefix. */
  async getTask(actor: ActorInput, taskId: string): Promise<Task> {
    return this.viewOf(await this.requireItem(actor, taskId, false));
  }

  /**
   * Cancels a task while it is still queued or reserved: the caller's own, or, for an admin of the
   * server, any task of that server. The row records who canceled it. A series is canceled with
   * every run of it that is not being sent yet; a run being sent finishes.
   */
  async cancelTask(actor: ActorInput, taskId: string): Promise<Task> {
    const canceledBy = typeof actor === 'string' ? actor : actor.userId;
    const found = await this.requireItem(actor, taskId, true);
    if (found.kind === 'series') return this.cancelSeries(found.row, canceledBy);
    return toTaskView(await this.cancelRow(found.row, canceledBy));
  }

  /** Cancels one open task row (a reservation, or a run of a series). */
  private async cancelRow(task: TaskRow, canceledBy: string): Promise<TaskRow> {
    this.assertOpen(task);
    const canceled = await this.deps.repository.transition(task.id, 'canceled', { finishedAt: this.clock(), canceledBy });
    if (!canceled) return this.failClosed(task.id);
    try {
      await this.deps.scheduler.cancel({ id: task.id, scheduledAt: task.scheduled_at });
    } catch (err) {
      // The row already says canceled, so the send step will not claim it and the run ends skipped.
      this.deps.logger.warn({ taskId: task.id, err }, 'workflow cancellation request failed');
    }
    this.deps.logger.info({ taskId: task.id, requesterId: task.requester_id, canceledBy }, 'reservation canceled');
    return canceled;
  }

  /** Cancels a series, then each of its runs not being sent yet (a run being sent finishes, once). */
  private async cancelSeries(row: SeriesRow, canceledBy: string): Promise<Task> {
    const { service } = this.seriesDeps();
    const canceled = await service.cancel(row, canceledBy);
    for (const run of await this.deps.repository.openRunsOf(row.id)) {
      await this.cancelRow(run, canceledBy).catch((err: unknown) => {
        // Claimed meanwhile: it is being sent, and finishes.
        this.deps.logger.info({ taskId: run.id, seriesId: row.id, err: String(err) }, 'a run of the canceled series is already being sent');
      });
    }
    return service.view(canceled);
  }

  /**
   * How many open reservations "cancel all" would cancel for the caller in the caller's server:
   * their own open tasks and series made up to `at` (a series counts once).
   */
  async countOpen(actor: ActorInput, at: Date = this.clock()): Promise<number> {
    const { tasks, series } = await this.openOf(actor, at);
    return tasks.length + series.length;
  }

  /**
   * Cancels every open task and series of the caller in the caller's server that existed at `at`
   * (when they were asked "Cancel your N open reservations?"): never one made after the question,
   * never anyone else's. Answers how many it canceled.
   */
  async cancelAll(actor: ActorInput, at: Date): Promise<number> {
    const canceledBy = typeof actor === 'string' ? actor : actor.userId;
    const { tasks, series } = await this.openOf(actor, at);
    let canceled = 0;
    for (const row of series) {
      try {
        await this.cancelSeries(row, canceledBy);
        canceled++;
      } catch (err) {
        this.deps.logger.info({ seriesId: row.id, err: String(err) }, 'cancel all: a series closed meanwhile');
      }
    }
    for (const row of tasks) {
      // The runs of a series canceled above went with it.
      const current = row.series_id ? await this.deps.repository.findById(row.id) : row;
      if (!current || !isOpen(current.status)) continue;
      try {
        await this.cancelRow(current, canceledBy);
        canceled++;
      } catch (err) {
        this.deps.logger.info({ taskId: row.id, err: String(err) }, 'cancel all: a task closed meanwhile');
      }
    }
    this.deps.logger.info({ canceledBy, canceled }, 'canceled all open reservations');
    return canceled;
  }

  private async openOf(actor: ActorInput, at: Date): Promise<{ tasks: TaskRow[]; series: SeriesRow[] }> {
    const scope = this.scopeFor(actor, false);
    const [tasks, series] = await Promise.all([
      this.deps.repository.listOpenCreatedBy(scope, at),
      this.deps.series ? this.deps.series.repository.listOpenCreatedBy(scope, at) : [],
    ]);
    // Runs of a series count with their series, unless the series is not among them.
    const seriesIds = new Set(series.map((s) => s.id));
    return { tasks: tasks.filter((t) => !t.series_id || !seriesIds.has(t.series_id)), series };
  }

  /**
   * Moves the caller's own reservation (in the caller's server) to a new time, under the same lead
   * rule as reserving. For a series, its next run is moved (made now, due at the new time).
   */
  async rescheduleTask(actor: ActorInput, taskId: string, when: string | Date, timeZone?: string, locale?: Locale): Promise<Task> {
    const now = this.clock();
    const scheduledAt = this.resolveWhen(when, timeZone, now, locale).instant;
    const found = await this.requireItem(actor, taskId, false);
    if (found.kind === 'series') return this.moveNextRun(found.row, () => scheduledAt);
    return this.moveReservation(found.row, scheduledAt);
  }

  /**
   * A quick move of the caller's own reservation (in the caller's server), from its current time:
   * +10 minutes, +1 hour, or tomorrow at the same time in `timeZone`. The same lead rule as
   * rescheduling. For a series, its next run is moved from that run's time.
   */
  async quickMoveTask(actor: ActorInput, taskId: string, move: QuickMove, timeZone?: string): Promise<Task> {
    const found = await this.requireItem(actor, taskId, false);
    const zone = timeZone ?? this.deps.defaultTimeZone ?? 'UTC';
    const target = (from: Date) => this.resolveWhen(quickMoveTarget(from, move, zone), zone, this.clock(), undefined).instant;
    if (found.kind === 'series') return this.moveNextRun(found.row, target);
    const task = found.row;
    this.assertMovable(task);
    return this.moveReservation(task, target(task.scheduled_at!));
  }

  /**
   * Moves a series' next run: the run is made now, due at the new time (it then is a reservation
   * of its own; the series goes on from the run after it). One made meanwhile is moved as any is.
   */
  private async moveNextRun(row: SeriesRow, target: (runAt: Date) => Date): Promise<Task> {
    const { service } = this.seriesDeps();
    const runAt = await service.nextUnmadeRun(row);
    const scheduledAt = target(runAt);
    const made = await service.makeRunEarly(row, runAt, scheduledAt);
    if (made.kind === 'exists') return this.moveReservation(made.task, scheduledAt);
    return toTaskView(made.task);
  }

  /**
   * Changes the mail of the caller's own reservation (still waiting for its time) or series, with
   * the same checks as reserving it. A reservation is changed by the same conditional UPDATE as the
   * claim, so an edit and a send never both win: one being sent is refused ("already sending"). A
   * series' runs made already keep their mail; the next ones take the new one.
   */
  async editTask(actor: ActorInput, taskId: string, request: EditRequest): Promise<{ task: Task; changes: EditChange[] }> {
    const found = await this.requireItem(actor, taskId, false);
    const current = found.row;
    if (found.kind === 'task') this.assertReserved(found.row);
    else if (!OPEN_SERIES_STATUSES.includes(found.row.status)) throw new HeraldError('TASK_NOT_OPEN', { taskId: current.id, status: found.row.status });
    const next = await this.prepareEdit(current, request);
    if (next.changes.length === 0) throw new HeraldError('NOTHING_TO_EDIT', {});
    const edit = { name: next.name, description: next.description, payload: next.payload };
    if (found.kind === 'series') return { task: await this.seriesDeps().service.edit(found.row, edit), changes: next.changes };
    const rails = this.deps.guardRails;
    const added = Math.max(0, next.payload.recipients.length - current.payload.recipients.length);
    const result = await this.deps.repository.editReserved(current.id, current.requester_id, edit, added, {
      requesterPerHour: rails?.mailsPerHour,
      relayPerHour: rails?.mailsPerHourTotal,
    });
    if (result.kind === 'over-hourly-limit') throw limitError(result);
    if (result.kind === 'not-reserved') return this.failClosed(current.id);
    this.deps.logger.info({ taskId: current.id, requesterId: current.requester_id, fields: next.changes.map((c) => c.field) }, 'reservation edited');
    return { task: toTaskView(result.task), changes: next.changes };
  }

  /** Pauses the caller's own series: its runs are skipped until it is resumed. */
  async pauseSeries(actor: ActorInput, taskId: string): Promise<Task> {
    return this.seriesDeps().service.pause(await this.requireSeries(actor, taskId));
  }

  /** Resumes the caller's own series from its next run; the runs missed while paused are not sent. */
  async resumeSeries(actor: ActorInput, taskId: string): Promise<Task> {
    return this.seriesDeps().service.resume(await this.requireSeries(actor, taskId));
  }

  private async requireSeries(actor: ActorInput, taskId: string): Promise<SeriesRow> {
    const found = await this.requireItem(actor, taskId, false);
    if (found.kind !== 'series') throw new HeraldError('NOT_A_SERIES', { taskId: found.row.id });
    return found.row;
  }

  /**
   * The caller's own finished, failed and canceled tasks in the caller's server (or only those in
   * `statuses`), newest first: the same tasks the caller could see while they were open.
   */
  async listHistory(actor: ActorInput, options: { statuses?: readonly TaskStatus[]; page?: number; limit?: number } = {}): Promise<HistoryPage> {
    const page = options.page ?? 1;
    if (!Number.isInteger(page) || page < 1 || page > MAX_HISTORY_PAGES) throw new HeraldError('INVALID_PAGE', {});
    const statuses = (options.statuses ?? TERMINAL_STATUSES).filter((s) => TERMINAL_STATUSES.includes(s));
    if (statuses.length === 0) return { tasks: [], page, hasMore: false };
    const limit = options.limit ?? HISTORY_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_PAGE_SIZE) throw new HeraldError('INVALID_LIMIT', { max: HISTORY_PAGE_SIZE });
    const offset = (page - 1) * limit;
    const scope = this.scopeFor(actor, false);
    if (this.deps.series) {
      // A canceled series is history (who canceled it); a finished one is its runs, listed themselves.
      const series: SeriesStatus[] = statuses.includes('canceled') ? ['canceled'] : [];
      const { rows, total } = await this.deps.series.repository.listWithTasks(scope, { tasks: statuses, series }, { limit, offset }, 'newest');
      return { tasks: await this.viewsOf(rows), page, hasMore: offset + rows.length < total };
    }
    const { rows, total } = await this.deps.repository.listInScope(scope, statuses, { limit, offset }, 'newest');
    return { tasks: rows.map(toTaskView), page, hasMore: offset + rows.length < total };
  }

  listTemplates(): TemplateInfo[] {
    return this.deps.templates.list();
  }

  /**
   * Reserves a repeating mail: a series whose first run is the first of its cadence at or after
   * `when` (under the same lead rule as one reservation), at when's time of day in `timeZone`.
   */
  async reserveSeries(request: SeriesRequest): Promise<Task> {
    const id = this.newTaskId();
    const prepared = await this.prepare(id, request, { descriptionRequired: true });
    const series = this.previewSeries(request);
    return this.seriesDeps().service.create(prepared, series);
  }

  /** The series a request would make, checked (lead rule, cadence, limits), stored nowhere: for previews too. */
  previewSeries(request: Pick<SeriesRequest, 'repeat' | 'until' | 'when' | 'timeZone' | 'language'>) {
    const { service } = this.seriesDeps();
    const now = this.clock();
    const zone = request.timeZone ?? this.deps.defaultTimeZone ?? 'UTC';
    const locale = request.language;
    const repeat = parseRepeat(request.repeat, { locale: locale ?? 'en' });
    const until = request.until?.trim() ? parseUntil(request.until, { now, zone }) : undefined;
    const start = this.resolveWhen(request.when, zone, now, locale).instant;
    return service.build({ repeat, start, zone, until });
  }

  /** Now, on the service's clock (what the confirmation of "cancel all" is taken at). */
  now(): Date {
    return this.clock();
  }

  /** What `when` means for this user right now, for previews. Throws the same errors as reserveTask. */
  previewWhen(when: string, timeZone?: string, locale?: Locale): ParsedWhen {
    return this.resolveWhen(when, timeZone, this.clock(), locale);
  }

  private resolveWhen(when: string | Date, timeZone: string | undefined, now: Date, locale: Locale | undefined): ParsedWhen {
    return reservationTime(when, {
      now,
      zone: timeZone ?? this.deps.defaultTimeZone ?? 'UTC',
      locale,
      endOfDayHour: this.deps.endOfDayHour,
    });
  }

  /**
   * Validates and normalizes everything a mail request carries. Stores nothing. The request has
   * its task id from the start, so a refused one can be traced by the id it would have had.
   */
  private async prepare(id: string, request: MailRequest, options: { descriptionRequired: boolean }) {
    const description = checkDescription(request.description ?? '', options.descriptionRequired);
    const recipients = this.checkRecipients(request.to);
    const variables = typeof request.variables === 'string' || request.variables === undefined
      ? parseVariables(request.variables)
      : { ...request.variables };
    checkVariableValues(variables);
    const guildId = request.guildId ?? null;
    let language = request.language ?? 'en';
    let templateRef: TemplateRef | undefined;
    if (this.deps.resolver) {
      // The server's own templates first, then the built-in ones; the task keeps the version it got.
      ({ language, ref: templateRef } = await this.deps.resolver.validate(guildId, request.template, language, variables));
    } else {
      this.deps.templates.validate(request.template, language, variables);
    }
    return {
      id,
      name: taskName(request.template, recipients),
      description,
      requester_id: request.requesterId,
      guild_id: guildId,
      payload: { recipients, template: request.template, variables, language, ...(templateRef && { templateRef }) },
    };
  }

  private checkRecipients(to: string | string[]): string[] {
    const recipients = parseRecipients(to);
    assertRecipientDomainsAllowed(recipients, this.deps.guardRails?.allowedRecipientDomains ?? []);
    return recipients;
  }

  /**
   * An edit, checked as reserving checks a request: what is not given stays. A new template is
   * resolved again (the task then keeps that version); otherwise the version the task has is kept
   * and the values are checked against it. Stores nothing.
   */
  private async prepareEdit(current: Pick<TaskRow, 'name' | 'description' | 'guild_id' | 'payload'>, request: EditRequest) {
    const before = current.payload;
    const changes: EditChange[] = [];
    const description = request.description == null ? current.description : checkDescription(request.description, true);
    if (description !== current.description) changes.push({ field: 'description', before: current.description, after: description });
    const recipients = request.to == null || request.to.trim() === '' ? before.recipients : this.checkRecipients(request.to);
    if (recipients.join(',') !== before.recipients.join(',')) changes.push({ field: 'to', before: before.recipients, after: recipients });
    const given = request.vars == null ? {} : typeof request.vars === 'string' ? parseVariables(request.vars) : { ...request.vars };
    checkVariableValues(given);
    const variables: Record<string, string> = { ...before.variables };
    for (const [name, value] of Object.entries(given)) {
      // An empty value takes the variable out (an optional one, or one the new template does not use).
      if (value === '') delete variables[name];
      else variables[name] = value;
    }
    for (const name of [...new Set([...Object.keys(before.variables), ...Object.keys(variables)])].sort()) {
      const was = before.variables[name] ?? null;
      const now = variables[name] ?? null;
      if (was !== now) changes.push({ field: 'variable', name, before: was, after: now });
    }
    const template = request.template?.trim() || before.template;
    let { language } = before;
    let templateRef = before.templateRef;
    if (template !== before.template) {
      changes.push({ field: 'template', before: before.template, after: template });
      if (this.deps.resolver) ({ language, ref: templateRef } = await this.deps.resolver.validate(current.guild_id, template, language, variables));
      else this.deps.templates.validate(template, language, variables);
    } else if (this.deps.resolver) {
      // The version the task was made with, as its mail will be rendered.
      await this.deps.resolver.render(current.guild_id, templateRefOf(before), language, variables);
    } else {
      this.deps.templates.validate(template, language, variables);
    }
    const payload: TaskPayload = { recipients, template, variables, language, ...(templateRef && { templateRef }) };
    return { name: taskName(template, recipients), description, payload, changes };
  }

  /**
   * Stores the row if the guard rails allow it, counted and inserted atomically (see
   * insertWithinLimits): the hourly limits count recipients; the open-task cap applies to reservations.
   */
  private async insertWithinLimits(row: Parameters<TaskRepository['insert']>[0]): Promise<TaskRow> {
    const rails = this.deps.guardRails;
    const result = await this.deps.repository.insertWithinLimits(row, {
      requesterPerHour: rails?.mailsPerHour,
      relayPerHour: rails?.mailsPerHourTotal,
      maxOpen: row.status === 'reserved' ? rails?.maxOpenReservations : undefined,
    });
    if (result.kind === 'inserted') return result.task;
    throw limitError(result);
  }

  /**
   * Stores the task and sees its workflow started. A reservation through the outbox is answered
   * once its row is committed (the row, with no workflow yet, is the outbox entry): the starter
   * starts it well before it wakes. A send-now starts its own workflow at once, with the send-now
   * priority, and is answered when Temporal has it: the outbox would add a starter's pass to the
   * one path where a user waits for the mail itself, and sends now come one per user action,
   * not in bursts of reservations.
   */
  private async createAndStart(row: Parameters<TaskRepository['insert']>[0], now: Date): Promise<Task> {
    const task = await this.insertWithinLimits(row);
    if (task.status === 'reserved' && this.deps.outbox) {
      this.deps.outbox.kick();
      return this.accepted(task);
    }
    try {
      await this.deps.scheduler.start({ id: task.id, scheduledAt: task.scheduled_at });
    } catch (err) {
      await this.afterFailedStart(task, err, now);
    }
    // A crash (or a database error) before this is done leaves the row for the reconciler, which
    // starts it again, safely (workflowId = task id): it is no reason to fail the request.
    await this.deps.repository.markWorkflowStarted(task.id).catch((err: unknown) => {
      this.deps.logger.warn({ taskId: task.id, err }, 'could not record that the workflow started; the reconciler will');
    });
    return this.accepted(task);
  }

  private accepted(task: TaskRow): Task {
    this.deps.logger.info(
      { taskId: task.id, requesterId: task.requester_id, status: task.status, scheduledAt: task.scheduled_at },
      task.status === 'reserved' ? 'mail reserved' : 'mail queued',
    );
    countTaskCreated(task.status);
    return toTaskView(task);
  }

  /**
   * The tasks an actor sees: their own in their server; with `anyRequester`, an admin of the
   * server sees every task of it. The console (guild null) sees only the console's tasks.
   */
  private scopeFor(actor: ActorInput, anyRequester: boolean): TaskScope {
    if (typeof actor === 'string') return { requesterId: actor };
    const adminOf = anyRequester ? administeredServer(actor) : undefined;
    if (adminOf !== undefined) return { guildId: adminOf };
    return { guildId: actor.guildId, requesterId: actor.userId };
  }

  /** What a listing shows: one's own reservations and series, or every open task and series of the server for its admins. */
  private listingOf(actor: ActorInput, scope: ListScope): { scope: TaskScope; statuses: ListedStatuses } {
    if (scope === 'mine') return { scope: this.scopeFor(actor, false), statuses: { tasks: ['reserved'], series: OPEN_SERIES_STATUSES } };
    return { scope: { guildId: requireServerAdmin(actor) }, statuses: { tasks: OPEN_STATUSES, series: OPEN_SERIES_STATUSES } };
  }

  private async search(scope: TaskScope, statuses: ListedStatuses, prefix: string, limit: number): Promise<Task[]> {
    const clean = prefix.trim().toLowerCase();
    if (clean !== '' && !/^[0-9a-f-]{1,36}$/.test(clean)) return [];
    if (this.deps.series) return this.viewsOf(await this.deps.series.repository.findWithTasksByPrefix(scope, clean, limit, statuses));
    if (statuses.tasks.length === 0) return [];
    return (await this.deps.repository.findByPrefixInScope(scope, clean, limit, statuses.tasks)).map(toTaskView);
  }

  /** Views of a listing of tasks and series, in its order. */
  private async viewsOf(rows: readonly Listed[]): Promise<Task[]> {
    const series = rows.flatMap((r) => (r.kind === 'series' ? [r.row] : []));
    const seriesViews = new Map((series.length ? await this.seriesDeps().service.views(series) : []).map((v) => [v.id, v]));
    return rows.map((r) => (r.kind === 'task' ? toTaskView(r.row) : seriesViews.get(r.row.id)!));
  }

  private async viewOf(found: Found): Promise<Task> {
    return found.kind === 'task' ? toTaskView(found.row) : this.seriesDeps().service.view(found.row);
  }

  private seriesDeps(): NonNullable<TaskServiceDeps['series']> {
    if (!this.deps.series) throw new Error('TaskService was built without series');
    return this.deps.series;
  }

  private assertReserved(task: TaskRow): void {
    if (task.status !== 'reserved') {
      this.assertOpen(task);
      throw new HeraldError('TASK_NOT_RESERVED', { taskId: task.id });
    }
  }

  /** A reservation that may still be moved: reserved, and moved fewer than MAX_RESCHEDULES times. */
  private assertMovable(task: TaskRow): void {
    this.assertReserved(task);
    if (task.reschedule_count >= MAX_RESCHEDULES) throw new HeraldError('TOO_MANY_RESCHEDULES', { max: MAX_RESCHEDULES });
  }

  /**
   * Moves the row (counted against MAX_RESCHEDULES), then tells the sleeping workflow to read it;
   * if that cannot be confirmed, the move is undone only while the row is as this move left it.
   * Every move goes through here: /reschedule and the dashboard's quick moves.
   */
  private async moveReservation(task: TaskRow, scheduledAt: Date): Promise<Task> {
    this.assertMovable(task);
    const requesterId = task.requester_id;
    const moved = await this.deps.repository.reschedule(task.id, requesterId, scheduledAt, MAX_RESCHEDULES);
    if (!moved) return this.failClosed(task.id);
    try {
      await this.deps.scheduler.move({ id: task.id, scheduledAt });
    } catch (err) {
      this.deps.logger.error({ taskId: task.id, err }, 'moving the workflow to the new time failed');
      await this.undoMove(moved, task.scheduled_at!);
    }
    this.deps.logger.info({ taskId: task.id, requesterId, scheduledAt }, 'reservation moved');
    return toTaskView(moved);
  }

  /**
   * The start failed, or its answer was lost (a timeout after Temporal had started the workflow,
   * whose worker may already be sending). Temporal is asked: a workflow that exists means the
   * request succeeded after all. One that surely does not means nothing was scheduled, and the task
   * fails, but only while it is still open: the request path never fails a claimed task. When
   * Temporal cannot say, the row stays as it is for the reconciler, and the user is told that.
   */
  private async afterFailedStart(task: TaskRow, err: unknown, now: Date): Promise<void> {
    const { logger, repository, scheduler } = this.deps;
    logger.error({ taskId: task.id, err }, 'workflow start failed');
    let state: 'open' | 'closed' | 'missing' | 'unknown';
    try {
      state = (await scheduler.inspect({ id: task.id, scheduledAt: task.scheduled_at })).state;
    } catch (inspectErr) {
      logger.warn({ taskId: task.id, err: inspectErr }, 'could not ask Temporal whether the workflow exists; leaving the task to the reconciler');
      state = 'unknown';
    }
    if (state === 'open' || state === 'closed') {
      logger.warn({ taskId: task.id, state }, 'the workflow exists after all: the start went through');
      return;
    }
    if (state === 'missing') {
      const error = `Could not start the workflow: ${(err as Error).message ?? String(err)}`.slice(0, MAX_ERROR_LENGTH);
      const failed = await repository
        .transition(task.id, 'failed', { error, failureReason: 'not-scheduled', finishedAt: now }, OPEN_STATUSES)
        .catch(() => undefined);
      if (failed) throw new HeraldError('SCHEDULE_FAILED', {});
    }
    throw new HeraldError('SCHEDULE_UNCONFIRMED', { taskId: task.id });
  }

  /**
   * The move could not be confirmed (the signal may or may not have arrived). The old time goes
   * back only if the row is still as this move left it, and the workflow is told to read the row
   * again; whatever it then says is the truth, and the reconciler tells a workflow that missed it.
   */
  private async undoMove(moved: TaskRow, previous: Date): Promise<never> {
    const { logger, repository, scheduler } = this.deps;
    const undone = await repository.undoReschedule(moved, previous).catch((err: unknown) => {
      logger.warn({ taskId: moved.id, err }, 'could not undo the move');
      return false;
    });
    if (!undone) throw new HeraldError('RESCHEDULE_UNCONFIRMED', { taskId: moved.id });
    await scheduler.move({ id: moved.id, scheduledAt: previous }).catch((err: unknown) => {
      logger.warn({ taskId: moved.id, err }, 'could not tell the workflow the move was undone; the reconciler will');
    });
    throw new HeraldError('SCHEDULER_UNAVAILABLE', {});
  }

  /** A task or a series the caller may act on, by id or unambiguous id prefix (ids of both never collide: UUIDs). */
  private async requireItem(actor: ActorInput, taskIdInput: string, anyRequester: boolean): Promise<Found> {
    const scope = this.scopeFor(actor, anyRequester);
    const input = taskIdInput.trim();
    const series = this.deps.series?.repository;
    let found: Found | undefined;
    if (TASK_ID.test(input)) {
      const id = input.toLowerCase();
      const task = await this.deps.repository.findInScope(id, scope);
      const row = task ? undefined : await series?.findInScope(id, scope);
      found = task ? { kind: 'task', row: task } : row ? { kind: 'series', row } : undefined;
    } else if (TASK_ID_PREFIX.test(input)) {
      const every = { tasks: TASK_STATUSES_ALL, series: SERIES_STATUSES_ALL };
      const matches: Found[] = series
        ? await series.findWithTasksByPrefix(scope, input.toLowerCase(), 2, every)
        : (await this.deps.repository.findByPrefixInScope(scope, input.toLowerCase(), 2)).map((row) => ({ kind: 'task' as const, row }));
      if (matches.length === 1) found = matches[0];
    }
    if (!found) throw new HeraldError('TASK_NOT_FOUND', { taskId: input.slice(0, 40) });
    return found;
  }


  private assertOpen(task: Pick<TaskRow, 'id' | 'status'>): void {
    if (task.status === 'running') throw new HeraldError('TASK_ALREADY_SENDING', { taskId: task.id });
    if (!isOpen(task.status)) throw new HeraldError('TASK_NOT_OPEN', { taskId: task.id, status: task.status });
  }

  /** A conditional update lost a race: say why, from the row as it is now. */
  private async failClosed(taskId: string): Promise<never> {
    const current = await this.deps.repository.findById(taskId);
    if (current) this.assertOpen(current);
    if (current && current.reschedule_count >= MAX_RESCHEDULES) throw new HeraldError('TOO_MANY_RESCHEDULES', { max: MAX_RESCHEDULES });
    throw new HeraldError('TASK_NOT_RESERVED', { taskId });
  }
}

/**
 * The server whose admin the actor is, or undefined: an Actor the front end found to be an admin
 * of the server it acts in. The console (guild null) and a bare user id administer nothing. The
 * one rule for what makes an admin; what admins may do is decided by its callers.
 */
export function administeredServer(actor: ActorInput): string | undefined {
  return typeof actor !== 'string' && actor.isServerAdmin === true && actor.guildId !== null ? actor.guildId : undefined;
}

/** The server the actor administers; NOT_SERVER_ADMIN when there is none. */
export function requireServerAdmin(actor: ActorInput): string {
  const guildId = administeredServer(actor);
  if (guildId === undefined) throw new HeraldError('NOT_SERVER_ADMIN', {});
  return guildId;
}

const TASK_STATUSES_ALL: readonly TaskStatus[] = [...OPEN_STATUSES, 'running', ...TERMINAL_STATUSES];
const SERIES_STATUSES_ALL: readonly SeriesStatus[] = [...OPEN_SERIES_STATUSES, ...TERMINAL_SERIES_STATUSES];

/** "template → first recipient (+ how many more)": a task's label. */
function taskName(template: string, recipients: readonly string[]): string {
  const extra = recipients.length > 1 ? ` (+${recipients.length - 1})` : '';
  return `${template} → ${recipients[0]}${extra}`;
}

/** A description: one line of plain text, required for reservations. */
function checkDescription(input: string, required: boolean): string {
  const description = input.trim();
  if (required && description === '') throw new HeraldError('DESCRIPTION_REQUIRED', {});
  if (description.length > MAX_DESCRIPTION_LENGTH) throw new HeraldError('FIELD_TOO_LONG', { field: 'description', max: MAX_DESCRIPTION_LENGTH });
  const inDescription = findControlCharacter(description);
  if (inDescription) throw new HeraldError('CONTROL_CHARACTER', { field: 'description', ...inDescription });
  return description;
}

/** Values may span lines (a notice's body); nothing else below U+0020 belongs in a mail. */
function checkVariableValues(variables: Record<string, string>): void {
  for (const [name, value] of Object.entries(variables)) {
    const inValue = findControlCharacter(value, ['\t', '\n', '\r']);
    if (inValue) throw new HeraldError('CONTROL_CHARACTER', { field: 'variable', name: name.slice(0, 40), ...inValue });
  }
}

/** Why a row was not inserted, in the user's words. */
export function limitError(result: Exclude<LimitedInsert, { kind: 'inserted' }>): HeraldError {
  if (result.kind === 'too-many-open') return new HeraldError('TOO_MANY_OPEN_RESERVATIONS', { max: result.limit });
  const { scope, limit, used, requested, retryInMinutes } = result;
  if (retryInMinutes === null) return new HeraldError('RECIPIENTS_OVER_HOURLY_LIMIT', { requested, limit });
  if (scope === 'relay') return new HeraldError('RELAY_HOURLY_LIMIT', { limit, retryInMinutes });
  return new HeraldError('RATE_LIMITED', { limit, remaining: Math.max(0, limit - used), requested, retryInMinutes });
}
