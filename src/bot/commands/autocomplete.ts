// Autocomplete answers several commands share.
import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { CommandContext } from '../../app/commands.js';
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

/** The tasks whose id starts with what was typed that the caller may reschedule, or cancel. */
export async function reservationChoices(typed: string, ctx: CommandContext, services: BotServices, purpose: 'cancel' | 'reschedule' = 'reschedule') {
  const tasks = await services.commands.suggestReservations(ctx, typed, purpose);
  return tasks.map((t) =>
    choice(`${t.scheduledAt ? formatInZone(t.scheduledAt, ctx.timeZone, ctx.locale) : ''} · ${t.name} · ${t.description}`, t.id),
  );
}
