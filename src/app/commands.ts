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
import type { TaskService } from '../tasks/task-service.js';
import type { Task } from '../tasks/task-view.js';

/** Who is asking, and how to talk to them. */
export interface CommandContext {
  userId: string;
  guildId: string | null;
  locale: Locale;
  /** The user's IANA time zone. */
  timeZone: string;
}

export type CommandResult =
  /** Accepted for sending now; the mail goes out as soon as a worker takes it. */
  | { kind: 'queued'; task: Task }
  /** nextYear: the time was a date without a year that has passed this year, so it is next year's. */
  | { kind: 'reserved'; task: Task; nextYear?: boolean }
  | { kind: 'list'; tasks: Task[] }
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
  ) {}

  /** The context for a user: their language from the front end, their saved time zone or the default. */
  async contextFor(user: { userId: string; guildId: string | null; locale?: string | null }): Promise<CommandContext> {
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

  reserved(ctx: CommandContext, options: { limit?: number | null } = {}): Promise<CommandResult> {
    return this.run(ctx, 'reserved', async () => ({
      kind: 'list',
      tasks: await this.service.listReserved(ctx.userId, options.limit ?? DEFAULT_LIST_LIMIT),
    }));
  }

  cancel(ctx: CommandContext, options: { task: string }): Promise<CommandResult> {
    return this.run(ctx, 'cancel', async () => ({ kind: 'canceled', task: await this.service.cancelTask(ctx.userId, options.task) }));
  }

  reschedule(ctx: CommandContext, options: { task: string; when: string }): Promise<CommandResult> {
    return this.run(ctx, 'reschedule', async () => ({
      kind: 'rescheduled',
      nextYear: this.service.previewWhen(options.when, ctx.timeZone, ctx.locale).nextYear,
      task: await this.service.rescheduleTask(ctx.userId, options.task, options.when, ctx.timeZone, ctx.locale),
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
    try {
      const { instant, nextYear } = this.service.previewWhen(when, ctx.timeZone, ctx.locale);
      return { kind: 'preview', instant, nextYear };
    } catch (err) {
      if (isHeraldError(err)) return { kind: 'error', message: err.messageFor(ctx.locale) };
      this.logger.error({ err, userId: ctx.userId, when }, 'when preview failed');
      return { kind: 'error', message: apology[ctx.locale] };
    }
  }

  /** For autocomplete: the caller's reservations whose id starts with `prefix`. */
  async suggestReservations(ctx: CommandContext, prefix: string): Promise<Task[]> {
    try {
      return await this.service.searchReserved(ctx.userId, prefix);
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
    try {
      return await timeCommand(command, body());
    } catch (err) {
      if (isHeraldError(err)) return { kind: 'error', message: err.messageFor(ctx.locale), unexpected: false };
      this.logger.error({ err, command, userId: ctx.userId, guildId: ctx.guildId }, 'command failed unexpectedly');
      return { kind: 'error', message: apology[ctx.locale], unexpected: true };
    }
  }
}
