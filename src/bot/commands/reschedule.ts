import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { reservationChoices, whenChoices } from './autocomplete.js';
import { taskOption, whenOption } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('reschedule')
  .setNameLocalizations({ ko: '예약변경' })
  .setDescription('Move one of your reservations to another time')
  .setDescriptionLocalizations({ ko: '내 예약의 발송 시각을 바꿉니다' })
  .addStringOption(taskOption)
  .addStringOption(whenOption);

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.reschedule(ctx, {
    task: interaction.options.getString('task', true),
    when: interaction.options.getString('when', true),
  });

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) => {
  const focused = interaction.options.getFocused(true);
  if (focused.name === 'when') return whenChoices(focused.value, ctx, services);
  return reservationChoices(focused.value, ctx, services);
};
