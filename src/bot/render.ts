// Command results as Discord messages: embeds with Discord timestamps (<t:…:F> shows in each
// viewer's own local time), and a Cancel button on a fresh reservation.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  type InteractionEditReplyOptions,
  type MessageActionRowComponentBuilder,
} from 'discord.js';
import type { CommandContext, CommandResult } from '../app/commands.js';
import type { Locale } from '../i18n/locale.js';
import { nextYearNote, statusName, ui } from '../i18n/ui.js';
import type { Task } from '../tasks/task-service.js';
import { cancelButtonId } from './cancel-button.js';

const COLORS = { ok: 0x2e7d32, info: 0x1565c0, muted: 0x757575, error: 0xc62828 };

export type DiscordReply = Pick<InteractionEditReplyOptions, 'content' | 'embeds' | 'components'>;

export function renderForDiscord(result: CommandResult, ctx: CommandContext): DiscordReply {
  const { locale } = ctx;
  switch (result.kind) {
    case 'error':
      return { content: `❌ ${result.message}`, embeds: [], components: [] };
    case 'sent':
      return { content: '', embeds: [taskEmbed(result.task, locale, ui(locale, 'sentTitle'), COLORS.ok)], components: [] };
    case 'reserved':
      return {
        content: '',
        embeds: [taskEmbed(result.task, locale, ui(locale, 'reservedTitle'), COLORS.ok, nextYearLine(result, ctx))],
        components: [cancelRow(result.task, locale)],
      };
    case 'canceled':
      return { content: '', embeds: [taskEmbed(result.task, locale, ui(locale, 'canceledTitle'), COLORS.muted)], components: [] };
    case 'rescheduled':
      return {
        content: '',
        embeds: [taskEmbed(result.task, locale, ui(locale, 'rescheduledTitle'), COLORS.info, nextYearLine(result, ctx))],
        components: [cancelRow(result.task, locale)],
      };
    case 'list': {
      const embed = new EmbedBuilder().setColor(COLORS.info).setTitle(`${ui(locale, 'listTitle')} (${result.tasks.length})`);
      if (result.tasks.length === 0) embed.setDescription(ui(locale, 'listEmpty'));
      for (const task of result.tasks) {
        embed.addFields({
          name: clip(`${task.payload.template} → ${task.payload.recipients.join(', ')}`, 256),
          value: clip([timestamps(task), `\`${task.id}\``, task.description].filter(Boolean).join('\n'), 1024),
        });
      }
      return { content: '', embeds: [embed], components: [] };
    }
    case 'templates': {
      const embed = new EmbedBuilder().setColor(COLORS.info).setTitle(ui(locale, 'templatesTitle'));
      for (const t of result.templates) {
        embed.addFields({
          name: t.name,
          value: `${t.description[locale]}\n${ui(locale, 'variables')}: ${t.variables.map((v) => `\`${v}\``).join(', ')}\n${ui(locale, 'languages')}: ${t.languages.join(', ')}`,
        });
      }
      return { content: '', embeds: [embed], components: [] };
    }
    case 'timezone':
      return { content: `🕘 ${ui(locale, result.changed ? 'timeZoneSet' : 'timeZoneShow')} **${result.zone}**`, embeds: [], components: [] };
  }
}

function taskEmbed(task: Task, locale: Locale, title: string, color: number, whenNote?: string): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setColor(color)
    .setTitle(title)
    .addFields(
      { name: ui(locale, 'task'), value: `\`${task.id}\`` },
      { name: ui(locale, 'template'), value: task.payload.template, inline: true },
      { name: ui(locale, 'to'), value: clip(task.payload.recipients.join(', '), 1024), inline: true },
      { name: ui(locale, 'status'), value: statusName(locale, task.status), inline: true },
    );
  if (task.scheduled_at) embed.addFields({ name: ui(locale, 'when'), value: timestamps(task) + (whenNote ? `\n📅 ${whenNote}` : '') });
  if (task.description) embed.addFields({ name: ui(locale, 'description'), value: clip(task.description, 1024) });
  return embed;
}

/** "next year: 25 Nov 2027" when the time was a date without a year that has passed this year. */
function nextYearLine(result: { task: Task; nextYear?: boolean }, ctx: CommandContext): string | undefined {
  if (!result.nextYear || !result.task.scheduled_at) return undefined;
  return nextYearNote(ctx.locale, new Date(result.task.scheduled_at), ctx.timeZone);
}

function timestamps(task: Task): string {
  if (!task.scheduled_at) return '';
  const unix = Math.floor(new Date(task.scheduled_at).getTime() / 1000);
  return `<t:${unix}:F> (<t:${unix}:R>)`;
}

function cancelRow(task: Task, locale: Locale): ActionRowBuilder<MessageActionRowComponentBuilder> {
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(cancelButtonId(task.id, task.requester_id))
      .setStyle(ButtonStyle.Danger)
      .setLabel(ui(locale, 'cancelButton')),
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
