// Herald's commands, free of any front end: the Discord bot, the console and the tests all call these.
// Each returns a result to render; a user's mistake becomes a localized message, and an unexpected
// error is logged with its context and answered with a short apology.
import { HeraldError, isHeraldError } from '../domain/errors.js';
import { DEFAULT_LIST_LIMIT } from '../domain/limits.js';
import { isValidTimeZone } from '../domain/time-zone.js';
import { type Locale, localeFromTag } from '../i18n/locale.js';
import { apology } from '../i18n/messages.js';
import type { Logger } from '../logger.js';
import type { TemplateInfo } from '../mail/templates.js';
import { timeCommand } from '../ops/metrics.js';
import type { Actor, ListScope, TaskService } from '../tasks/task-service.js';
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
   * DISCORD_ADMIN_PERMISSION there). What an admin may do is decided here, not by the front end.
   */
  isServerAdmin?: boolean;
}

/** Which servers Herald answers in; without a list, every one (no Discord front end runs then). */
export interface ServerAccess {
  allowedGuildIds?: readonly string[];
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
  | { kind: 'error'; message: string; unexpected: boolean };

export type WhenPreview = { kind: 'preview'; instant: Date; nextYear: boolean } | { kind: 'error'; message: string };

export interface MailOptions {
  template: string;
  to: string;
  vars?: string | null;
  description?: string | null;
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
    private readonly access: ServerAccess = {},
  ) {}

  /**
   * Why Herald does not answer in this server at all, or undefined when it does. Front ends ask
   * before anything else (buttons and autocomplete too); every command checks it again.
   */
  refusal(where: { guildId: string | null; locale: Locale }): string | undefined {
    const allowed = this.access.allowedGuildIds;
    if (where.guildId === null || allowed === undefined || allowed.includes(where.guildId)) return undefined;
    return new HeraldError('SERVER_NOT_ALLOWED', {}).messageFor(where.locale);
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

  reserve(ctx: CommandContext, options: MailOptions & { when: string }): Promise<CommandResult> {
    return this.run(ctx, 'reserve', async () => ({
      kind: 'reserved',
      // The service reads `when` again at its own clock; this reading only says whether it moved to next year.
      nextYear: this.service.previewWhen(options.when, ctx.timeZone, ctx.locale).nextYear,
      task: await this.service.reserveTask({ ...this.mailRequest(ctx, options), when: options.when, timeZone: ctx.timeZone }),
    }));
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
   * For autocomplete: the tasks whose id starts with `prefix` that the caller may reschedule (their
   * own reservations in this server) or cancel (for an admin, every open task of the server).
   */
  async suggestReservations(ctx: CommandContext, prefix: string, purpose: 'cancel' | 'reschedule' = 'reschedule'): Promise<Task[]> {
    if (this.refusal(ctx)) return [];
    try {
      const actor = actorOf(ctx);
      return await (purpose === 'cancel' ? this.service.searchCancelable(actor, prefix) : this.service.searchReserved(actor, prefix));
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
      language: ctx.locale,
    };
  }

  private async run(ctx: CommandContext, command: string, body: () => Promise<CommandResult>): Promise<CommandResult> {
    const refused = this.refusal(ctx);
    if (refused) return { kind: 'error', message: refused, unexpected: false };
    try {
      return await timeCommand(command, body());
    } catch (err) {
      if (isHeraldError(err)) return { kind: 'error', message: err.messageFor(ctx.locale), unexpected: false };
      this.logger.error({ err, command, userId: ctx.userId, guildId: ctx.guildId }, 'command failed unexpectedly');
      return { kind: 'error', message: apology[ctx.locale], unexpected: true };
    }
  }
}

function actorOf(ctx: CommandContext): Actor {
  return { userId: ctx.userId, guildId: ctx.guildId, isServerAdmin: ctx.isServerAdmin === true };
}
