// /preview: any template this server can use, rendered with the values given ("[name]" for the
// rest) into the private reply, its HTML part attached as preview.html. Nothing is stored or sent.
import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { templateChoices } from './autocomplete.js';
import { languageOption, templateOption, varsOption } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('preview')
  .setNameLocalizations({ ko: '미리보기' })
  .setDescription('See how a template renders, without storing or sending anything')
  .setDescriptionLocalizations({ ko: '템플릿이 어떻게 보일지 확인합니다. 아무것도 저장하거나 보내지 않습니다' })
  .addStringOption(templateOption)
  .addStringOption(varsOption)
  .addStringOption((o) => languageOption(o, false, { en: 'The language to render (default: yours)', ko: '미리 볼 언어 (기본: 내 언어)' }));

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) =>
  commands.templatePreview(ctx, {
    name: interaction.options.getString('template', true),
    values: interaction.options.getString('vars'),
    language: interaction.options.getString('language'),
  });

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) =>
  templateChoices(interaction.options.getFocused(), ctx, services);
