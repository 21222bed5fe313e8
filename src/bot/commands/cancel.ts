import { SlashCommandBuilder } from 'discord.js';
import { DISCORD_MAX_CHOICES } from '../../domain/limits.js';
import { ui } from '../../i18n/ui.js';
import { type BotCommand, choice } from '../command.js';
import { reservationChoices } from './autocomplete.js';
import { taskOption } from './options.js';

/** `task:all` asks to cancel every one of the caller's open reservations here (after a confirmation). */
const ALL = 'all';

export const data = new SlashCommandBuilder()
  .setName('cancel')
  .setNameLocalizations({ ko: '예약취소' })
  .setDescription('Cancel one of your reservations, or task:all for all of them (admins: any open task here)')
  .setDescriptionLocalizations({ ko: '내 예약을 취소합니다. task:all 은 전부 (서버 관리자는 서버의 모든 열린 작업)' })
  .addStringOption(taskOption);

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) => {
  const task = interaction.options.getString('task', true);
  // Nothing is canceled yet: the answer asks, with a button.
  if (task.trim().toLowerCase() === ALL) return commands.cancelAllQuestion(ctx);
  return commands.cancel(ctx, { task });
};

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) => {
  const typed = interaction.options.getFocused();
  const all = ALL.startsWith(typed.trim().toLowerCase()) ? [choice(ui(ctx.locale, 'allOpenChoice'), ALL)] : [];
  return [...all, ...(await reservationChoices(typed, ctx, services, 'cancel'))].slice(0, DISCORD_MAX_CHOICES);
};
