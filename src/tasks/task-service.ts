// TaskService: what a user can do with mail tasks, whatever the front end (Discord, console, tests).
// Everything a request needs is checked before anything is stored. The task row is the guard for
// every change (conditional UPDATEs); the scheduler is told afterwards, to start, move or cancel.
import { randomUUID } from 'node:crypto';
import type { TaskRow } from '../db/schema.js';
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
import { isOpen, OPEN_STATUSES, type TaskStatus, TERMINAL_STATUSES } from '../domain/task-status.js';
import type { ParsedWhen } from '../domain/when.js';
import type { Locale } from '../i18n/locale.js';
import type { Logger } from '../logger.js';
import type { TemplateRef, TemplateResolver } from '../mail/template-resolver.js';
import { type TemplateInfo, type TemplateRegistry, parseVariables } from '../mail/templates.js';
import { countTaskCreated } from '../ops/metrics.js';
import type { TaskScheduler } from '../temporal/mail-task-scheduler.js';
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
    const { rows, total } = await this.deps.repository.listInScope(scope, statuses, { limit, offset });
    return { tasks: rows.map(toTaskView), total, offset, limit };
  }

  /** The caller's reservations in the caller's server whose id starts with `prefix` (autocomplete). */
  async searchReserved(actor: ActorInput, prefix: string, limit = MAX_LIST_LIMIT): Promise<Task[]> {
    return this.search(this.scopeFor(actor, false), ['reserved'], prefix, limit);
  }

  /** The tasks the caller may cancel whose id starts with `prefix`: their own, or every open one of the server for its admins. */
  async searchCancelable(actor: ActorInput, prefix: string, limit = MAX_LIST_LIMIT): Promise<Task[]> {
    return this.search(this.scopeFor(actor, true), OPEN_STATUSES, prefix, limit);
  }

  /** One of the caller's tasks in the caller's server, by id or unambiguous id prefix. */
  async getTask(actor: ActorInput, taskId: string): Promise<Task> {
    return toTaskView(await this.requireTask(actor, taskId, false));
  }

  /**
   * Cancels a task while it is still queued or reserved: the caller's own, or, for an admin of the
   * server, any task of that server. The row records who canceled it.
   */
  async cancelTask(actor: ActorInput, taskId: string): Promise<Task> {
    const canceledBy = typeof actor === 'string' ? actor : actor.userId;
    const task = await this.requireTask(actor, taskId, true);
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
    return toTaskView(canceled);
  }

  /** Moves the caller's own reservation (in the caller's server) to a new time, under the same lead rule as reserving. */
  async rescheduleTask(actor: ActorInput, taskId: string, when: string | Date, timeZone?: string, locale?: Locale): Promise<Task> {
    const now = this.clock();
    const scheduledAt = this.resolveWhen(when, timeZone, now, locale).instant;
    const task = await this.requireTask(actor, taskId, false);
    return this.moveReservation(task, scheduledAt);
  }

  /**
   * A quick move of the caller's own reservation (in the caller's server), from its current time:
   * +10 minutes, +1 hour, or tomorrow at the same time in `timeZone`. The same lead rule as rescheduling.
   */
  async quickMoveTask(actor: ActorInput, taskId: string, move: QuickMove, timeZone?: string): Promise<Task> {
    const task = await this.requireTask(actor, taskId, false);
    this.assertMovable(task);
    const zone = timeZone ?? this.deps.defaultTimeZone ?? 'UTC';
    const scheduledAt = this.resolveWhen(quickMoveTarget(task.scheduled_at!, move, zone), zone, this.clock(), undefined).instant;
    return this.moveReservation(task, scheduledAt);
  }

  /**
   * The caller's own finished, failed and canceled tasks in the caller's server (or only those in
   * `statuses`), newest first: the same tasks the caller could see while they were open.
   */
  async listHistory(actor: ActorInput, options: { statuses?: readonly TaskStatus[]; page?: number } = {}): Promise<HistoryPage> {
    const page = options.page ?? 1;
    if (!Number.isInteger(page) || page < 1 || page > MAX_HISTORY_PAGES) throw new HeraldError('INVALID_PAGE', {});
    const statuses = (options.statuses ?? TERMINAL_STATUSES).filter((s) => TERMINAL_STATUSES.includes(s));
    if (statuses.length === 0) return { tasks: [], page, hasMore: false };
    const offset = (page - 1) * HISTORY_PAGE_SIZE;
    const { rows, total } = await this.deps.repository.listInScope(this.scopeFor(actor, false), statuses, { limit: HISTORY_PAGE_SIZE, offset }, 'newest');
    return { tasks: rows.map(toTaskView), page, hasMore: offset + rows.length < total };
  }

  listTemplates(): TemplateInfo[] {
    return this.deps.templates.list();
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
    const description = (request.description ?? '').trim();
    if (options.descriptionRequired && description === '') throw new HeraldError('DESCRIPTION_REQUIRED', {});
    if (description.length > MAX_DESCRIPTION_LENGTH) {
      throw new HeraldError('FIELD_TOO_LONG', { field: 'description', max: MAX_DESCRIPTION_LENGTH });
    }
    // A description is one line of plain text.
    const inDescription = findControlCharacter(description);
    if (inDescription) throw new HeraldError('CONTROL_CHARACTER', { field: 'description', ...inDescription });
    const recipients = parseRecipients(request.to);
    assertRecipientDomainsAllowed(recipients, this.deps.guardRails?.allowedRecipientDomains ?? []);
    const variables = typeof request.variables === 'string' || request.variables === undefined
      ? parseVariables(request.variables)
      : { ...request.variables };
    for (const [name, value] of Object.entries(variables)) {
      // Values may span lines (a notice's body); nothing else below U+0020 belongs in a mail.
      const inValue = findControlCharacter(value, ['\t', '\n', '\r']);
      if (inValue) throw new HeraldError('CONTROL_CHARACTER', { field: 'variable', name: name.slice(0, 40), ...inValue });
    }
    const guildId = request.guildId ?? null;
    let language = request.language ?? 'en';
    let templateRef: TemplateRef | undefined;
    if (this.deps.resolver) {
      // The server's own templates first, then the built-in ones; the task keeps the version it got.
      ({ language, ref: templateRef } = await this.deps.resolver.validate(guildId, request.template, language, variables));
    } else {
      this.deps.templates.validate(request.template, language, variables);
    }
    const extra = recipients.length > 1 ? ` (+${recipients.length - 1})` : '';
    return {
      id,
      name: `${request.template} → ${recipients[0]}${extra}`,
      description,
      requester_id: request.requesterId,
      guild_id: guildId,
      payload: { recipients, template: request.template, variables, language, ...(templateRef && { templateRef }) },
    };
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

  /** What a listing shows: one's own reservations, or every open task of the server for its admins. */
  private listingOf(actor: ActorInput, scope: ListScope): { scope: TaskScope; statuses: readonly TaskStatus[] } {
    if (scope === 'mine') return { scope: this.scopeFor(actor, false), statuses: ['reserved'] };
    return { scope: { guildId: requireServerAdmin(actor) }, statuses: OPEN_STATUSES };
  }

  private async search(scope: TaskScope, statuses: readonly TaskStatus[], prefix: string, limit: number): Promise<Task[]> {
    const clean = prefix.trim().toLowerCase();
    if (clean !== '' && !/^[0-9a-f-]{1,36}$/.test(clean)) return [];
    return (await this.deps.repository.findByPrefixInScope(scope, clean, limit, statuses)).map(toTaskView);
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

  private async requireTask(actor: ActorInput, taskIdInput: string, anyRequester: boolean): Promise<TaskRow> {
    const scope = this.scopeFor(actor, anyRequester);
    const input = taskIdInput.trim();
    let task: TaskRow | undefined;
    if (TASK_ID.test(input)) {
      task = await this.deps.repository.findInScope(input.toLowerCase(), scope);
    } else if (TASK_ID_PREFIX.test(input)) {
      const matches = await this.deps.repository.findByPrefixInScope(scope, input.toLowerCase(), 2);
      if (matches.length === 1) task = matches[0];
    }
    if (!task) throw new HeraldError('TASK_NOT_FOUND', { taskId: input.slice(0, 40) });
    return task;
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

/** Why a row was not inserted, in the user's words. */
function limitError(result: Exclude<LimitedInsert, { kind: 'inserted' }>): HeraldError {
  if (result.kind === 'too-many-open') return new HeraldError('TOO_MANY_OPEN_RESERVATIONS', { max: result.limit });
  const { scope, limit, used, requested, retryInMinutes } = result;
  if (retryInMinutes === null) return new HeraldError('RECIPIENTS_OVER_HOURLY_LIMIT', { requested, limit });
  if (scope === 'relay') return new HeraldError('RELAY_HOURLY_LIMIT', { limit, retryInMinutes });
  return new HeraldError('RATE_LIMITED', { limit, remaining: Math.max(0, limit - used), requested, retryInMinutes });
}
