import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { offerVarsForm } from '../vars-form.js';
import { templateChoices } from './autocomplete.js';
import { descriptionOption, mailLanguageOption, templateOption, toOption, varsOption } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('sendmail')
  .setNameLocalizations({ ko: '메일보내기' })
  .setDescription('Send a templated mail now')
  .setDescriptionLocalizations({ ko: '템플릿 메일을 지금 보냅니다' })
  .addStringOption(templateOption)
  .addStringOption(toOption)
  .addStringOption(varsOption)
  .addStringOption((o) => descriptionOption(o, false))
  .addStringOption(mailLanguageOption);

const optionsOf = (interaction: Parameters<BotCommand['execute']>[0]) => ({
  template: interaction.options.getString('template', true),
  to: interaction.options.getString('to', true),
  vars: interaction.options.getString('vars'),
  description: interaction.options.getString('description'),
  language: interaction.options.getString('language'),
});

/** Without vars, a template that needs variables asks for them in a form. */
export const respond: BotCommand['respond'] = (interaction, context, services) => offerVarsForm(interaction, context, services, 'sendmail', optionsOf(interaction));

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) => commands.sendmail(ctx, optionsOf(interaction));

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) =>
  templateChoices(interaction.options.getFocused(), ctx, services);
