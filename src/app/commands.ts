// Herald's commands, free of any front end: the Discord bot, the console, the web dashboard and the tests all call these.
// Each returns a result to render; a user's mistake becomes a localized message, and an unexpected
// error is logged with its context and answered with a short apology.
import { HeraldError, isHeraldError } from '../domain/errors.js';
import { DEFAULT_LIST_LIMIT } from '../domain/limits.js';
import { isQuickMove, QUICK_MOVES, type QuickMove } from '../domain/quick-move.js';
import type { TaskStatus } from '../domain/task-status.js';
import { isValidTimeZone } from '../domain/time-zone.js';
import { type Locale, localeFromTag } from '../i18n/locale.js';
import { apology, type ErrorCode } from '../i18n/messages.js';
import type { Logger } from '../logger.js';
import type {
  BuiltinTemplateView,
  RenderedPreview,
  ServerTemplateService,
  ServerTemplateView,
  TemplateDraft,
  TemplatePreview,
} from '../mail/server-template-service.js';
import type { TemplateResolver, TemplateSummary } from '../mail/template-resolver.js';
import { parseVariables, type TemplateInfo } from '../mail/templates.js';
import { timeCommand } from '../ops/metrics.js';
import { describePreview, type RepeatSeries } from '../domain/repeat/index.js';
import {
  administeredServer,
  requireServerAdmin,
  type Actor,
  type EditChange,
  type EditRequest,
  type ListScope,
  type TaskService,
} from '../tasks/task-service.js';
import type { Task } from '../tasks/task-view.js';

/** Who is asking, and how to talk to them. */
export interface CommandContext {
  userId: string;
  /** The server the command comes from; null for the console. */
  guildId: string | null;
  locale: Locale;
  /** The user's IANA time zone. */
  timeZone: string;
  /**
   * Whether the front end found the user to be an admin of `guildId` (Discord: the member has
   * DISCORD_ADMIN_PERMISSION there; the dashboard reads the same permission from Discord). What an
   * admin may do is decided by the core (TaskService's scopes, requireServerAdmin), not by the front end.
   */
  isServerAdmin?: boolean;
}

/** Which servers Herald answers in; without a list, every one (no Discord front end runs then). */
export interface ServerAccess {
  allowedGuildIds?: readonly string[];
}

/** Whether Herald answers in `guildId` at all; the console (guild null) always. */
export function isServerAllowed(access: ServerAccess, guildId: string | null): boolean {
  return guildId === null || access.allowedGuildIds === undefined || access.allowedGuildIds.includes(guildId);
}

/** What HeraldCommands needs besides the task service. */
export interface CommandsOptions extends ServerAccess {
  /** Server templates (issue 12): their service and the resolver every template name goes through. */
  serverTemplates?: { service: ServerTemplateService; resolver: TemplateResolver };
}

export type CommandResult =
  /** Accepted for sending now; the mail goes out as soon as a worker takes it. */
  | { kind: 'queued'; task: Task }
  /** nextYear: the time was a date without a year that has passed this year, so it is next year's. */
  | { kind: 'reserved'; task: Task; nextYear?: boolean }
  /** A page of a listing: `tasks` are those from `offset` on, of `total` in all. */
  | { kind: 'list'; scope: ListScope; tasks: Task[]; total: number; offset: number; limit: number }
  | { kind: 'canceled'; task: Task }
  | { kind: 'rescheduled'; task: Task; nextYear?: boolean }
  | { kind: 'templates'; templates: TemplateInfo[] }
  | { kind: 'timezone'; zone: string; changed: boolean }
  /** Edited (issue 11): the reservation or series as it is now, and what changed. */
  | { kind: 'edited'; task: Task; changes: EditChange[] }
  | { kind: 'paused'; task: Task }
  | { kind: 'resumed'; task: Task }
  /** "Cancel your N open reservations?": nothing changed yet; `at` is what the confirmation carries. */
  | { kind: 'cancel-all'; count: number; at: Date }
  | { kind: 'canceled-all'; count: number }
  | ErrorResult;

/** `code` says which mistake it was (front ends may map it, e.g. TASK_NOT_FOUND to a 404); absent when unexpected. */
export type ErrorResult = { kind: 'error'; message: string; unexpected: boolean; code?: ErrorCode };

/** Which finished tasks `history` shows: everything, or one outcome. */
export const HISTORY_FILTERS = ['all', 'sent', 'failed', 'canceled'] as const;
export type HistoryFilter = (typeof HISTORY_FILTERS)[number];
const HISTORY_STATUSES: Record<HistoryFilter, readonly TaskStatus[] | undefined> = {
  all: undefined,
  sent: ['finished'],
  failed: ['failed'],
  canceled: ['canceled'],
};

/**
 * A page of the caller's finished tasks. A failed task says why in `failureReason` and `smtpCodes`
 * (the stored, user-safe classification); front ends word it with failureText (src/i18n/ui.ts).
 */
export type HistoryResult = { kind: 'history'; tasks: Task[]; filter: HistoryFilter; page: number; hasMore: boolean } | ErrorResult;

export type TemplateResult =
  /** The server's own templates and the built-in ones it can use. */
  | { kind: 'template-list'; templates: TemplateSummary[] }
  | { kind: 'template'; template: ServerTemplateView | BuiltinTemplateView }
  /** Created or edited: the new version, and the draft rendered with sample values. */
  | { kind: 'template-saved'; action: 'created' | 'edited'; template: ServerTemplateView; preview: TemplatePreview }
  | { kind: 'template-deleted'; name: string; version: number }
  /** A stored template rendered with the values given ("[name]" for the rest). */
  | { kind: 'template-preview'; preview: RenderedPreview }
  /** A draft checked and rendered with sample values; nothing stored. */
  | { kind: 'template-draft'; preview: TemplatePreview }
  /** The variables a mail with this template reads in `language`, the one it would be written in (for a form). */
  | { kind: 'template-fields'; name: string; language: Locale; variables: string[]; optional: string[] }
  /** The name may be given to a new template of this server (as far as anyone can tell before the create). */
  | { kind: 'template-name-free'; name: string }
  | ErrorResult;

export type WhenPreview = { kind: 'preview'; instant: Date; nextYear: boolean } | { kind: 'error'; message: string };

/** The autocomplete preview of a series: "매주 월요일 09:00, 다음: …", and its first runs. */
export type SeriesPreview = { kind: 'series-preview'; text: string; series: RepeatSeries } | { kind: 'error'; message: string };

/** What a task is looked for to do: the autocomplete offers only tasks that can take it. */
export type TaskPurpose = 'cancel' | 'reschedule' | 'edit' | 'pause' | 'resume';

export interface MailOptions {
  template: string;
  to: string;
  /** "key=value;key=value" as typed, or already split (a form's fields). */
  vars?: string | Record<string, string> | null;
  description?: string | null;
  /** The language to write the mail in (one the template has); default: the requester's. */
  language?: string | null;
}

/** Stores each user's chosen time zone. */
export interface TimeZoneStore {
  get(userId: string): Promise<string | undefined>;
  set(userId: string, zone: string): Promise<void>;
}

export class HeraldCommands {
  constructor(
    private readonly service: TaskService,
    private readonly logger: Logger,
    private readonly timeZones: TimeZoneStore,
    private readonly defaults: { timeZone: string; locale: Locale },
    private readonly options: CommandsOptions = {},
  ) {}

  /**
   * Why Herald does not answer in this server at all, or undefined when it does. Front ends ask
   * before anything else (buttons and autocomplete too); every command checks it again.
   */
  refusal(where: { guildId: string | null; locale: Locale }): string | undefined {
    if (isServerAllowed(this.options, where.guildId)) return undefined;
    return new HeraldError('SERVER_NOT_ALLOWED', {}).messageFor(where.locale);
  }

  /**
   * Why the caller may not act as an admin of their server (its open tasks, its templates), or
   * undefined when they may: for front ends that show admin pages only to admins. The commands
   * check it again themselves.
   */
  adminRefusal(ctx: CommandContext): string | undefined {
    const refused = this.refusal(ctx);
    if (refused) return refused;
    return administeredServer(actorOf(ctx)) === undefined ? new HeraldError('NOT_SERVER_ADMIN', {}).messageFor(ctx.locale) : undefined;
  }

  /** The context for a user: their language from the front end, their saved time zone or the default. */
  async contextFor(user: {
    userId: string;
    guildId: string | null;
    locale?: string | null;
    isServerAdmin?: boolean;
  }): Promise<CommandContext> {
    let timeZone = this.defaults.timeZone;
    try {
      timeZone = (await this.timeZones.get(user.userId)) ?? timeZone;
    } catch (err) {
      this.logger.error({ err, userId: user.userId }, 'reading the time zone failed; using the default');
    }
    return {
      userId: user.userId,
      guildId: user.guildId,
      locale: localeFromTag(user.locale, this.defaults.locale),
      timeZone,
      isServerAdmin: user.isServerAdmin === true,
    };
  }

  sendmail(ctx: CommandContext, options: MailOptions): Promise<CommandResult> {
    return this.run(ctx, 'sendmail', async () => ({
      kind: 'queued',
      task: await this.service.enqueueTask({ ...this.mailRequest(ctx, options) }),
    }));
  }

  /**
   * Reserves a mail for `when`; with `repeat` (and optionally `until`), a series whose runs are
   * at when's time of day in the caller's zone, the first at or after `when`.
   */
  reserve(ctx: CommandContext, options: MailOptions & { when: string; repeat?: string | null; until?: string | null }): Promise<CommandResult> {
    return this.run(ctx, 'reserve', async () => {
      const repeat = options.repeat?.trim() ?? '';
      const until = options.until?.trim() ?? '';
      if (repeat === '' && until !== '') throw new HeraldError('UNTIL_WITHOUT_REPEAT', {});
      const request = { ...this.mailRequest(ctx, options), when: options.when, timeZone: ctx.timeZone };
      if (repeat !== '') return { kind: 'reserved', task: await this.service.reserveSeries({ ...request, repeat, until }) };
      return {
        kind: 'reserved',
        // The service reads `when` again at its own clock; this reading only says whether it moved to next year.
        nextYear: this.service.previewWhen(options.when, ctx.timeZone, ctx.locale).nextYear,
        task: await this.service.reserveTask(request),
      };
    });
  }

  /**
   * Changes the mail of one of the caller's reservations (not yet being sent) or series (its next
   * runs), with the same checks as /reserve; the answer says what changed.
   */
  edit(ctx: CommandContext, options: EditRequest & { task: string }): Promise<CommandResult> {
    return this.run(ctx, 'edit', async () => ({ kind: 'edited', ...(await this.service.editTask(actorOf(ctx), options.task, options)) }));
  }

  /** Pauses one of the caller's series: runs are skipped until it is resumed. */
  pause(ctx: CommandContext, options: { task: string }): Promise<CommandResult> {
    return this.run(ctx, 'pause', async () => ({ kind: 'paused', task: await this.service.pauseSeries(actorOf(ctx), options.task) }));
  }

  /** Resumes one of the caller's series from its next run; runs missed while paused are not sent. */
  resume(ctx: CommandContext, options: { task: string }): Promise<CommandResult> {
    return this.run(ctx, 'resume', async () => ({ kind: 'resumed', task: await this.service.resumeSeries(actorOf(ctx), options.task) }));
  }

  /** "Cancel your N open reservations?": how many, and the moment asked about; changes nothing. */
  cancelAllQuestion(ctx: CommandContext): Promise<CommandResult> {
    return this.run(ctx, 'cancel all question', async () => {
      const at = this.service.now();
      return { kind: 'cancel-all', count: await this.service.countOpen(actorOf(ctx), at), at };
    });
  }

  /**
   * Cancels the caller's own open reservations and series in this server that existed when they
   * were asked (`at`): one made after the question is kept. Admins cancel only their own here too.
   */
  cancelAll(ctx: CommandContext, options: { at: Date }): Promise<CommandResult> {
    return this.run(ctx, 'cancel all', async () => ({ kind: 'canceled-all', count: await this.service.cancelAll(actorOf(ctx), options.at) }));
  }

  /** Your reservations in this server; with scope "server", every open task of the server (its admins only). */
  reserved(
    ctx: CommandContext,
    options: { limit?: number | null; offset?: number | null; scope?: ListScope | null } = {},
  ): Promise<CommandResult> {
    return this.run(ctx, 'reserved', async () => {
      const scope = options.scope ?? 'mine';
      const page = await this.service.listTasks(actorOf(ctx), {
        scope,
        limit: options.limit ?? DEFAULT_LIST_LIMIT,
        offset: options.offset ?? 0,
      });
      return { kind: 'list', scope, ...page };
    });
  }

  cancel(ctx: CommandContext, options: { task: string }): Promise<CommandResult> {
    return this.run(ctx, 'cancel', async () => ({ kind: 'canceled', task: await this.service.cancelTask(actorOf(ctx), options.task) }));
  }

  reschedule(ctx: CommandContext, options: { task: string; when: string }): Promise<CommandResult> {
    return this.run(ctx, 'reschedule', async () => ({
      kind: 'rescheduled',
      nextYear: this.service.previewWhen(options.when, ctx.timeZone, ctx.locale).nextYear,
      task: await this.service.rescheduleTask(actorOf(ctx), options.task, options.when, ctx.timeZone, ctx.locale),
    }));
  }

  /**
   * Moves one of the caller's reservations in this server from its current time: +10 minutes,
   * +1 hour, or tomorrow at the same time. Whose tasks these are is decided as for reschedule.
   */
  quickMove(ctx: CommandContext, options: { task: string; move: QuickMove | string }): Promise<CommandResult> {
    return this.run(ctx, 'quick move', async () => {
      if (!isQuickMove(options.move)) throw new HeraldError('INVALID_QUICK_MOVE', { moves: QUICK_MOVES.join(', ') });
      return { kind: 'rescheduled', task: await this.service.quickMoveTask(actorOf(ctx), options.task, options.move, ctx.timeZone) };
    });
  }

  /** The caller's sent, failed and canceled tasks in this server (the console: its own), newest first, a page at a time. */
  history(
    ctx: CommandContext,
    options: { filter?: HistoryFilter | string | null; page?: number | null; limit?: number | null } = {},
  ): Promise<HistoryResult> {
    return this.run(ctx, 'history', async () => {
      const filter = HISTORY_FILTERS.find((f) => f === options.filter) ?? 'all';
      const page = await this.service.listHistory(actorOf(ctx), {
        statuses: HISTORY_STATUSES[filter],
        page: options.page ?? 1,
        ...(options.limit != null && { limit: options.limit }),
      });
      return { kind: 'history', tasks: page.tasks, filter, page: page.page, hasMore: page.hasMore };
    });
  }

  // ---- Server templates (issue 12): one core for the dashboard and the /template commands ----

  /** The templates the caller's server can use: its own, then the built-in ones. */
  templateList(ctx: CommandContext): Promise<TemplateResult> {
    return this.run(ctx, 'template list', async () => {
      const { resolver } = this.templateDeps();
      return { kind: 'template-list', templates: await resolver.list(ctx.guildId) };
    });
  }

  /** One template this server can use: its own with sources and history, or a built-in one's summary. */
  templateShow(ctx: CommandContext, options: { name: string }): Promise<TemplateResult> {
    return this.run(ctx, 'template show', async () => ({
      kind: 'template',
      template: await this.templateDeps().service.show(ctx.guildId, options.name.trim()),
    }));
  }

  /**
   * Renders a template this server can use with the given values ("key=value;key=value" as typed,
   * or already split); stores and sends nothing.
   */
  templatePreview(
    ctx: CommandContext,
    options: { name: string; language?: string | null; values?: string | Record<string, string> | null },
  ): Promise<TemplateResult> {
    return this.run(ctx, 'template preview', async () => {
      const values = typeof options.values === 'string' || options.values == null ? parseVariables(options.values ?? undefined) : options.values;
      return {
        kind: 'template-preview',
        preview: await this.templateDeps().service.preview(ctx.guildId, options.name.trim(), options.language ?? ctx.locale, values),
      };
    });
  }

  /**
   * The variables `template` reads in the language a mail from the caller would be written in
   * (the one given, else theirs), so that a front end can ask for them in a form. The mail
   * request itself is checked again when it is made.
   */
  templateFields(ctx: CommandContext, options: { template: string; language?: string | null }): Promise<TemplateResult> {
    return this.run(ctx, 'template fields', async () => {
      const name = options.template.trim();
      const resolved = await this.templateDeps().resolver.resolve(ctx.guildId, name, options.language ?? ctx.locale);
      return { kind: 'template-fields', name, language: resolved.language, variables: resolved.variables, optional: resolved.optional };
    });
  }

  /** Whether an admin may create a template called `name` here, asked before the template is written. */
  templateNameCheck(ctx: CommandContext, options: { name: string }): Promise<TemplateResult> {
    return this.run(ctx, 'template name check', async () => {
      const guildId = this.requireAdmin(ctx);
      const name = options.name.trim();
      await this.templateDeps().service.assertCreatable(guildId, name);
      return { kind: 'template-name-free', name };
    });
  }

  /** The server's own template `name` with its sources, for an admin about to edit it. */
  templateForEdit(ctx: CommandContext, options: { name: string }): Promise<TemplateResult> {
    return this.run(ctx, 'template for edit', async () => {
      const guildId = this.requireAdmin(ctx);
      return { kind: 'template', template: await this.templateDeps().service.own(guildId, options.name.trim()) };
    });
  }

  /** Checks a draft and renders it with sample values, as the editor's live preview. Admins only. */
  templateCheck(ctx: CommandContext, options: { draft: TemplateDraft }): Promise<TemplateResult> {
    return this.run(ctx, 'template check', async () => {
      this.requireAdmin(ctx);
      return { kind: 'template-draft', preview: this.templateDeps().service.check(options.draft) };
    });
  }

  templateCreate(ctx: CommandContext, options: { name: string; draft: TemplateDraft }): Promise<TemplateResult> {
    return this.run(ctx, 'template create', async () => {
      const guildId = this.requireAdmin(ctx);
      const saved = await this.templateDeps().service.create(guildId, ctx.userId, options.name.trim(), options.draft);
      return { kind: 'template-saved', action: 'created', ...saved };
    });
  }

  /** Writes one language of the server's template as a new version. */
  templateEdit(ctx: CommandContext, options: { name: string; draft: TemplateDraft }): Promise<TemplateResult> {
    return this.run(ctx, 'template edit', async () => {
      const guildId = this.requireAdmin(ctx);
      const saved = await this.templateDeps().service.edit(guildId, ctx.userId, options.name.trim(), options.draft);
      return { kind: 'template-saved', action: 'edited', ...saved };
    });
  }

  templateDelete(ctx: CommandContext, options: { name: string }): Promise<TemplateResult> {
    return this.run(ctx, 'template delete', async () => {
      const guildId = this.requireAdmin(ctx);
      return { kind: 'template-deleted', ...(await this.templateDeps().service.delete(guildId, ctx.userId, options.name.trim())) };
    });
  }

  templates(ctx: CommandContext): Promise<CommandResult> {
    return this.run(ctx, 'templates', async () => ({ kind: 'templates', templates: this.service.listTemplates() }));
  }

  setTimeZone(ctx: CommandContext, options: { zone: string }): Promise<CommandResult> {
    return this.run(ctx, 'timezone set', async () => {
      const zone = options.zone.trim();
      if (!isValidTimeZone(zone)) throw new HeraldError('INVALID_TIME_ZONE', { zone: zone.slice(0, 60) });
      await this.timeZones.set(ctx.userId, zone);
      return { kind: 'timezone', zone, changed: true };
    });
  }

  showTimeZone(ctx: CommandContext): Promise<CommandResult> {
    return this.run(ctx, 'timezone show', async () => ({ kind: 'timezone', zone: ctx.timeZone, changed: false }));
  }

  /** For autocomplete: what `when` means, or why it cannot be read. Never throws. */
  previewWhen(ctx: CommandContext, when: string): WhenPreview {
    const refused = this.refusal(ctx);
    if (refused) return { kind: 'error', message: refused };
    try {
      const { instant, nextYear } = this.service.previewWhen(when, ctx.timeZone, ctx.locale);
      return { kind: 'preview', instant, nextYear };
    } catch (err) {
      if (isHeraldError(err)) return { kind: 'error', message: err.messageFor(ctx.locale) };
      this.logger.error({ err, userId: ctx.userId, when }, 'when preview failed');
      return { kind: 'error', message: apology[ctx.locale] };
    }
  }

  /**
   * For autocomplete: what a repeating reservation would be, "매주 월요일 09:00, 다음: …", or why it
   * cannot be. Never throws. Checks everything /reserve checks about the timing.
   */
  previewSeries(ctx: CommandContext, options: { repeat: string; when: string; until?: string | null }): SeriesPreview {
    const refused = this.refusal(ctx);
    if (refused) return { kind: 'error', message: refused };
    try {
      const series = this.service.previewSeries({ ...options, until: options.until ?? undefined, timeZone: ctx.timeZone, language: ctx.locale });
      return { kind: 'series-preview', text: describePreview(series, this.service.now(), ctx.locale), series };
    } catch (err) {
      if (isHeraldError(err)) return { kind: 'error', message: err.messageFor(ctx.locale) };
      this.logger.error({ err, userId: ctx.userId }, 'series preview failed');
      return { kind: 'error', message: apology[ctx.locale] };
    }
  }

  /**
   * For autocomplete: the tasks whose id starts with `prefix` that the caller may reschedule or
   * edit (their own reservations and series in this server), pause or resume (their series), or
   * cancel (for an admin, every open task of the server).
   */
  async suggestReservations(ctx: CommandContext, prefix: string, purpose: TaskPurpose = 'reschedule'): Promise<Task[]> {
    if (this.refusal(ctx)) return [];
    try {
      const actor = actorOf(ctx);
      switch (purpose) {
        case 'cancel':
          return await this.service.searchCancelable(actor, prefix);
        case 'edit':
          return await this.service.searchEditable(actor, prefix);
        case 'pause':
          return await this.service.searchSeries(actor, prefix, 'active');
        case 'resume':
          return await this.service.searchSeries(actor, prefix, 'paused');
        case 'reschedule':
          return await this.service.searchReserved(actor, prefix);
      }
    } catch (err) {
      this.logger.error({ err, userId: ctx.userId }, 'reservation suggestions failed');
      return [];
    }
  }

  private mailRequest(ctx: CommandContext, options: MailOptions) {
    return {
      requesterId: ctx.userId,
      guildId: ctx.guildId,
      template: options.template.trim(),
      to: options.to,
      variables: options.vars ?? undefined,
      description: options.description ?? undefined,
      language: (options.language ?? ctx.locale) as Locale,
    };
  }

  /** The caller's server, when they are one of its admins; NOT_SERVER_ADMIN otherwise (the same rule as every admin command). */
  private requireAdmin(ctx: CommandContext): string {
    return requireServerAdmin(actorOf(ctx));
  }

  private templateDeps(): { service: ServerTemplateService; resolver: TemplateResolver } {
    if (!this.options.serverTemplates) throw new Error('HeraldCommands was built without server templates');
    return this.options.serverTemplates;
  }

  private async run<R>(ctx: CommandContext, command: string, body: () => Promise<R>): Promise<R | ErrorResult> {
    const refused = this.refusal(ctx);
    if (refused) return { kind: 'error', message: refused, unexpected: false, code: 'SERVER_NOT_ALLOWED' };
    try {
      return await timeCommand(command, body());
    } catch (err) {
      if (isHeraldError(err)) return { kind: 'error', message: err.messageFor(ctx.locale), unexpected: false, code: err.code };
      this.logger.error({ err, command, userId: ctx.userId, guildId: ctx.guildId }, 'command failed unexpectedly');
      return { kind: 'error', message: apology[ctx.locale], unexpected: true };
    }
  }
}

function actorOf(ctx: CommandContext): Actor {
  return { userId: ctx.userId, guildId: ctx.guildId, isServerAdmin: ctx.isServerAdmin === true };
}
