// TaskService: what a user can do with mail tasks, whatever the front end (Discord, console, tests).
// Everything a request needs is checked before anything is stored. The task row is the guard for
// every change (conditional UPDATEs); the scheduler is told afterwards, to start, move or cancel.
import { randomUUID } from 'node:crypto';
import type { TaskRow } from '../db/schema.js';
import type { TaskRepository } from '../db/task-repository.js';
import { HeraldError } from '../domain/errors.js';
import { reservationTime } from '../domain/lead-time.js';
import { DEFAULT_LIST_LIMIT, MAX_DESCRIPTION_LENGTH, MAX_ERROR_LENGTH, MAX_LIST_LIMIT, MAX_RESCHEDULES } from '../domain/limits.js';
import { assertRecipientDomainsAllowed, parseRecipients } from '../domain/recipients.js';
import { OPEN_STATUSES, isOpen } from '../domain/task-status.js';
import type { ParsedWhen } from '../domain/when.js';
import type { Locale } from '../i18n/locale.js';
import type { Logger } from '../logger.js';
import { type TemplateInfo, type TemplateRegistry, parseVariables } from '../mail/templates.js';
import { countTaskCreated } from '../ops/metrics.js';
import type { TaskScheduler } from '../temporal/mail-task-scheduler.js';
import { type Task, toTaskView } from './task-view.js';

const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TASK_ID_PREFIX = /^[0-9a-f][0-9a-f-]{5,35}$/i;

export interface GuardRails {
  /** Mails (sends and reservations) a user may request per rolling hour; undefined for no limit. */
  mailsPerHour?: number;
  /** Open (queued or reserved) tasks a user may have at once; undefined for no limit. */
  maxOpenReservations?: number;
  /** Recipient domains allowed; empty allows every domain. */
  allowedRecipientDomains: string[];
}

export interface TaskServiceDeps {
  repository: TaskRepository;
  scheduler: TaskScheduler;
  templates: TemplateRegistry;
  logger: Logger;
  guardRails?: GuardRails;
  defaultTimeZone?: string;
  /** The hour "end of day" means (EOD_HOUR). */
  endOfDayHour?: number;
  clock?: () => Date;
  /** Where new task ids come from (default: random UUIDs). */
  newTaskId?: () => string;
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
    const open = await this.deps.repository.countOpen(request.requesterId);
    const maxOpen = this.deps.guardRails?.maxOpenReservations;
    if (maxOpen !== undefined && open >= maxOpen) throw new HeraldError('TOO_MANY_OPEN_RESERVATIONS', { max: maxOpen });
    return this.createAndStart({ ...prepared, status: 'reserved', scheduled_at: scheduledAt }, now);
  }

  /** The caller's reserved tasks, soonest first. */
  async listReserved(requesterId: string, limit = DEFAULT_LIST_LIMIT): Promise<Task[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new HeraldError('INVALID_LIMIT', { max: MAX_LIST_LIMIT });
    }
    return (await this.deps.repository.listReserved(requesterId, limit)).map(toTaskView);
  }

  /** The caller's reserved tasks whose id starts with `prefix` (autocomplete). */
  async searchReserved(requesterId: string, prefix: string, limit = MAX_LIST_LIMIT): Promise<Task[]> {
    const clean = prefix.trim().toLowerCase();
    if (clean !== '' && !/^[0-9a-f-]{1,36}$/.test(clean)) return [];
    return (await this.deps.repository.findOwnedByPrefix(requesterId, clean, limit, ['reserved'])).map(toTaskView);
  }

  /** One of the caller's tasks, by id or unambiguous id prefix. */
  async getTask(requesterId: string, taskId: string): Promise<Task> {
    return toTaskView(await this.requireOwned(requesterId, taskId));
  }

  /** Cancels the caller's task while it is still queued or reserved. */
  async cancelTask(requesterId: string, taskId: string): Promise<Task> {
    const task = await this.requireOwned(requesterId, taskId);
    this.assertOpen(task);
    const canceled = await this.deps.repository.transition(task.id, 'canceled', { finishedAt: this.clock() });
    if (!canceled) return this.failClosed(task.id);
    try {
      await this.deps.scheduler.cancel({ id: task.id, scheduledAt: task.scheduled_at });
    } catch (err) {
      // The row already says canceled, so the send step will not claim it and the run ends skipped.
      this.deps.logger.warn({ taskId: task.id, err }, 'workflow cancellation request failed');
    }
    this.deps.logger.info({ taskId: task.id, requesterId }, 'reservation canceled');
    return toTaskView(canceled);
  }

  /** Moves the caller's reservation to a new time, under the same lead rule as reserving. */
  async rescheduleTask(requesterId: string, taskId: string, when: string | Date, timeZone?: string, locale?: Locale): Promise<Task> {
    const now = this.clock();
    const scheduledAt = this.resolveWhen(when, timeZone, now, locale).instant;
    const task = await this.requireOwned(requesterId, taskId);
    if (task.status !== 'reserved') {
      this.assertOpen(task);
      throw new HeraldError('TASK_NOT_RESERVED', { taskId: task.id });
    }
    if (task.reschedule_count >= MAX_RESCHEDULES) throw new HeraldError('TOO_MANY_RESCHEDULES', { max: MAX_RESCHEDULES });
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
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(description)) throw new HeraldError('INVALID_FIELD', { field: 'description' });
    const recipients = parseRecipients(request.to);
    assertRecipientDomainsAllowed(recipients, this.deps.guardRails?.allowedRecipientDomains ?? []);
    const variables = typeof request.variables === 'string' || request.variables === undefined
      ? parseVariables(request.variables)
      : { ...request.variables };
    const language = request.language ?? 'en';
    this.deps.templates.validate(request.template, language, variables);
    await this.assertWithinRateLimit(request.requesterId);
    const extra = recipients.length > 1 ? ` (+${recipients.length - 1})` : '';
    return {
      id,
      name: `${request.template} → ${recipients[0]}${extra}`,
      description,
      requester_id: request.requesterId,
      guild_id: request.guildId ?? null,
      payload: { recipients, template: request.template, variables, language },
    };
  }

  private async assertWithinRateLimit(requesterId: string): Promise<void> {
    const limit = this.deps.guardRails?.mailsPerHour;
    if (limit === undefined) return;
    const now = this.clock();
    const windowStart = new Date(now.getTime() - 3_600_000);
    const { count, oldest } = await this.deps.repository.countCreatedSince(requesterId, windowStart);
    if (count < limit) return;
    const freesAt = (oldest ?? now).getTime() + 3_600_000;
    const retryInMinutes = Math.max(1, Math.ceil((freesAt - now.getTime()) / 60_000));
    throw new HeraldError('RATE_LIMITED', { limit, retryInMinutes });
  }

  private async createAndStart(row: Parameters<TaskRepository['insert']>[0], now: Date): Promise<Task> {
    const task = await this.deps.repository.insert(row);
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
    this.deps.logger.info(
      { taskId: task.id, requesterId: task.requester_id, status: task.status, scheduledAt: task.scheduled_at },
      task.status === 'reserved' ? 'mail reserved' : 'mail queued',
    );
    countTaskCreated(task.status);
    return toTaskView(task);
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
      const failed = await repository.transition(task.id, 'failed', { error, finishedAt: now }, OPEN_STATUSES).catch(() => undefined);
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

  private async requireOwned(requesterId: string, taskIdInput: string): Promise<TaskRow> {
    const input = taskIdInput.trim();
    let task: TaskRow | undefined;
    if (TASK_ID.test(input)) {
      task = await this.deps.repository.findOwned(input.toLowerCase(), requesterId);
    } else if (TASK_ID_PREFIX.test(input)) {
      const matches = await this.deps.repository.findOwnedByPrefix(requesterId, input.toLowerCase(), 2);
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
