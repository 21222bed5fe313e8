// Server template results (issue 12) as plain text for the console: the list, one template with
// its history, and rendered previews with all three parts.
import type { CommandContext, TemplateResult } from '../app/commands.js';
import { formatInZone } from '../domain/time-zone.js';
import type { Locale } from '../i18n/locale.js';
import { ui, type UiKey, versionText } from '../i18n/ui.js';
import type { TemplateAuditEntry } from '../mail/server-template-service.js';
import type { RenderedMail } from '../mail/templates.js';

const ACTIONS: Record<TemplateAuditEntry['action'], UiKey> = { create: 'created', edit: 'edited', delete: 'deleted' };

export function renderTemplatePlain(result: TemplateResult, ctx: CommandContext): string {
  const { locale } = ctx;
  const when = (at: Date) => formatInZone(at, ctx.timeZone, locale);
  switch (result.kind) {
    case 'error':
      return `✖ ${result.message}`;
    case 'template-list':
      return result.templates
        .map((t) => {
          const about = t.source === 'server' ? `${ui(locale, 'serverTemplate')}, ${versionText(locale, t.version)}` : `${ui(locale, 'builtinTemplate')}: ${t.description?.[locale] ?? ''}`;
          return `• ${t.name} (${about})\n  ${ui(locale, 'variables')}: ${variables(locale, t.variables, t.optional)}  ${ui(locale, 'languages')}: ${t.languages.join(', ')}`;
        })
        .join('\n');
    case 'template': {
      const { template } = result;
      if (template.source === 'builtin') {
        return [
          `${template.name} (${ui(locale, 'builtinTemplate')}): ${template.description[locale]}`,
          `  ${ui(locale, 'variables')}: ${variables(locale, template.variables, [])}`,
          `  ${ui(locale, 'languages')}: ${template.languages.join(', ')}`,
        ].join('\n');
      }
      const lines = [
        `${template.name} (${ui(locale, 'serverTemplate')}, ${versionText(locale, template.version)})`,
        `  ${ui(locale, 'createdTitle')}: ${template.createdBy}, ${when(template.createdAt)}`,
        `  ${ui(locale, 'updatedTitle')}: ${template.updatedBy}, ${when(template.updatedAt)}`,
      ];
      for (const l of template.languages) {
        lines.push(
          `  [${l.language}] ${ui(locale, 'subject')}: ${l.subject}`,
          `       ${ui(locale, 'variables')}: ${variables(locale, l.variables, l.optional)}`,
          `       ${ui(locale, 'textBody')}: ${l.text.length}  ${ui(locale, 'htmlPart')}: ${l.html === null ? '-' : l.html.length}`,
        );
      }
      lines.push(`  ${ui(locale, 'historyOfTemplate')}:`);
      for (const h of template.history) {
        lines.push(`    v${h.version} ${ui(locale, ACTIONS[h.action])}${h.language ? ` (${h.language})` : ''} · ${h.actorId} · ${when(h.at)}`);
      }
      return lines.join('\n');
    }
    case 'template-saved': {
      const { template, preview } = result;
      return [
        `✔ ${ui(locale, result.action === 'created' ? 'templateCreated' : 'templateEdited')}: ${template.name} (${versionText(locale, template.version)}, ${preview.language})`,
        `  ${ui(locale, 'variables')}: ${variables(locale, preview.variables, preview.optional)}`,
        mailText(preview.mail, locale),
        `(${ui(locale, 'previewSampleValues')})`,
      ].join('\n');
    }
    case 'template-draft':
      return `${mailText(result.preview.mail, locale)}\n(${ui(locale, 'previewSampleValues')})`;
    case 'template-preview': {
      const { preview } = result;
      return [
        `${ui(locale, 'preview')}: ${preview.ref.name} (${preview.language})`,
        `  ${ui(locale, 'variables')}: ${variables(locale, preview.variables, preview.optional)}`,
        mailText(preview.mail, locale),
        `(${ui(locale, 'previewNothingStored')})`,
      ].join('\n');
    }
    case 'template-deleted':
      return `✔ ${ui(locale, 'templateDeleted')}: ${result.name} (${versionText(locale, result.version)})\n  ${ui(locale, 'templateDeletedNote')}`;
    case 'template-fields':
      return `${result.name} (${result.language}): ${variables(locale, result.variables, result.optional)}`;
    case 'template-name-free':
      return `✔ ${result.name}`;
  }
}

function mailText(mail: RenderedMail, locale: Locale): string {
  const indent = (text: string) => text.replace(/^/gm, '  │ ');
  const lines = [`  ${ui(locale, 'renderedSubject')}: ${mail.subject}`, `  ${ui(locale, 'renderedText')}:`, indent(mail.text)];
  if (mail.html === '') lines.push(`  ${ui(locale, 'previewNoHtml')}`);
  else lines.push(`  ${ui(locale, 'htmlPart')}:`, indent(mail.html));
  return lines.join('\n');
}

function variables(locale: Locale, names: readonly string[], optional: readonly string[]): string {
  if (names.length === 0) return ui(locale, 'noVariables');
  return names.map((v) => (optional.includes(v) ? `${v} (${ui(locale, 'optionalVariables')})` : v)).join(', ');
}
