// New mail: choose a server and a template (a GET form, so the page works without script), then
// fill in the template's fields, the recipients and when. The time is previewed as it is typed.
import type { Locale } from '../../i18n/locale.js';
import { wt } from '../../i18n/web.js';
import { languageName, ui } from '../../i18n/ui.js';
import type { TemplateSummary } from '../../mail/template-resolver.js';
import { DISCORD_OPTION_MAX_LENGTH, MAX_DESCRIPTION_LENGTH, MAX_RECIPIENTS_INPUT_LENGTH, MAX_VARIABLE_LENGTH } from '../../domain/limits.js';
import type { DashboardGuild } from '../discord-auth.js';
import { type Html, html } from '../html.js';
import { csrfField, page, type PageContext } from './layout.js';

/** The chosen template in the chosen language: what the form asks for. */
export interface TemplateFields {
  name: string;
  languages: Locale[];
  language: Locale;
  variables: string[];
  optional: string[];
}

export interface MailFormValues {
  to?: string;
  mode?: 'now' | 'later';
  when?: string;
  description?: string;
  vars?: Record<string, string>;
}

export interface NewMailView {
  guilds: DashboardGuild[];
  guildId?: string;
  templates: TemplateSummary[];
  fields?: TemplateFields;
  values?: MailFormValues;
}

/** Fields whose values are usually long get a text area. */
const LONG_FIELDS = /^(body|text|message|content|details)$/i;

export function newMailPage(ctx: PageContext, view: NewMailView): Html {
  const { locale } = ctx;
  const values = view.values ?? {};
  const builtin = view.templates.filter((t) => t.source === 'builtin');
  const own = view.templates.filter((t) => t.source === 'server');
  const option = (t: TemplateSummary) =>
    html`<option value="${t.name}"${view.fields?.name === t.name ? html` selected` : ''}>${t.name}${t.description ? ` — ${t.description[locale]}` : ''}</option>`;
  const choose = html`<form class="card" method="get" action="/mail/new" data-autosubmit>
  <h2>${wt(locale, 'stepChoose')}</h2>
  <div class="field">
    <label for="server">${wt(locale, 'server')}</label>
    <select id="server" name="server">${view.guilds.map(
      (g) => html`<option value="${g.id}"${g.id === view.guildId ? html` selected` : ''}>${g.name}</option>`,
    )}</select>
  </div>
  <div class="field">
    <label for="template">${wt(locale, 'template')}</label>
    <select id="template" name="template">
      ${view.fields ? '' : html`<option value="" selected>—</option>`}
      ${own.length ? html`<optgroup label="${wt(locale, 'serverTemplates')}">${own.map(option)}</optgroup>` : ''}
      <optgroup label="${wt(locale, 'builtinTemplates')}">${builtin.map(option)}</optgroup>
    </select>
  </div>
  ${view.fields && view.fields.languages.length > 1
    ? html`<div class="field">
    <label for="lang">${wt(locale, 'mailLanguage')}</label>
    <select id="lang" name="lang">${view.fields.languages.map(
      (l) => html`<option value="${l}"${l === view.fields!.language ? html` selected` : ''}>${languageName(l)}</option>`,
    )}</select>
  </div>`
    : ''}
  <button type="submit" class="secondary" data-autosubmit-button>${wt(locale, 'choose')}</button>
</form>`;
  return page(ctx, wt(locale, 'newMailTitle'), html`${choose}${view.fields ? mailForm(ctx, view.guildId!, view.fields, values) : ''}`);
}

function mailForm(ctx: PageContext, guildId: string, fields: TemplateFields, values: MailFormValues): Html {
  const { locale } = ctx;
  const later = (values.mode ?? 'later') === 'later';
  const variable = (name: string) => {
    const id = `var-${name}`;
    const optional = fields.optional.includes(name);
    const label = html`<label for="${id}">${name}${optional ? html` <span class="muted">(${wt(locale, 'optional')})</span>` : ''}</label>`;
    const value = values.vars?.[name] ?? '';
    const attrs = html`id="${id}" name="var.${name}" maxlength="${MAX_VARIABLE_LENGTH}"${optional ? '' : html` required`}`;
    return html`<div class="field">${label}${LONG_FIELDS.test(name) ? html`<textarea ${attrs} rows="4">${value}</textarea>` : html`<input ${attrs} value="${value}">`}</div>`;
  };
  return html`<form class="card" method="post" action="/mail">
  <h2>${wt(locale, 'stepWrite')}: ${fields.name}</h2>
  ${csrfField(ctx)}
  <input type="hidden" name="server" value="${guildId}">
  <input type="hidden" name="template" value="${fields.name}">
  <input type="hidden" name="lang" value="${fields.language}">
  <fieldset>
    <legend>${wt(locale, 'variablesLegend')}</legend>
    ${fields.variables.length ? fields.variables.map(variable) : html`<p class="muted">${wt(locale, 'noVariables')}</p>`}
  </fieldset>
  <div class="field">
    <label for="to">${wt(locale, 'recipients')}</label>
    <input id="to" name="to" inputmode="email" autocomplete="email" required maxlength="${MAX_RECIPIENTS_INPUT_LENGTH}" aria-describedby="to-hint" value="${values.to ?? ''}">
    <p class="hint" id="to-hint">${wt(locale, 'recipientsHint')}</p>
  </div>
  <fieldset>
    <legend>${wt(locale, 'sendWhen')}</legend>
    <div class="choices">
      <label><input type="radio" name="mode" value="later"${later ? html` checked` : ''}> ${wt(locale, 'sendLater')}</label>
      <label><input type="radio" name="mode" value="now"${later ? '' : html` checked`}> ${wt(locale, 'sendNow')}</label>
    </div>
    <div class="field" data-when-field>
      <label for="when">${wt(locale, 'whenLabel')}</label>
      <input id="when" name="when" autocomplete="off" maxlength="${DISCORD_OPTION_MAX_LENGTH.when}" aria-describedby="when-hint when-preview" value="${values.when ?? ''}" data-when-preview>
      <p class="hint" id="when-hint">${wt(locale, 'whenHint')}</p>
      <p class="preview" id="when-preview" aria-live="polite" data-waiting="${wt(locale, 'previewWaiting')}">${wt(locale, 'previewWaiting')}</p>
      <p class="zone-note" data-zone-note data-herald-zone="${ctx.timeZone}" data-label="${wt(locale, 'yourHeraldZone')}" data-saved="${wt(locale, 'zoneSaved')}">${wt(locale, 'yourHeraldZone')}: <strong>${ctx.timeZone}</strong>
        <button type="button" class="secondary" hidden data-use-browser-zone>${wt(locale, 'useBrowserZone')}</button></p>
    </div>
  </fieldset>
  <div class="field">
    <label for="description">${ui(locale, 'description')}</label>
    <input id="description" name="description" maxlength="${MAX_DESCRIPTION_LENGTH}" aria-describedby="description-hint" value="${values.description ?? ''}">
    <p class="hint" id="description-hint">${wt(locale, 'descriptionHint')}</p>
  </div>
  <button type="submit">${wt(locale, 'submitMail')}</button>
</form>`;
}


