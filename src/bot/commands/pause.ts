import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { reservationChoices } from './autocomplete.js';
import { taskOptionFor } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('pause')
  .setNameLocalizations({ ko: '일시정지' })
  .setDescription('Pause one of your repeating reservations: its runs are skipped until you resume it')
  .setDescriptionLocalizations({ ko: '반복 예약을 일시 정지합니다: 다시 시작할 때까지 발송을 건너뜁니다' })
  .addStringOption(taskOptionFor({ en: 'One of your series', ko: '내 반복 예약' }));

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.pause(ctx, { task: interaction.options.getString('task', true) });

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) =>
  reservationChoices(interaction.options.getFocused(), ctx, services, 'pause');
