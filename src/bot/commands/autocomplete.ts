// Autocomplete answers several commands share.
import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { CommandContext, TaskPurpose } from '../../app/commands.js';
import { describeCadence } from '../../domain/repeat/index.js';
import { DISCORD_MAX_CHOICES } from '../../domain/limits.js';
import { formatInZone } from '../../domain/time-zone.js';
import type { TemplateSummary } from '../../mail/template-resolver.js';
import { nextYearNote, ui } from '../../i18n/ui.js';
import { type BotServices, choice } from '../command.js';

/** The templates this server can use (its own and the built-in ones) whose name contains what was typed. */
export async function templateChoices(
  typed: string,
  ctx: CommandContext,
  services: BotServices,
  which: (t: TemplateSummary) => boolean = () => true,
) {
  const result = await services.commands.templateList(ctx);
  if (result.kind !== 'template-list') return [];
  const needle = typed.trim().toLowerCase();
  return result.templates
    .filter((t) => which(t) && t.name.includes(needle))
    .slice(0, DISCORD_MAX_CHOICES)
    .map((t) => {
      const about = t.source === 'server' ? ui(ctx.locale, 'serverTemplate') : (t.description?.[ctx.locale] ?? '');
      return choice(`${t.name}: ${about} (${t.variables.join(', ')})`, t.name);
    });
}

/** A preview of what `when` means for this user, or why it cannot be read. */
export function whenChoices(typed: string, ctx: CommandContext, services: BotServices): ApplicationCommandOptionChoiceData<string>[] {
  if (typed.trim() === '') return [];
  const preview = services.commands.previewWhen(ctx, typed);
  if (preview.kind === 'error') return [choice(`⚠ ${preview.message}`, typed)];
  const note = preview.nextYear ? ` · ${nextYearNote(ctx.locale, preview.instant, ctx.timeZone)}` : '';
  const label = `${ui(ctx.locale, 'previewPrefix')}: ${formatInZone(preview.instant, ctx.timeZone, ctx.locale)}${note}`;
  return [choice(label, typed)];
}

/**
 * A preview of a repeating reservation while `repeat` or `until` is typed: the cadence, its time
 * of day and the next run ("매주 월요일 09:00, 다음: …"), or why it cannot be. `when` gives the time.
 */
export function repeatChoices(
  options: { repeat: string; when: string; until: string },
  typed: string,
  ctx: CommandContext,
  services: BotServices,
): ApplicationCommandOptionChoiceData<string>[] {
  if (typed.trim() === '' || options.repeat.trim() === '') return [];
  if (options.when.trim() === '') return [choice(`⚠ ${ui(ctx.locale, 'repeatNeedsWhen')}`, typed)];
  const preview = services.commands.previewSeries(ctx, options);
  if (preview.kind === 'error') return [choice(`⚠ ${preview.message}`, typed)];
  return [choice(`🔁 ${preview.text}`, typed)];
}

/** The tasks whose id starts with what was typed that the caller may act on for `purpose`. */
export async function reservationChoices(typed: string, ctx: CommandContext, services: BotServices, purpose: TaskPurpose = 'reschedule') {
  const tasks = await services.commands.suggestReservations(ctx, typed, purpose);
  return tasks.map((t) => {
    const when = t.scheduledAt ? formatInZone(t.scheduledAt, ctx.timeZone, ctx.locale) : '';
    const repeats = t.series ? ` · 🔁 ${describeCadence(t.series.repeat, ctx.locale)}` : '';
    return choice(`${when}${repeats} · ${t.name} · ${t.description}`, t.id);
  });
}
