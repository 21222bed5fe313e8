import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../command.js';
import { offerVarsForm } from '../vars-form.js';
import { repeatChoices, templateChoices, whenChoices } from './autocomplete.js';
import { descriptionOption, mailLanguageOption, repeatOption, templateOption, toOption, untilOption, varsOption, whenOption } from './options.js';

export const data = new SlashCommandBuilder()
  .setName('reserve')
  .setNameLocalizations({ ko: '예약' })
  .setDescription('Reserve a templated mail for later')
  .setDescriptionLocalizations({ ko: '템플릿 메일을 나중에 보내도록 예약합니다' })
  .addStringOption(templateOption)
  .addStringOption(toOption)
  .addStringOption(whenOption)
  // Required, as the service requires it; Discord wants required options before optional ones.
  .addStringOption((o) => descriptionOption(o, true))
  .addStringOption(varsOption)
  .addStringOption(mailLanguageOption)
  .addStringOption(repeatOption)
  .addStringOption(untilOption);

const optionsOf = (interaction: Parameters<BotCommand['execute']>[0]) => ({
  template: interaction.options.getString('template', true),
  to: interaction.options.getString('to', true),
  when: interaction.options.getString('when', true),
  vars: interaction.options.getString('vars'),
  description: interaction.options.getString('description', true),
  language: interaction.options.getString('language'),
  repeat: interaction.options.getString('repeat'),
  until: interaction.options.getString('until'),
});

/** Without vars, a template that needs variables asks for them in a form. */
export const respond: BotCommand['respond'] = (interaction, context, services) => offerVarsForm(interaction, context, services, 'reserve', optionsOf(interaction));

export const execute: BotCommand['execute'] = (interaction, ctx, { commands }) => commands.reserve(ctx, optionsOf(interaction));

export const autocomplete: BotCommand['autocomplete'] = async (interaction, ctx, services) => {
  const focused = interaction.options.getFocused(true);
  if (focused.name === 'when') return whenChoices(focused.value, ctx, services);
  if (focused.name === 'repeat' || focused.name === 'until') {
    // The cadence with its time of day and next run ("매주 월요일 09:00, 다음: …"), from all three options.
    const read = (name: string) => (name === focused.name ? focused.value : (interaction.options.getString(name) ?? ''));
    return repeatChoices({ repeat: read('repeat'), when: read('when'), until: read('until') }, focused.value, ctx, services);
  }
  return templateChoices(focused.value, ctx, services);
};
