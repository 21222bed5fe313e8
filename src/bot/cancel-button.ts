// The Cancel button on a reservation confirmation. Everything it needs is in its custom id, so it
// keeps working after the bot restarts; the requester in the id answers "not yours" without a lookup,
// and the service checks ownership again against the row.
import { type ButtonInteraction, MessageFlags } from 'discord.js';
import type { CommandContext } from '../app/commands.js';
import { errorMessage } from '../i18n/messages.js';
import type { BotServices } from './command.js';
import { renderForDiscord } from './render.js';

const PREFIX = 'herald:cancel:';

export function cancelButtonId(taskId: string, requesterId: string): string {
  return `${PREFIX}${taskId}:${requesterId}`;
}

export function parseCancelButtonId(customId: string): { taskId: string; requesterId: string } | undefined {
  if (!customId.startsWith(PREFIX)) return undefined;
  const [taskId, requesterId] = customId.slice(PREFIX.length).split(':');
  return taskId && requesterId ? { taskId, requesterId } : undefined;
}

export async function handleCancelButton(
  interaction: ButtonInteraction,
  target: { taskId: string; requesterId: string },
  ctx: CommandContext,
  services: BotServices,
): Promise<void> {
  if (interaction.user.id !== target.requesterId) {
    await interaction.reply({ content: `❌ ${errorMessage(ctx.locale, 'NOT_YOUR_TASK_BUTTON', {})}`, flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.deferUpdate();
  const result = await services.commands.cancel(ctx, { task: target.taskId });
  if (result.kind === 'error') {
    await interaction.followUp({ content: `❌ ${result.message}`, flags: MessageFlags.Ephemeral });
    return;
  }
  // Replace the confirmation with the canceled task, without the button.
  await interaction.editReply(renderForDiscord(result, ctx));
}
