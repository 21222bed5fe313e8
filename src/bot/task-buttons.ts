// The buttons under a reservation (issue 11): the quick moves (+10 min, +1 hour, tomorrow at the
// same time) beside Cancel, and under /reserved a menu that picks one reservation to show with
// them. Everything a button needs is in its custom id (the move, the task, its requester), so the
// buttons keep working after the bot restarts; the requester in the id answers "not yours" at once,
// and the core checks the task's owner again against the row.
import {
  ActionRowBuilder,
  type ButtonInteraction,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  type MessageActionRowComponentBuilder,
  type StringSelectMenuInteraction,
  StringSelectMenuBuilder,
} from 'discord.js';
import type { CommandContext } from '../app/commands.js';
import { DISCORD_MAX_CHOICE_LENGTH } from '../domain/limits.js';
import { isQuickMove, QUICK_MOVES, type QuickMove } from '../domain/quick-move.js';
import { formatInZone } from '../domain/time-zone.js';
import type { Locale } from '../i18n/locale.js';
import { errorMessage } from '../i18n/messages.js';
import { QUICK_MOVE_LABELS, ui } from '../i18n/ui.js';
import type { Task } from '../tasks/task-view.js';
import { cancelButtonId } from './cancel-button.js';
import { type BotServices, clip } from './command.js';
import { answerOwnButton } from './own-button.js';
import { renderTaskCard } from './render.js';

const MOVE_PREFIX = 'herald:move:';
const PICK_PREFIX = 'herald:pick:';
const ID = '[0-9a-f-]{36}';

export function moveButtonId(move: QuickMove, taskId: string, requesterId: string): string {
  return `${MOVE_PREFIX}${move}:${taskId}:${requesterId}`;
}

export function parseMoveButtonId(customId: string): { move: QuickMove; taskId: string; requesterId: string } | undefined {
  const match = new RegExp(`^herald:move:([a-z0-9]+):(${ID}):(\\d{1,25}|[\\w-]{1,40})$`).exec(customId);
  if (!match || !isQuickMove(match[1]!)) return undefined;
  return { move: match[1], taskId: match[2]!, requesterId: match[3]! };
}

/**
 * The actions of an open reservation: its quick moves (not for a paused series: resume it first)
 * and Cancel, in one row.
 */
export function taskActionRow(task: Task, locale: Locale): ActionRowBuilder<MessageActionRowComponentBuilder> {
  const row = new ActionRowBuilder<MessageActionRowComponentBuilder>();
  if (task.series?.state !== 'paused') {
    row.addComponents(
      QUICK_MOVES.map((move) =>
        new ButtonBuilder()
          .setCustomId(moveButtonId(move, task.id, task.requesterId))
          .setStyle(ButtonStyle.Secondary)
          .setLabel(ui(locale, QUICK_MOVE_LABELS[move])),
      ),
    );
  }
  return row.addComponents(
    new ButtonBuilder().setCustomId(cancelButtonId(task.id, task.requesterId)).setStyle(ButtonStyle.Danger).setLabel(ui(locale, 'cancelButton')),
  );
}

export async function handleMoveButton(
  interaction: ButtonInteraction,
  target: { move: QuickMove; taskId: string; requesterId: string },
  ctx: CommandContext,
  services: BotServices,
): Promise<void> {
  await answerOwnButton(interaction, target.requesterId, 'NOT_YOUR_MOVE_BUTTON', ctx, () =>
    services.commands.quickMove(ctx, { task: target.taskId, move: target.move }),
  );
}

/** The menu under a page of /reserved: choosing a reservation shows it with its buttons. */
export function pickRow(tasks: readonly Task[], ctx: CommandContext): ActionRowBuilder<MessageActionRowComponentBuilder> {
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new StringSelectMenuBuilder()
      .setCustomId(`${PICK_PREFIX}${ctx.userId}`)
      .setPlaceholder(ui(ctx.locale, 'pickTask'))
      .addOptions(
        tasks.map((task) => ({
          label: clip(task.name, DISCORD_MAX_CHOICE_LENGTH),
          value: task.id,
          description: clip(
            [task.scheduledAt ? formatInZone(task.scheduledAt, ctx.timeZone, ctx.locale) : '', task.description].filter(Boolean).join(' · ') || task.id,
            DISCORD_MAX_CHOICE_LENGTH,
          ),
        })),
      ),
  );
}

export function parsePickMenuId(customId: string): { ownerId: string } | undefined {
  const match = /^herald:pick:(\d{1,25}|[\w-]{1,40})$/.exec(customId);
  return match ? { ownerId: match[1]! } : undefined;
}

export async function handlePickMenu(
  interaction: StringSelectMenuInteraction,
  target: { ownerId: string },
  ctx: CommandContext,
  services: BotServices,
): Promise<void> {
  if (interaction.user.id !== target.ownerId) {
    await interaction.reply({ content: `❌ ${errorMessage(ctx.locale, 'NOT_YOUR_LIST_BUTTON', {})}`, flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const taskId = interaction.values[0] ?? '';
  const found = (await services.commands.suggestReservations(ctx, taskId, 'edit')).find((t) => t.id === taskId);
  if (!found) {
    await interaction.editReply({ content: `❌ ${errorMessage(ctx.locale, 'TASK_NOT_FOUND', { taskId: taskId.slice(0, 40) })}` });
    return;
  }
  await interaction.editReply(renderTaskCard(found, ctx));
}
