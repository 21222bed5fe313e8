import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';

export const data = new SlashCommandBuilder()
  .setName('reserved')
  .setNameLocalizations({ ko: '예약목록' })
  .setDescription('Your reservations, soonest first')
  .setDescriptionLocalizations({ ko: '내 예약을 가까운 순서로 보여 줍니다' })
  .addIntegerOption((o) =>
    o
      .setName('limit')
      .setNameLocalizations({ ko: '개수' })
      .setDescription('How many to show (1-25, default 10)')
      .setDescriptionLocalizations({ ko: '보여 줄 개수 (1-25, 기본 10)' })
      .setMinValue(1)
      .setMaxValue(25),
  );

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.reserved(ctx, { limit: interaction.options.getInteger('limit') });
