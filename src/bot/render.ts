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
import { DISCORD_MAX_FIELD_NAME_LENGTH, DISCORD_MAX_FIELD_VALUE_LENGTH } from '../domain/limits.js';
import type { Locale } from '../i18n/locale.js';
import { nextYearNote, statusName, TASK_RESULT_TITLES, ui } from '../i18n/ui.js';
import type { Task } from '../tasks/task-view.js';
import { cancelButtonId } from './cancel-button.js';
import { clip } from './command.js';

const COLORS = { ok: 0x2e7d32, info: 0x1565c0, muted: 0x757575, error: 0xc62828 };

/** How each result about one task looks, and whether its reply still offers the Cancel button. */
const TASK_RESULTS = {
  queued: { color: COLORS.ok, cancelButton: false },
  reserved: { color: COLORS.ok, cancelButton: true },
  canceled: { color: COLORS.muted, cancelButton: false },
  rescheduled: { color: COLORS.info, cancelButton: true },
} as const;

export type DiscordReply = Pick<InteractionEditReplyOptions, 'content' | 'embeds' | 'components'>;

export function renderForDiscord(result: CommandResult, ctx: CommandContext): DiscordReply {
  const { locale } = ctx;
  switch (result.kind) {
    case 'error':
      return { content: `❌ ${result.message}`, embeds: [], components: [] };
    case 'queued':
    case 'reserved':
    case 'canceled':
    case 'rescheduled': {
      const { color, cancelButton } = TASK_RESULTS[result.kind];
      return {
        content: '',
        embeds: [taskEmbed(result.task, locale, ui(locale, TASK_RESULT_TITLES[result.kind]), color, nextYearLine(result, ctx))],
        components: cancelButton ? [cancelRow(result.task, locale)] : [],
      };
    }
    case 'list': {
      const embed = new EmbedBuilder().setColor(COLORS.info).setTitle(`${ui(locale, 'listTitle')} (${result.tasks.length})`);
      if (result.tasks.length === 0) embed.setDescription(ui(locale, 'listEmpty'));
      for (const task of result.tasks) {
        embed.addFields({
          name: clip(task.name, DISCORD_MAX_FIELD_NAME_LENGTH),
          value: clip([timestamps(task), `\`${task.id}\``, task.description].filter(Boolean).join('\n'), DISCORD_MAX_FIELD_VALUE_LENGTH),
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
      { name: ui(locale, 'template'), value: task.template, inline: true },
      { name: ui(locale, 'to'), value: clip(task.recipients.join(', '), DISCORD_MAX_FIELD_VALUE_LENGTH), inline: true },
      { name: ui(locale, 'status'), value: statusName(locale, task.status), inline: true },
    );
  if (task.scheduledAt) embed.addFields({ name: ui(locale, 'when'), value: timestamps(task) + (whenNote ? `\n📅 ${whenNote}` : '') });
  if (task.description) embed.addFields({ name: ui(locale, 'description'), value: clip(task.description, DISCORD_MAX_FIELD_VALUE_LENGTH) });
  return embed;
}

/** "next year: 25 Nov 2027" when the time was a date without a year that has passed this year. */
function nextYearLine(result: { task: Task; nextYear?: boolean }, ctx: CommandContext): string | undefined {
  if (!result.nextYear || !result.task.scheduledAt) return undefined;
  return nextYearNote(ctx.locale, result.task.scheduledAt, ctx.timeZone);
}

function timestamps(task: Task): string {
  if (!task.scheduledAt) return '';
  const unix = Math.floor(task.scheduledAt.getTime() / 1000);
  return `<t:${unix}:F> (<t:${unix}:R>)`;
}

function cancelRow(task: Task, locale: Locale): ActionRowBuilder<MessageActionRowComponentBuilder> {
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(cancelButtonId(task.id, task.requesterId))
      .setStyle(ButtonStyle.Danger)
      .setLabel(ui(locale, 'cancelButton')),
  );
}
