// Server admin: the server's open tasks and its own templates, and the template editor with a
// preview that follows the typing (the script posts the draft; without script, a Preview button).
import { LOCALES, type Locale } from '../../i18n/locale.js';
import { wt } from '../../i18n/web.js';
import { ui } from '../../i18n/ui.js';
import { MAX_TEMPLATE_BODY_LENGTH, MAX_TEMPLATE_NAME_LENGTH, MAX_TEMPLATE_SUBJECT_LENGTH } from '../../domain/limits.js';
import type { ServerTemplateView, TemplatePreview } from '../../mail/server-template-service.js';
import type { TemplateSummary } from '../../mail/template-resolver.js';
import type { DashboardGuild } from '../discord-auth.js';
import { type Html, html } from '../html.js';
import { csrfField, page, type PageContext, time } from './layout.js';
import { languageName } from '../../i18n/ui.js';
import { type ListPage, serverTasksSection } from './tasks.js';

export function adminIndexPage(ctx: PageContext, guilds: DashboardGuild[]): Html {
  const { locale } = ctx;
  const admin = guilds.filter((g) => g.admin);
  const body = admin.length
    ? html`<ul class="servers">${admin.map((g) => html`<li><a class="button secondary" href="/servers/${g.id}">${g.name}</a></li>`)}</ul>`
    : html`<p class="empty">${wt(locale, 'adminNone')}</p>`;
  return page(ctx, wt(locale, 'adminTitle'), body);
}

export function serverAdminPage(ctx: PageContext, guild: DashboardGuild, tasks: ListPage, templates: TemplateSummary[]): Html {
  const { locale } = ctx;
  const own = templates.filter((t) => t.source === 'server');
  const base = `/servers/${guild.id}`;
  const templateList = html`<section aria-labelledby="templates">
  <h2 id="templates">${ui(locale, 'templatesTitle')}</h2>
  <p><a class="button" href="${base}/new-template">${wt(locale, 'newTemplate')}</a></p>
  ${own.length
    ? html`<ul class="templates">${own.map(
        (t) => html`<li class="template-row">
    <div>
      <strong>${t.name}</strong> <span class="muted">${ui(locale, 'version')} ${t.version ?? ''} · ${t.languages.map(languageName).join(', ')}</span>
      <p class="muted">${t.variables.join(', ')}</p>
      ${t.updatedAt ? html`<p class="muted">${wt(locale, 'updated')} ${time(ctx, t.updatedAt)} ${wt(locale, 'by')} <code>${t.updatedBy ?? ''}</code></p>` : ''}
    </div>
    <div class="row-actions">
      <a class="button secondary" href="${base}/templates/${t.name}">${wt(locale, 'edit')}</a>
      <details class="confirm">
        <summary class="button danger">${wt(locale, 'delete')}</summary>
        <form method="post" action="${base}/templates/${t.name}/delete">
          ${csrfField(ctx)}
          <p>${wt(locale, 'deleteConfirm')}</p>
          <button type="submit" class="danger">${wt(locale, 'deleteTemplate')}</button>
        </form>
      </details>
    </div>
  </li>`,
      )}</ul>`
    : html`<p class="empty">${wt(locale, 'templatesEmpty')}</p>`}
</section>`;
  return page(ctx, `${wt(locale, 'adminTitle')}: ${guild.name}`, html`${serverTasksSection(ctx, guild.id, tasks)}${templateList}`);
}

export interface TemplateEditorView {
  guild: DashboardGuild;
  /** Editing this template; absent for a new one. */
  existing?: ServerTemplateView;
  values: { name: string; language: Locale; subject: string; text: string; html: string };
  preview?: TemplatePreview;
  previewError?: string;
}

export function templateEditorPage(ctx: PageContext, view: TemplateEditorView): Html {
  const { locale } = ctx;
  const { values, existing } = view;
  const base = `/servers/${view.guild.id}/templates`;
  const action = existing ? `${base}/${existing.name}` : base;
  const title = existing ? `${ui(locale, 'editTemplateTitle')}: ${existing.name}` : ui(locale, 'newTemplateTitle');
  const languageLinks = existing
    ? html`<nav class="filters" aria-label="${wt(locale, 'mailLanguage')}"><ul>${LOCALES.map(
        (l) => html`<li><a href="${base}/${existing.name}?lang=${l}"${l === values.language ? html` aria-current="page"` : ''}>${languageName(l)}</a></li>`,
      )}</ul></nav>`
    : '';
  const form = html`<form class="card editor" method="post" action="${action}" data-template-editor data-preview-url="/servers/${view.guild.id}/template-preview">
  ${csrfField(ctx)}
  ${existing
    ? html`<input type="hidden" name="lang" value="${values.language}">`
    : html`<div class="field">
    <label for="name">${wt(locale, 'templateName')}</label>
    <input id="name" name="name" required pattern="[a-z][a-z0-9_\\-]*" maxlength="${MAX_TEMPLATE_NAME_LENGTH}" aria-describedby="name-hint" value="${values.name}" autocomplete="off">
    <p class="hint" id="name-hint">${wt(locale, 'templateNameHint')}</p>
  </div>
  <div class="field">
    <label for="lang">${wt(locale, 'mailLanguage')}</label>
    <select id="lang" name="lang">${LOCALES.map((l) => html`<option value="${l}"${l === values.language ? html` selected` : ''}>${languageName(l)}</option>`)}</select>
  </div>`}
  <p class="hint" id="syntax-hint">${wt(locale, 'templateSyntax')}</p>
  <div class="field">
    <label for="subject">${ui(locale, 'subject')}</label>
    <input id="subject" name="subject" required maxlength="${MAX_TEMPLATE_SUBJECT_LENGTH}" value="${values.subject}" aria-describedby="syntax-hint">
  </div>
  <div class="field">
    <label for="text">${ui(locale, 'textBody')}</label>
    <textarea id="text" name="text" required rows="8" maxlength="${MAX_TEMPLATE_BODY_LENGTH}">${values.text}</textarea>
  </div>
  <div class="field">
    <label for="html">${ui(locale, 'htmlBody')}</label>
    <textarea id="html" name="html" rows="6" maxlength="${MAX_TEMPLATE_BODY_LENGTH}">${values.html}</textarea>
  </div>
  <div class="buttons">
    <button type="submit" name="intent" value="save">${wt(locale, 'save')}</button>
    <button type="submit" name="intent" value="preview" class="secondary" data-preview-button>${ui(locale, 'preview')}</button>
  </div>
</form>`;
  const preview = html`<section class="card preview-panel" aria-labelledby="preview-title" data-template-preview>
  <h2 id="preview-title">${wt(locale, 'previewLive')}</h2>
  <div class="flash flash-error" role="alert" data-preview-error${view.previewError ? '' : html` hidden`}>${view.previewError ?? ''}</div>
  <dl class="facts">
    <div class="wide"><dt>${ui(locale, 'subject')}</dt><dd data-preview-subject>${view.preview?.mail.subject ?? ''}</dd></div>
    <div class="wide"><dt>${wt(locale, 'previewVariables')}</dt><dd data-preview-variables>${view.preview?.variables.join(', ') ?? ''}</dd></div>
  </dl>
  <pre class="mail-text" data-preview-text>${view.preview?.mail.text ?? ''}</pre>
  <iframe class="mail-html" title="${ui(locale, 'htmlBody')}" sandbox="" data-preview-html srcdoc="${view.preview?.mail.html ?? ''}"></iframe>
</section>`;
  const audit = existing
    ? html`<section aria-labelledby="changes"><h2 id="changes">${ui(locale, 'historyOfTemplate')}</h2><ol class="audit">${existing.history.map(
        (h) =>
          html`<li>${ui(locale, 'version')} ${h.version}: ${ui(locale, h.action === 'create' ? 'created' : h.action === 'edit' ? 'edited' : 'deleted')}${
            h.language ? ` (${h.language})` : ''
          } ${wt(locale, 'by')} <code>${h.actorId}</code>, ${time(ctx, h.at)}</li>`,
      )}</ol></section>`
    : '';
  return page(ctx, title, html`<p><a href="/servers/${view.guild.id}">← ${view.guild.name}</a></p>${languageLinks}<div class="editor-layout">${form}${preview}</div>${audit}`);
}
