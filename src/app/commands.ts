// Herald's commands, free of any front end: the Discord bot, the console and the tests all call these.
// Each returns a result to render; a user's mistake becomes a localized message, and an unexpected
// error is logged with its context and answered with a short apology.
import { HeraldError, isHeraldError } from '../domain/errors.js';
import { isValidTimeZone } from '../domain/time-zone.js';
import { type Locale, localeFromTag } from '../i18n/locale.js';
import { apology } from '../i18n/messages.js';
import type { Logger } from '../logger.js';
import type { TemplateInfo } from '../mail/templates.js';
import { timeCommand } from '../ops/metrics.js';
import type { Task, TaskService } from '../tasks/task-service.js';

/** Who is asking, and how to talk to them. */
export interface CommandContext {
  userId: string;
  guildId: string | null;
  locale: Locale;
  /** The user's IANA time zone. */
  timeZone: string;
}

export type CommandResult =
  | { kind: 'sent'; task: Task }
  | { kind: 'reserved'; task: Task }
  | { kind: 'list'; tasks: Task[] }
  | { kind: 'canceled'; task: Task }
  | { kind: 'rescheduled'; task: Task }
  | { kind: 'templates'; templates: TemplateInfo[] }
  | { kind: 'timezone'; zone: string; changed: boolean }
  | { kind: 'error'; message: string; unexpected: boolean };

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
      kind: 'sent',
      task: await this.service.enqueueTask({ ...this.mailRequest(ctx, options) }),
    }));
  }

  reserve(ctx: CommandContext, options: MailOptions & { when: string }): Promise<CommandResult> {
    return this.run(ctx, 'reserve', async () => ({
      kind: 'reserved',
      task: await this.service.reserveTask({ ...this.mailRequest(ctx, options), when: options.when, timeZone: ctx.timeZone }),
    }));
  }

  reserved(ctx: CommandContext, options: { limit?: number | null } = {}): Promise<CommandResult> {
    return this.run(ctx, 'reserved', async () => ({
      kind: 'list',
      tasks: await this.service.listReserved(ctx.userId, options.limit ?? 10),
    }));
  }

  cancel(ctx: CommandContext, options: { task: string }): Promise<CommandResult> {
    return this.run(ctx, 'cancel', async () => ({ kind: 'canceled', task: await this.service.cancelTask(ctx.userId, options.task) }));
  }

  reschedule(ctx: CommandContext, options: { task: string; when: string }): Promise<CommandResult> {
    return this.run(ctx, 'reschedule', async () => ({
      kind: 'rescheduled',
      task: await this.service.rescheduleTask(ctx.userId, options.task, options.when, ctx.timeZone),
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
  previewWhen(ctx: CommandContext, when: string): { ok: true; instant: Date } | { ok: false; message: string } {
    try {
      return { ok: true, instant: this.service.previewWhen(when, ctx.timeZone) };
    } catch (err) {
      if (isHeraldError(err)) return { ok: false, message: err.messageFor(ctx.locale) };
      this.logger.error({ err, userId: ctx.userId, when }, 'when preview failed');
      return { ok: false, message: apology[ctx.locale] };
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
