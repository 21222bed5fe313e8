import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { reservationChoices } from './autocomplete.js';
import { taskOption } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('cancel')
  .setNameLocalizations({ ko: '예약취소' })
  .setDescription('Cancel one of your reservations (server admins: any open task of the server)')
  .setDescriptionLocalizations({ ko: '내 예약을 취소합니다 (서버 관리자는 서버의 모든 열린 작업)' })
  .addStringOption(taskOption);

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.cancel(ctx, { task: interaction.options.getString('task', true) });

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) =>
  reservationChoices(interaction.options.getFocused(), ctx, services, 'cancel');
