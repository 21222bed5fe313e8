import { SlashCommandBuilder } from 'discord.js';
import { DISCORD_MAX_CHOICES, DISCORD_OPTION_MAX_LENGTH } from '../../domain/limits.js';
import { listTimeZones } from '../../domain/time-zone.js';
import { type BotCommand, choice } from '../command.js';

export const data = new SlashCommandBuilder()
  .setName('timezone')
  .setNameLocalizations({ ko: '시간대' })
  .setDescription('Your time zone, used to read the times you give')
  .setDescriptionLocalizations({ ko: '입력한 시각을 해석할 내 시간대' })
  .addSubcommand((s) =>
    s
      .setName('set')
      .setNameLocalizations({ ko: '설정' })
      .setDescription('Set your time zone')
      .setDescriptionLocalizations({ ko: '내 시간대를 설정합니다' })
      .addStringOption((o) =>
        o
          .setName('zone')
          .setNameLocalizations({ ko: '시간대' })
          .setDescription('An IANA time zone such as Asia/Seoul or Europe/Berlin')
          .setDescriptionLocalizations({ ko: 'Asia/Seoul, Europe/Berlin 같은 IANA 시간대' })
          .setRequired(true)
          .setMaxLength(DISCORD_OPTION_MAX_LENGTH.zone)
          .setAutocomplete(true),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('show')
      .setNameLocalizations({ ko: '보기' })
      .setDescription('Show your time zone')
      .setDescriptionLocalizations({ ko: '내 시간대를 보여 줍니다' }),
  );

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  interaction.options.getSubcommand() === 'set'
    ? commands.setTimeZone(ctx, { zone: interaction.options.getString('zone', true) })
    : commands.showTimeZone(ctx);

export const autocomplete: BotCommand['autocomplete'] = async (interaction) => {
  const needle = interaction.options.getFocused().trim().toLowerCase().replace(/\s+/g, '_');
  return listTimeZones()
    .filter((zone) => zone.toLowerCase().includes(needle))
    .slice(0, DISCORD_MAX_CHOICES)
    .map((zone) => choice(zone, zone));
};
