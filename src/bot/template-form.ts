// The form of /template create and /template edit (issue 12): language, subject, text body and an
// optional HTML body. Its custom id says what to do with which name, so a submit needs nothing the
// bot remembers; the core checks the draft (and that the caller is an admin) on submit.
import {
  type AttachmentPayload,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { CommandContext } from '../app/commands.js';
import {
  DISCORD_MODAL_TITLE_MAX_LENGTH,
  DISCORD_TEXT_INPUT_MAX_LENGTH,
  MAX_TEMPLATE_BODY_LENGTH,
  MAX_TEMPLATE_SUBJECT_LENGTH,
} from '../domain/limits.js';
import { LOCALES, type Locale } from '../i18n/locale.js';
import { languageName, ui } from '../i18n/ui.js';
import type { TemplateDraft } from '../mail/server-template-service.js';
import { type BotServices, clip } from './command.js';
import { renderForDiscord } from './render.js';

export interface TemplateFormTarget {
  action: 'create' | 'edit';
  name: string;
}

const PREFIX = 'herald:tpl:';
const ACTIONS = { c: 'create', e: 'edit' } as const;
const BODY_MAX_LENGTH = Math.min(DISCORD_TEXT_INPUT_MAX_LENGTH, MAX_TEMPLATE_BODY_LENGTH);

export function templateFormId(target: TemplateFormTarget): string {
  return `${PREFIX}${target.action === 'create' ? 'c' : 'e'}:${target.name}`;
}

export function parseTemplateFormId(customId: string): TemplateFormTarget | undefined {
  const match = /^herald:tpl:([ce]):(.+)$/.exec(customId);
  return match ? { action: ACTIONS[match[1] as 'c' | 'e'], name: match[2]! } : undefined;
}

/** The form, empty for a new template or filled in with the language being edited. */
export function templateModal(target: TemplateFormTarget, locale: Locale, draft?: TemplateDraft): ModalBuilder {
  const language = draft?.language ?? locale;
  const title = `${ui(locale, target.action === 'create' ? 'newTemplateTitle' : 'editTemplateTitle')}: ${target.name}`;
  const text = (id: string, style: TextInputStyle, max: number, required: boolean, value: string | null | undefined) => {
    const input = new TextInputBuilder().setCustomId(id).setStyle(style).setMaxLength(max).setRequired(required);
    return value ? input.setValue(value) : input;
  };
  return new ModalBuilder()
    .setCustomId(templateFormId(target))
    .setTitle(clip(title, DISCORD_MODAL_TITLE_MAX_LENGTH))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(ui(locale, 'language'))
        .setStringSelectMenuComponent(
          new StringSelectMenuBuilder()
            .setCustomId('language')
            .addOptions(LOCALES.map((l) => ({ label: `${languageName(l)} (${l})`, value: l, default: l === language }))),
        ),
      new LabelBuilder()
        .setLabel(ui(locale, 'subject'))
        .setDescription(ui(locale, 'subjectHint'))
        .setTextInputComponent(text('subject', TextInputStyle.Short, MAX_TEMPLATE_SUBJECT_LENGTH, true, draft?.subject)),
      new LabelBuilder()
        .setLabel(ui(locale, 'textBody'))
        .setDescription(ui(locale, 'textBodyHint'))
        .setTextInputComponent(text('text', TextInputStyle.Paragraph, BODY_MAX_LENGTH, true, draft?.text)),
      new LabelBuilder()
        .setLabel(ui(locale, 'htmlBody'))
        .setDescription(ui(locale, 'htmlBodyHint'))
        .setTextInputComponent(text('html', TextInputStyle.Paragraph, BODY_MAX_LENGTH, false, draft?.html)),
    );
}

/** The part of a stored language that does not fit into the form, if one does not. */
export function partTooLongForForm(draft: TemplateDraft): { part: 'text' | 'html'; length: number; max: number } | undefined {
  for (const part of ['text', 'html'] as const) {
    const length = draft[part]?.length ?? 0;
    if (length > BODY_MAX_LENGTH) return { part, length, max: BODY_MAX_LENGTH };
  }
  return undefined;
}

/** The submit: the core checks and stores the draft; the answer shows what it found and how it renders. */
export async function handleTemplateForm(
  interaction: ModalSubmitInteraction,
  target: TemplateFormTarget,
  ctx: CommandContext,
  services: BotServices,
): Promise<void> {
  const { fields } = interaction;
  // A select in the form this bot shows; any other submit is read as far as it goes, and the core refuses what is wrong.
  const language = fields.getField('language');
  const draft: TemplateDraft = {
    language: 'values' in language ? (language.values[0] ?? '') : 'value' in language && typeof language.value === 'string' ? language.value : '',
    subject: fields.getTextInputValue('subject'),
    text: fields.getTextInputValue('text'),
    html: fields.getTextInputValue('html'),
  };
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const options = { name: target.name, draft };
  const result = target.action === 'create' ? await services.commands.templateCreate(ctx, options) : await services.commands.templateEdit(ctx, options);
  if (result.kind !== 'error') {
    await interaction.editReply(renderForDiscord(result, ctx));
    return;
  }
  // A refused form is gone from the user's screen: give back what they wrote.
  await interaction.editReply({ content: `❌ ${result.message}\n${ui(ctx.locale, 'draftAttached')}`, embeds: [], components: [], files: draftFiles(draft) });
}

function draftFiles(draft: TemplateDraft): AttachmentPayload[] {
  const parts: [string, string | null | undefined][] = [
    ['draft-subject.txt', draft.subject],
    ['draft-text.txt', draft.text],
    ['draft-html.html', draft.html],
  ];
  return parts.filter(([, source]) => source && source.trim() !== '').map(([name, source]) => ({ attachment: Buffer.from(source!, 'utf8'), name }));
}
