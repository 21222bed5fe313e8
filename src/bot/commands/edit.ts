import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { reservationChoices, templateChoices } from './autocomplete.js';
import { descriptionOption, taskOptionFor, varsOption } from './options.js';
import { DISCORD_OPTION_MAX_LENGTH, MAX_TEMPLATE_NAME_LENGTH } from '../../domain/limits.js';

export const data = new SlashCommandBuilder()
  .setName('edit')
  .setNameLocalizations({ ko: '예약수정' })
  .setDescription('Change a reservation not yet being sent, or the next runs of a repeating one')
  .setDescriptionLocalizations({ ko: '아직 발송 전인 예약, 또는 반복 예약의 다음 발송을 수정합니다' })
  .addStringOption(taskOptionFor({ en: 'One of your reservations or series', ko: '내 예약 또는 반복 예약' }))
  .addStringOption((o) =>
    o
      .setName('to')
      .setNameLocalizations({ ko: '받는사람' })
      .setDescription('New recipients: one address, or several separated by commas')
      .setDescriptionLocalizations({ ko: '새 받는 사람 (여러 개는 쉼표로 구분)' })
      .setMaxLength(DISCORD_OPTION_MAX_LENGTH.to),
  )
  .addStringOption((o) =>
    varsOption(o)
      .setDescription('Variables to change: name=Grace;event=Retro (name= removes one); the others stay')
      .setDescriptionLocalizations({ ko: '바꿀 변수: name=Grace;event=Retro (name= 은 삭제), 나머지는 그대로' }),
  )
  .addStringOption((o) =>
    o
      .setName('template')
      .setNameLocalizations({ ko: '템플릿' })
      .setDescription('Another template (its current version)')
      .setDescriptionLocalizations({ ko: '다른 템플릿 (현재 버전)' })
      .setMaxLength(MAX_TEMPLATE_NAME_LENGTH)
      .setAutocomplete(true),
  )
  .addStringOption((o) => descriptionOption(o, false));

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.edit(ctx, {
    task: interaction.options.getString('task', true),
    to: interaction.options.getString('to'),
    vars: interaction.options.getString('vars'),
    template: interaction.options.getString('template'),
    description: interaction.options.getString('description'),
  });

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) => {
  const focused = interaction.options.getFocused(true);
  if (focused.name === 'template') return templateChoices(focused.value, ctx, services);
  return reservationChoices(focused.value, ctx, services, 'edit');
};
