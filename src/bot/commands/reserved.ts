import { SlashCommandBuilder } from 'discord.js';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../../domain/limits.js';
import type { ListScope } from '../../tasks/task-service.js';
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
      .setDescription(`How many to show per page (1-${MAX_LIST_LIMIT}, default ${DEFAULT_LIST_LIMIT})`)
      .setDescriptionLocalizations({ ko: `한 페이지에 보여 줄 개수 (1-${MAX_LIST_LIMIT}, 기본 ${DEFAULT_LIST_LIMIT})` })
      .setMinValue(1)
      .setMaxValue(MAX_LIST_LIMIT),
  )
  .addStringOption((o) =>
    o
      .setName('scope')
      .setNameLocalizations({ ko: '범위' })
      .setDescription('Yours (default), or every open task of this server (server admins)')
      .setDescriptionLocalizations({ ko: '내 예약(기본) 또는 이 서버의 모든 열린 작업(서버 관리자)' })
      .addChoices(
        { name: 'mine', name_localizations: { ko: '내 예약' }, value: 'mine' },
        { name: 'server', name_localizations: { ko: '서버 전체' }, value: 'server' },
      ),
  );

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.reserved(ctx, {
    limit: interaction.options.getInteger('limit'),
    scope: interaction.options.getString('scope') as ListScope | null,
  });
