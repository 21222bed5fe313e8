import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { reservationChoices } from './autocomplete.js';
import { taskOptionFor } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('resume')
  .setNameLocalizations({ ko: '재개' })
  .setDescription('Resume a paused series from its next run (the runs missed meanwhile are not sent)')
  .setDescriptionLocalizations({ ko: '일시 정지한 반복 예약을 다음 발송부터 다시 시작합니다 (그사이 건너뛴 발송은 보내지 않습니다)' })
  .addStringOption(taskOptionFor({ en: 'One of your paused series', ko: '일시 정지한 내 반복 예약' }));

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.resume(ctx, { task: interaction.options.getString('task', true) });

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) =>
  reservationChoices(interaction.options.getFocused(), ctx, services, 'resume');
