// Server template results (issue 12) as Discord messages: the list, one template with its
// history, a saved draft or a preview rendered into the reply with its HTML part attached as
// preview.html. Every text stays within Discord's embed limits (src/domain/limits.ts).
import { type APIEmbedField, type AttachmentPayload, EmbedBuilder } from 'discord.js';
import type { CommandContext, TemplateResult } from '../app/commands.js';
import {
  DISCORD_MAX_EMBED_DESCRIPTION_LENGTH,
  DISCORD_MAX_EMBED_FIELDS,
  DISCORD_MAX_EMBED_LENGTH,
  DISCORD_MAX_FIELD_NAME_LENGTH,
  DISCORD_MAX_FIELD_VALUE_LENGTH,
  DISCORD_MAX_FOOTER_LENGTH,
} from '../domain/limits.js';
import type { Locale } from '../i18n/locale.js';
import { moreItems, ui, type UiKey, versionText } from '../i18n/ui.js';
import type { ServerTemplateView, TemplateAuditEntry } from '../mail/server-template-service.js';
import type { TemplateSummary } from '../mail/template-resolver.js';
import type { RenderedMail } from '../mail/templates.js';
import { clip } from './command.js';
import type { DiscordReply } from './render.js';

const COLORS = { ok: 0x2e7d32, info: 0x1565c0, muted: 0x757575 };
/** Discord allows at most 10 embeds in one message. */
const MAX_EMBEDS = 10;
/** Room kept in an embed for the title, the footer and the fields around a rendered body. */
const BODY_ROOM = 3_000;
const ACTIONS: Record<TemplateAuditEntry['action'], UiKey> = { create: 'created', edit: 'edited', delete: 'deleted' };

export type ShownTemplateResult = Exclude<TemplateResult, { kind: 'error' }>;

export function isTemplateResult(result: { kind: string }): result is ShownTemplateResult {
  return result.kind === 'template' || result.kind.startsWith('template-');
}

export function renderTemplateResult(result: ShownTemplateResult, ctx: CommandContext): DiscordReply {
  const { locale } = ctx;
  switch (result.kind) {
    case 'template-list':
      return { content: '', embeds: listEmbeds(result.templates, locale), components: [] };
    case 'template':
      return { content: '', embeds: [result.template.source === 'server' ? serverTemplateEmbed(result.template, locale) : builtinEmbed(result.template, locale)], components: [] };
    case 'template-saved': {
      const { template, preview } = result;
      const title = `${ui(locale, result.action === 'created' ? 'templateCreated' : 'templateEdited')}: ${template.name}`;
      const embed = mailEmbed(title, preview.mail, locale, COLORS.ok)
        .addFields(
          { name: ui(locale, 'version'), value: String(template.version), inline: true },
          { name: ui(locale, 'language'), value: preview.language, inline: true },
          { name: ui(locale, 'variables'), value: variablesText(locale, preview.variables, preview.optional) },
        )
        .setFooter({ text: footer([ui(locale, 'previewSampleValues'), htmlNote(locale, preview.mail)]) });
      return { content: '', embeds: [embed], components: [], ...htmlFile(preview.mail) };
    }
    case 'template-draft': {
      const { preview } = result;
      const embed = mailEmbed(ui(locale, 'preview'), preview.mail, locale, COLORS.info)
        .addFields({ name: ui(locale, 'variables'), value: variablesText(locale, preview.variables, preview.optional) })
        .setFooter({ text: footer([ui(locale, 'previewSampleValues'), htmlNote(locale, preview.mail)]) });
      return { content: '', embeds: [embed], components: [], ...htmlFile(preview.mail) };
    }
    case 'template-preview': {
      const { preview } = result;
      const placeholders = preview.variables.some((v) => preview.values[v] === `[${v}]`);
      const embed = mailEmbed(`${ui(locale, 'preview')}: ${preview.ref.name} (${preview.language})`, preview.mail, locale, COLORS.info)
        .addFields({ name: ui(locale, 'variables'), value: variablesText(locale, preview.variables, preview.optional) })
        .setFooter({ text: footer([ui(locale, 'previewNothingStored'), placeholders ? ui(locale, 'previewSampleValues') : '', htmlNote(locale, preview.mail)]) });
      return { content: '', embeds: [embed], components: [], ...htmlFile(preview.mail) };
    }
    case 'template-deleted':
      return {
        content: `🗑 ${ui(locale, 'templateDeleted')}: **${result.name}** (${versionText(locale, result.version)})\n${ui(locale, 'templateDeletedNote')}`,
        embeds: [],
        components: [],
      };
    case 'template-fields':
      return { content: `${result.name} (${result.language}): ${variablesText(locale, result.variables, result.optional)}`, embeds: [], components: [] };
    case 'template-name-free':
      return { content: `✔ ${result.name}`, embeds: [], components: [] };
  }
}

/** One field per template, in as many embeds as it takes, within Discord's limit for a message's embeds together. */
function listEmbeds(templates: TemplateSummary[], locale: Locale): EmbedBuilder[] {
  const title = `${ui(locale, 'templatesTitle')} (${templates.length})`;
  const fields: APIEmbedField[] = templates.map((t) => {
    const lines = [
      t.source === 'server' ? `${ui(locale, 'serverTemplate')} · ${versionText(locale, t.version)}` : `${ui(locale, 'builtinTemplate')} · ${t.description?.[locale] ?? ''}`,
      `${ui(locale, 'variables')}: ${variablesText(locale, t.variables, t.optional)}`,
      `${ui(locale, 'languages')}: ${t.languages.join(', ')}`,
    ];
    return { name: clip(t.name, DISCORD_MAX_FIELD_NAME_LENGTH), value: clip(lines.join('\n'), DISCORD_MAX_FIELD_VALUE_LENGTH) };
  });
  const reserve = title.length + 40; // the title and a "… and N more" footer
  const embeds: EmbedBuilder[] = [];
  let used = reserve;
  let shown = 0;
  for (const field of fields) {
    const size = field.name.length + field.value.length;
    const current = embeds.at(-1);
    const full = !current || (current.data.fields?.length ?? 0) >= DISCORD_MAX_EMBED_FIELDS;
    if (used + size > DISCORD_MAX_EMBED_LENGTH || (full && embeds.length >= MAX_EMBEDS)) break;
    (full ? embeds[embeds.push(new EmbedBuilder().setColor(COLORS.info)) - 1]! : current!).addFields(field);
    used += size;
    shown++;
  }
  if (embeds.length === 0) embeds.push(new EmbedBuilder().setColor(COLORS.info));
  embeds[0]!.setTitle(title);
  if (shown < fields.length) embeds.at(-1)!.setFooter({ text: moreItems(locale, fields.length - shown) });
  return embeds;
}

function serverTemplateEmbed(template: ServerTemplateView, locale: Locale): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setColor(COLORS.info)
    .setTitle(`${template.name} (${ui(locale, 'serverTemplate')}, ${versionText(locale, template.version)})`)
    .addFields(
      { name: ui(locale, 'createdTitle'), value: `${who(template.createdBy)} · ${timestamp(template.createdAt)}`, inline: true },
      { name: ui(locale, 'updatedTitle'), value: `${who(template.updatedBy)} · ${timestamp(template.updatedAt)}`, inline: true },
    );
  for (const language of template.languages) {
    const head = [
      `${ui(locale, 'subject')}: \`${language.subject.replace(/`/g, "'")}\``,
      `${ui(locale, 'variables')}: ${variablesText(locale, language.variables, language.optional)}`,
      language.html === null ? ui(locale, 'previewNoHtml') : `${ui(locale, 'htmlPart')}: ${language.html.length}`,
    ].join('\n');
    embed.addFields({
      name: `${ui(locale, 'language')}: ${language.language}`,
      value: clip(`${head}\n${codeBlock(language.text, DISCORD_MAX_FIELD_VALUE_LENGTH - head.length - 1)}`, DISCORD_MAX_FIELD_VALUE_LENGTH),
    });
  }
  embed.addFields({ name: ui(locale, 'historyOfTemplate'), value: historyText(template.history, locale) });
  return embed;
}

function builtinEmbed(template: Extract<ShownTemplateResult, { kind: 'template' }>['template'] & { source: 'builtin' }, locale: Locale): EmbedBuilder {
  return new EmbedBuilder()
    .setColor(COLORS.info)
    .setTitle(`${template.name} (${ui(locale, 'builtinTemplate')})`)
    .setDescription(template.description[locale])
    .addFields(
      { name: ui(locale, 'variables'), value: variablesText(locale, template.variables, []) },
      { name: ui(locale, 'languages'), value: template.languages.join(', ') },
    );
}

/** The newest changes that fit into one field, newest last, with how many earlier ones were left out. */
function historyText(history: TemplateAuditEntry[], locale: Locale): string {
  const lines = history.map(
    (h) => `v${h.version} · ${ui(locale, ACTIONS[h.action])}${h.language ? ` (${h.language})` : ''} · ${who(h.actorId)} · ${timestamp(h.at)}`,
  );
  const kept: string[] = [];
  let length = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const room = DISCORD_MAX_FIELD_VALUE_LENGTH - (i > 0 ? moreItems(locale, i + 1).length + 1 : 0);
    if (length + lines[i]!.length + 1 > room) {
      kept.unshift(moreItems(locale, i + 1));
      break;
    }
    kept.unshift(lines[i]!);
    length += lines[i]!.length + 1;
  }
  return kept.join('\n') || ui(locale, 'noVariables');
}

/** A rendered mail: the subject as a field, the text part as the description. */
function mailEmbed(title: string, mail: RenderedMail, locale: Locale, color: number): EmbedBuilder {
  return new EmbedBuilder()
    .setColor(color)
    .setTitle(clip(title, 256))
    .setDescription(codeBlock(mail.text, Math.min(DISCORD_MAX_EMBED_DESCRIPTION_LENGTH, BODY_ROOM)))
    .addFields({ name: ui(locale, 'renderedSubject'), value: clip(mail.subject || '-', DISCORD_MAX_FIELD_VALUE_LENGTH) });
}

function htmlFile(mail: RenderedMail): { files?: AttachmentPayload[] } {
  return mail.html === '' ? {} : { files: [{ attachment: Buffer.from(mail.html, 'utf8'), name: 'preview.html' }] };
}

function htmlNote(locale: Locale, mail: RenderedMail): string {
  return ui(locale, mail.html === '' ? 'previewNoHtml' : 'previewHtmlAttached');
}

function footer(parts: string[]): string {
  return clip(parts.filter(Boolean).join(' '), DISCORD_MAX_FOOTER_LENGTH);
}

function variablesText(locale: Locale, variables: readonly string[], optional: readonly string[]): string {
  if (variables.length === 0) return ui(locale, 'noVariables');
  const code = (names: readonly string[]) => names.map((v) => `\`${v}\``).join(', ');
  const required = variables.filter((v) => !optional.includes(v));
  if (optional.length === 0) return code(required);
  const parts = [required.length > 0 ? `${ui(locale, 'requiredVariables')}: ${code(required)}` : '', `${ui(locale, 'optionalVariables')}: ${code(optional)}`];
  return parts.filter(Boolean).join(' · ');
}

/** Text shown as it is: in a code block, which Discord does not read as markdown. */
function codeBlock(text: string, max: number): string {
  const body = clip(text.replace(/```/g, '`\u200b``'), Math.max(1, max - 8));
  return `\`\`\`\n${body || ' '}\n\`\`\``;
}

/** A Discord user as a mention; anyone else (the console) by name. */
function who(id: string): string {
  return /^\d{15,25}$/.test(id) ? `<@${id}>` : id;
}

function timestamp(at: Date): string {
  return `<t:${Math.floor(at.getTime() / 1000)}:f>`;
}
