// The Cancel button on a reservation confirmation. Everything it needs is in its custom id, so it
// keeps working after the bot restarts; the requester in the id answers "not yours" without a lookup,
// and the service checks ownership again against the row.
import type { ButtonInteraction } from 'discord.js';
import type { CommandContext } from '../app/commands.js';
import type { BotServices } from './command.js';
import { answerOwnButton } from './own-button.js';

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
  // The confirmation becomes the canceled task, without the button.
  await answerOwnButton(interaction, target.requesterId, 'NOT_YOUR_TASK_BUTTON', ctx, () => services.commands.cancel(ctx, { task: target.taskId }));
}
