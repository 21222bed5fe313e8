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
import type { CommandContext, CommandResult, HistoryResult } from '../app/commands.js';
import { describeCadence, describeSeries } from '../domain/repeat/index.js';
import {
  DISCORD_MAX_EMBED_LENGTH,
  DISCORD_MAX_FIELD_NAME_LENGTH,
  DISCORD_MAX_FIELD_VALUE_LENGTH,
} from '../domain/limits.js';
import type { Locale } from '../i18n/locale.js';
import { editChangeText, failureText, nextYearNote, pageRange, statusName, taskResultTitle, ui, uiCount } from '../i18n/ui.js';
import type { EditChange } from '../tasks/task-service.js';
import type { Task } from '../tasks/task-view.js';
import { cancelAllButtonId } from './cancel-all-button.js';
import { type BotResult, clip } from './command.js';
import { listButtonId } from './list-buttons.js';
import { pickRow, taskActionRow } from './task-buttons.js';
import { isTemplateResult, renderTemplateResult } from './template-render.js';

const COLORS = { ok: 0x2e7d32, info: 0x1565c0, muted: 0x757575, error: 0xc62828 };

/** How each result about one task looks, and whether its reply offers the task's buttons (while it is open). */
const TASK_RESULTS = {
  queued: { color: COLORS.ok, actions: false },
  reserved: { color: COLORS.ok, actions: true },
  canceled: { color: COLORS.muted, actions: false },
  rescheduled: { color: COLORS.info, actions: true },
  edited: { color: COLORS.info, actions: true },
  paused: { color: COLORS.muted, actions: true },
  resumed: { color: COLORS.ok, actions: true },
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
    case 'rescheduled':
    case 'edited':
    case 'paused':
    case 'resumed': {
      const { color, actions } = TASK_RESULTS[result.kind];
      const { task } = result;
      const embed = taskEmbed(task, locale, taskResultTitle(locale, result.kind, task), color, 'nextYear' in result ? nextYearLine(result, ctx) : undefined);
      if (result.kind === 'edited') embed.addFields({ name: ui(locale, 'changes'), value: clip(changeLines(result.changes, locale), DISCORD_MAX_FIELD_VALUE_LENGTH) });
      return { content: '', embeds: [embed], components: actions && task.status === 'reserved' ? [taskActionRow(task, locale)] : [] };
    }
    case 'cancel-all':
      if (result.count === 0) return { content: `ℹ️ ${ui(locale, 'cancelAllNone')}`, embeds: [], components: [] };
      return {
        content: `⚠️ ${uiCount(locale, 'cancelAllQuestion', result.count)}`,
        embeds: [],
        components: [
          new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
            new ButtonBuilder()
              .setCustomId(cancelAllButtonId(ctx.userId, result.at))
              .setStyle(ButtonStyle.Danger)
              .setLabel(ui(locale, 'cancelAllButton')),
          ),
        ],
      };
    case 'canceled-all':
      return { content: `✅ ${ui(locale, 'canceledAllTitle')}: ${uiCount(locale, 'canceledAllCount', result.count)}`, embeds: [], components: [] };
    case 'history':
      return historyPage(result, ctx);
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

/** One reservation shown on its own (picked from /reserved), with its buttons while it is open. */
export function renderTaskCard(task: Task, ctx: CommandContext): DiscordReply {
  const embed = taskEmbed(task, ctx.locale, clip(task.name, DISCORD_MAX_FIELD_NAME_LENGTH), COLORS.info);
  return { content: '', embeds: [embed], components: task.status === 'reserved' ? [taskActionRow(task, ctx.locale)] : [] };
}

/** A task's status in words; a paused series says so. */
function stateName(locale: Locale, task: Task): string {
  return task.series?.state === 'paused' ? ui(locale, 'pausedState') : statusName(locale, task.status);
}

function taskEmbed(task: Task, locale: Locale, title: string, color: number, whenNote?: string): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setColor(color)
    .setTitle(title)
    .addFields(
      { name: ui(locale, 'task'), value: `\`${task.id}\`` },
      { name: ui(locale, 'template'), value: task.template, inline: true },
      { name: ui(locale, 'to'), value: clip(task.recipients.join(', '), DISCORD_MAX_FIELD_VALUE_LENGTH), inline: true },
      { name: ui(locale, 'status'), value: stateName(locale, task), inline: true },
    );
  if (task.series) {
    // The cadence in the requester's words, and the next three runs in each viewer's own time.
    const { repeat, nextRuns, state } = task.series;
    embed.addFields({ name: ui(locale, 'repeats'), value: clip(describeSeries(repeat, locale), DISCORD_MAX_FIELD_VALUE_LENGTH) });
    if (state === 'active' || state === 'paused') {
      const runs = nextRuns.map((run) => discordTime(run)).join('\n') || ui(locale, 'noRunsLeft');
      embed.addFields({ name: ui(locale, 'nextRuns'), value: runs });
    }
  } else if (task.scheduledAt) {
    embed.addFields({ name: ui(locale, 'when'), value: timestamps(task) + (whenNote ? `\n📅 ${whenNote}` : '') });
  }
  if (task.seriesId) embed.addFields({ name: ui(locale, 'runOfSeries'), value: `\`${task.seriesId}\`` });
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
    const repeats = task.series
      ? `🔁 ${describeCadence(task.series.repeat, locale)}${task.series.state === 'paused' ? ` · ${ui(locale, 'pausedState')}` : ''}`
      : '';
    const when = timestamps(task) || (task.series ? ui(locale, 'noRunsLeft') : statusName(locale, task.status));
    const essentials = [when, repeats, `\`${task.id}\``, requester].filter(Boolean).join('\n');
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

  // One's own reservations can be picked to move or cancel (Discord has no room for buttons on each).
  const components = [...(scope === 'mine' && tasks.length > 0 ? [pickRow(tasks, ctx)] : []), ...(paged ? [pageRow(ctx, result)] : [])];
  return { content: '', embeds: [embed], components };
}

const HISTORY_MARKS = { finished: '✅', failed: '⚠️', canceled: '🚫' } as const;

/** /history: each finished, failed or canceled task with when, the attempts, why it failed, who canceled it. */
function historyPage(result: Extract<HistoryResult, { kind: 'history' }>, ctx: CommandContext): DiscordReply {
  const { locale } = ctx;
  const embed = new EmbedBuilder().setColor(COLORS.info).setTitle(ui(locale, 'historyTitle'));
  if (result.tasks.length === 0) embed.setDescription(ui(locale, 'historyEmpty'));
  const share = Math.floor((DISCORD_MAX_EMBED_LENGTH - 100) / Math.max(1, result.tasks.length));
  embed.addFields(
    result.tasks.map((task) => {
      const mark = HISTORY_MARKS[task.status as keyof typeof HISTORY_MARKS] ?? '•';
      const ended = task.finishedAt ? `${ui(locale, task.status === 'finished' ? 'sentAt' : 'endedAt')}: ${discordTime(task.finishedAt)}` : '';
      const lines = [
        `${statusName(locale, task.status)}${ended ? ` · ${ended}` : ''}`,
        task.series ? `🔁 ${describeCadence(task.series.repeat, locale)}` : `${ui(locale, 'attempts')}: ${task.attempts}`,
        task.status === 'failed' ? `${ui(locale, 'failure')}: ${failureText(locale, task)}` : '',
        task.status === 'canceled' && task.canceledBy ? `${ui(locale, 'canceledBy')}: <@${task.canceledBy}>` : '',
        `\`${task.id}\``,
      ].filter(Boolean);
      const name = clip(`${mark} ${task.name}`, Math.min(DISCORD_MAX_FIELD_NAME_LENGTH, Math.floor(share / 3)));
      return { name, value: clip(lines.join('\n'), Math.min(DISCORD_MAX_FIELD_VALUE_LENGTH, share - name.length)) };
    }),
  );
  return { content: '', embeds: [embed], components: [] };
}

/** "what: before → after", one line per change, values cut short. */
function changeLines(changes: readonly EditChange[], locale: Locale): string {
  return changes
    .map((change) => {
      const { what, variable, before, after } = editChangeText(locale, change);
      return `${variable ? `\`${what}\`` : `**${what}**`}: ${clip(before, 80)} → ${clip(after, 80)}`;
    })
    .join('\n');
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
  return task.scheduledAt ? discordTime(task.scheduledAt) : '';
}

/** A Discord timestamp: each viewer sees it in their own zone and language. */
function discordTime(instant: Date): string {
  const unix = Math.floor(instant.getTime() / 1000);
  return `<t:${unix}:F> (<t:${unix}:R>)`;
}
