import { SlashCommandBuilder } from 'discord.js';
import { DEFAULT_HISTORY_LIMIT, HISTORY_PAGE_SIZE } from '../../domain/limits.js';
import type { BotCommand } from '../command.js';

export const data = new SlashCommandBuilder()
  .setName('history')
  .setNameLocalizations({ ko: '발송기록' })
  .setDescription('Your mails that were sent, failed or canceled here, newest first')
  .setDescriptionLocalizations({ ko: '여기서 보냈거나 실패했거나 취소한 내 메일을 최근 순서로 보여 줍니다' })
  .addIntegerOption((o) =>
    o
      .setName('limit')
      .setNameLocalizations({ ko: '개수' })
      .setDescription(`How many to show (1-${HISTORY_PAGE_SIZE}, default ${DEFAULT_HISTORY_LIMIT})`)
      .setDescriptionLocalizations({ ko: `보여 줄 개수 (1-${HISTORY_PAGE_SIZE}, 기본 ${DEFAULT_HISTORY_LIMIT})` })
      .setMinValue(1)
      .setMaxValue(HISTORY_PAGE_SIZE),
  );

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.history(ctx, { limit: interaction.options.getInteger('limit') ?? DEFAULT_HISTORY_LIMIT });
