// The confirmation of /cancel task:all (issue 11): "Cancel your N open reservations?" and a button.
// Nothing changes until it is clicked. Its custom id carries whose reservations and the moment
// they were counted, so the click cancels exactly those (a reservation made after the question
// stays) and keeps working after a restart; only the person asked can click it.
import type { ButtonInteraction } from 'discord.js';
import type { CommandContext } from '../app/commands.js';
import type { BotServices } from './command.js';
import { answerOwnButton } from './own-button.js';

export function cancelAllButtonId(ownerId: string, at: Date): string {
  return `herald:cancelall:${ownerId}:${at.getTime()}`;
}

export function parseCancelAllButtonId(customId: string): { ownerId: string; at: Date } | undefined {
  const match = /^herald:cancelall:(\d{1,25}|[\w-]{1,40}):(\d{1,15})$/.exec(customId);
  return match ? { ownerId: match[1]!, at: new Date(Number(match[2])) } : undefined;
}

export async function handleCancelAllButton(
  interaction: ButtonInteraction,
  target: { ownerId: string; at: Date },
  ctx: CommandContext,
  services: BotServices,
): Promise<void> {
  // The question becomes the answer, without its button.
  await answerOwnButton(interaction, target.ownerId, 'NOT_YOUR_CANCEL_ALL_BUTTON', ctx, () => services.commands.cancelAll(ctx, { at: target.at }));
}
