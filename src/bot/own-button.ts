// What every button that carries its owner in its custom id does (Cancel, the quick moves, paging,
// "cancel all"): anyone else gets a private "not yours" and nothing runs; the owner's click
// acknowledges at once, runs one command, and turns the message into its answer (or adds the
// error beneath it, leaving the message as it was).
import { type ButtonInteraction, MessageFlags } from 'discord.js';
import type { CommandContext, CommandResult } from '../app/commands.js';
import { errorMessage } from '../i18n/messages.js';
import { renderForDiscord } from './render.js';

/** The "not yours" refusal of each kind of button. */
type NotYours = 'NOT_YOUR_LIST_BUTTON' | 'NOT_YOUR_TASK_BUTTON' | 'NOT_YOUR_MOVE_BUTTON' | 'NOT_YOUR_CANCEL_ALL_BUTTON';

export async function answerOwnButton(
  interaction: ButtonInteraction,
  ownerId: string,
  notYours: NotYours,
  ctx: CommandContext,
  run: () => Promise<CommandResult>,
): Promise<void> {
  if (interaction.user.id !== ownerId) {
    await interaction.reply({ content: `❌ ${errorMessage(ctx.locale, notYours, {})}`, flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.deferUpdate();
  const result = await run();
  if (result.kind === 'error') {
    await interaction.followUp({ content: `❌ ${result.message}`, flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.editReply(renderForDiscord(result, ctx));
}
