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
import {
  DISCORD_MAX_EMBED_LENGTH,
  DISCORD_MAX_FIELD_NAME_LENGTH,
  DISCORD_MAX_FIELD_VALUE_LENGTH,
} from '../domain/limits.js';
import type { Locale } from '../i18n/locale.js';
import { failureText, nextYearNote, pageRange, statusName, TASK_RESULT_TITLES, ui } from '../i18n/ui.js';
import type { Task } from '../tasks/task-view.js';
import { cancelButtonId } from './cancel-button.js';
import { type BotResult, clip } from './command.js';
import { listButtonId } from './list-buttons.js';
import { isTemplateResult, renderTemplateResult } from './template-render.js';

const COLORS = { ok: 0x2e7d32, info: 0x1565c0, muted: 0x757575, error: 0xc62828 };

/** How each result about one task looks, and whether its reply still offers the Cancel button. */
const TASK_RESULTS = {
  queued: { color: COLORS.ok, cancelButton: false },
  reserved: { color: COLORS.ok, cancelButton: true },
  canceled: { color: COLORS.muted, cancelButton: false },
  rescheduled: { color: COLORS.info, cancelButton: true },
} as const;

export type DiscordReply = Pick<InteractionEditReplyOptions, 'content' | 'embeds' | 'components' | 'files'>;

export function renderForDiscord(result: BotResult, ctx: CommandContext): DiscordReply {
  const { locale } = ctx;
  if (isTemplateResult(result)) return renderTemplateResult(result, ctx);
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
    case 'list':
      return listPage(result, ctx);
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
  if (task.status === 'canceled' && task.canceledBy) embed.addFields({ name: ui(locale, 'canceledBy'), value: `<@${task.canceledBy}>` });
  if (task.status === 'failed') embed.addFields({ name: ui(locale, 'failure'), value: failureText(locale, task) });
  return embed;
}

/**
 * One page of a listing, within Discord's limit for all of an embed's text: when a full page of
 * long names and descriptions would pass it, every task gets an equal share and its description
 * (last in the field) is cut; the time, the id and the requester always stay. Previous and Next
 * carry the page in their custom ids.
 */
function listPage(result: Extract<CommandResult, { kind: 'list' }>, ctx: CommandContext): DiscordReply {
  const { locale } = ctx;
  const { tasks, total, offset, limit, scope } = result;
  const title = `${ui(locale, scope === 'server' ? 'serverListTitle' : 'listTitle')} (${total})`;
  const embed = new EmbedBuilder().setColor(COLORS.info).setTitle(title);
  if (tasks.length === 0) embed.setDescription(ui(locale, scope === 'server' ? 'serverListEmpty' : 'listEmpty'));
  const paged = offset > 0 || offset + tasks.length < total;
  const footer = paged && tasks.length > 0 ? pageRange(locale, offset + 1, offset + tasks.length, total) : undefined;
  if (footer) embed.setFooter({ text: footer });

  const fields = tasks.map((task) => {
    const requester = scope === 'server' ? `${ui(locale, 'requester')}: <@${task.requesterId}>` : '';
    const essentials = [timestamps(task) || statusName(locale, task.status), `\`${task.id}\``, requester].filter(Boolean).join('\n');
    return { name: task.name, essentials, description: task.description };
  });
  const natural = (f: (typeof fields)[number]) => ({
    name: clip(f.name, DISCORD_MAX_FIELD_NAME_LENGTH),
    value: clip([f.essentials, f.description].filter(Boolean).join('\n'), DISCORD_MAX_FIELD_VALUE_LENGTH),
  });
  let rendered = fields.map(natural);
  const fixed = title.length + (footer?.length ?? 0);
  if (fixed + rendered.reduce((sum, f) => sum + f.name.length + f.value.length, 0) > DISCORD_MAX_EMBED_LENGTH) {
    const share = Math.floor((DISCORD_MAX_EMBED_LENGTH - fixed) / fields.length);
    rendered = fields.map((f) => {
      const name = clip(f.name, Math.min(DISCORD_MAX_FIELD_NAME_LENGTH, Math.floor(share / 3)));
      const room = share - name.length - f.essentials.length - 1;
      return { name, value: room > 1 && f.description ? `${f.essentials}\n${clip(f.description, room)}` : f.essentials };
    });
  }
  embed.addFields(rendered);

  const components = paged ? [pageRow(ctx, result)] : [];
  return { content: '', embeds: [embed], components };
}

function pageRow(ctx: CommandContext, page: Extract<CommandResult, { kind: 'list' }>): ActionRowBuilder<MessageActionRowComponentBuilder> {
  const { locale, userId } = ctx;
  const previous = Math.max(0, page.offset - page.limit);
  const next = page.offset + page.limit;
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(listButtonId({ scope: page.scope, ownerId: userId, offset: previous, limit: page.limit }))
      .setStyle(ButtonStyle.Secondary)
      .setLabel(`◀ ${ui(locale, 'previousPage')}`)
      .setDisabled(page.offset === 0),
    new ButtonBuilder()
      .setCustomId(listButtonId({ scope: page.scope, ownerId: userId, offset: next, limit: page.limit }))
      .setStyle(ButtonStyle.Secondary)
      .setLabel(`${ui(locale, 'nextPage')} ▶`)
      .setDisabled(page.offset + page.tasks.length >= page.total),
  );
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
