import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { templateChoices } from './autocomplete.js';
import { descriptionOption, templateOption, toOption, varsOption } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('sendmail')
  .setNameLocalizations({ ko: '메일보내기' })
  .setDescription('Send a templated mail now')
  .setDescriptionLocalizations({ ko: '템플릿 메일을 지금 보냅니다' })
  .addStringOption(templateOption)
  .addStringOption(toOption)
  .addStringOption(varsOption)
  .addStringOption((o) => descriptionOption(o, false));

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.sendmail(ctx, {
    template: interaction.options.getString('template', true),
    to: interaction.options.getString('to', true),
    vars: interaction.options.getString('vars'),
    description: interaction.options.getString('description'),
  });

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) =>
  templateChoices(interaction.options.getFocused(), ctx, services);
