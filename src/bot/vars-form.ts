// The variables form of /sendmail and /reserve (issue 12): given no `vars` for a template that
// needs some, the command answers with a modal holding one field per variable, and its submit
// carries the command through to the usual confirmation. The rest of the command waits in
// PendingForms (see there for why in memory).
import {
  type ChatInputCommandInteraction,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { CommandContext, MailOptions } from '../app/commands.js';
import { DISCORD_LABEL_MAX_LENGTH, DISCORD_MODAL_MAX_COMPONENTS, DISCORD_MODAL_TITLE_MAX_LENGTH, MAX_VARIABLE_LENGTH } from '../domain/limits.js';
import { errorMessage } from '../i18n/messages.js';
import { ui } from '../i18n/ui.js';
import { type BotServices, clip } from './command.js';
import type { VarsForm } from './pending-forms.js';
import { renderForDiscord } from './render.js';

const PREFIX = 'herald:vars:';

export function parseVarsFormId(customId: string): string | undefined {
  return customId.startsWith(PREFIX) && customId.length > PREFIX.length ? customId.slice(PREFIX.length) : undefined;
}

/**
 * Opens the variables form when the command has no `vars` and its template needs variables; true
 * when it answered the interaction (with the form, or with "use vars" when there are more
 * variables than a form holds). False leaves the command to run as it is: with `vars`, for a
 * template without required variables, or when the template or the time cannot be used (the
 * command then says why, as it always does).
 */
export async function offerVarsForm(
  interaction: ChatInputCommandInteraction,
  context: () => Promise<CommandContext>,
  services: BotServices,
  command: VarsForm['command'],
  options: VarsForm['options'],
): Promise<boolean> {
  // Decided from the options alone, before the context's database read (see BotCommand.respond).
  if (typeof options.vars === 'string' && options.vars.trim() !== '') return false;
  const ctx = await context();
  // A time that cannot be read is said at once rather than after the form has been filled in.
  if (options.when !== undefined && services.commands.previewWhen(ctx, options.when).kind === 'error') return false;
  // So is a repeat (or until) that cannot be used.
  const repeat = options.repeat?.trim() ?? '';
  if (repeat !== '' && services.commands.previewSeries(ctx, { repeat, when: options.when ?? '', until: options.until }).kind === 'error') return false;
  if (repeat === '' && (options.until?.trim() ?? '') !== '') return false;
  const fields = await services.commands.templateFields(ctx, { template: options.template, language: options.language });
  if (fields.kind !== 'template-fields') return false;
  const { name, variables, optional } = fields;
  if (variables.every((v) => optional.includes(v))) return false;
  if (variables.length > DISCORD_MODAL_MAX_COMPONENTS) {
    const content = errorMessage(ctx.locale, 'VARS_FORM_TOO_MANY', { template: name, count: variables.length, max: DISCORD_MODAL_MAX_COMPONENTS, variables });
    await interaction.reply({ content: `❌ ${content}`, flags: MessageFlags.Ephemeral });
    return true;
  }
  const key = services.forms.put({ userId: ctx.userId, guildId: ctx.guildId }, { command, options, variables });
  const modal = new ModalBuilder()
    .setCustomId(`${PREFIX}${key}`)
    .setTitle(clip(`${ui(ctx.locale, 'varsFormTitle')}: ${name}`, DISCORD_MODAL_TITLE_MAX_LENGTH))
    .addLabelComponents(
      variables.map((variable) => {
        const isOptional = optional.includes(variable);
        const label = new LabelBuilder()
          .setLabel(clip(variable, DISCORD_LABEL_MAX_LENGTH))
          .setTextInputComponent(
            new TextInputBuilder()
              .setCustomId(variable)
              // Values may span lines (a notice's body).
              .setStyle(TextInputStyle.Paragraph)
              .setRequired(!isOptional)
              .setMaxLength(MAX_VARIABLE_LENGTH),
          );
        return isOptional ? label.setDescription(ui(ctx.locale, 'varsFormOptional')) : label;
      }),
    );
  await interaction.showModal(modal);
  return true;
}

/** The submit: the command carries on with the values from the form, and answers as it always does. */
export async function handleVarsForm(interaction: ModalSubmitInteraction, key: string, ctx: CommandContext, services: BotServices): Promise<void> {
  const taken = services.forms.take(key, { userId: ctx.userId, guildId: ctx.guildId });
  if (taken.kind !== 'ok') {
    const content = errorMessage(ctx.locale, taken.kind === 'expired' ? 'FORM_EXPIRED' : 'NOT_YOUR_FORM', {});
    await interaction.reply({ content: `❌ ${content}`, flags: MessageFlags.Ephemeral });
    return;
  }
  const { command, options, variables } = taken.form;
  // A blank optional field is left out, as a variable not given.
  const values = Object.fromEntries(
    variables.map((v) => [v, interaction.fields.getTextInputValue(v)] as const).filter(([, value]) => value.trim() !== ''),
  );
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const mail: MailOptions = { ...options, vars: values };
  const result =
    command === 'reserve'
      ? await services.commands.reserve(ctx, { ...mail, when: options.when ?? '', repeat: options.repeat, until: options.until })
      : await services.commands.sendmail(ctx, mail);
  await interaction.editReply(renderForDiscord(result, ctx));
}
