import { SlashCommandBuilder } from 'discord.js';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../../domain/limits.js';
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
      .setDescription(`How many to show (1-${MAX_LIST_LIMIT}, default ${DEFAULT_LIST_LIMIT})`)
      .setDescriptionLocalizations({ ko: `보여 줄 개수 (1-${MAX_LIST_LIMIT}, 기본 ${DEFAULT_LIST_LIMIT})` })
      .setMinValue(1)
      .setMaxValue(MAX_LIST_LIMIT),
  );

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.reserved(ctx, { limit: interaction.options.getInteger('limit') });
