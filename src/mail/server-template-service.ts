// What a server admin can do with the server's own templates (issue 12), whatever the front end:
// check a draft, create, edit, delete, show with its history, and preview any template. Nothing
// here knows about Discord; who may call which method (DISCORD_ADMIN_PERMISSION for create, edit
// and delete) is the front end's rule. Names resolve through the TemplateResolver only.
import type { ServerTemplateContentRow, ServerTemplateAction } from '../db/schema.js';
import type { ServerTemplateRepository, StoredTemplate } from '../db/server-template-repository.js';
import { HeraldError } from '../domain/errors.js';
import { MAX_SERVER_TEMPLATES, MAX_TEMPLATE_NAME_LENGTH } from '../domain/limits.js';
import { LOCALES, type Locale, isLocale } from '../i18n/locale.js';
import type { Logger } from '../logger.js';
import type { TemplateRef, TemplateResolver } from './template-resolver.js';
import type { RenderedMail } from './templates.js';
import { compileUserTemplate, sampleValues, type UserTemplate } from './user-templates.js';

/** A template name: a lowercase letter, then lowercase letters, digits, "-" or "_". */
const TEMPLATE_NAME = new RegExp(`^[a-z][a-z0-9_-]{0,${MAX_TEMPLATE_NAME_LENGTH - 1}}$`);

/** One language of a template, as an admin writes it. */
export interface TemplateDraft {
  language: string;
  subject: string;
  text: string;
  /** Optional; blank means the mail has no HTML part. */
  html?: string | null;
}

/** What a checked draft or a template renders like with sample values ("[name]"). */
export interface TemplatePreview {
  language: Locale;
  variables: string[];
  optional: string[];
  mail: RenderedMail;
}

export interface TemplateAuditEntry {
  version: number;
  action: ServerTemplateAction;
  /** The language created or edited; null for a delete. */
  language: Locale | null;
  actorId: string;
  at: Date;
}

export interface ServerTemplateLanguage {
  language: Locale;
  subject: string;
  text: string;
  html: string | null;
  variables: string[];
  optional: string[];
}

/** A server template as `/template show` shows it. */
export interface ServerTemplateView {
  source: 'server';
  name: string;
  version: number;
  languages: ServerTemplateLanguage[];
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
  /** Every create, edit and delete of this name on this server, oldest first. */
  history: TemplateAuditEntry[];
}

export interface BuiltinTemplateView {
  source: 'builtin';
  name: string;
  description: Record<Locale, string>;
  languages: Locale[];
  variables: string[];
}

/** A rendered preview of a stored template; nothing is stored or sent. */
export interface RenderedPreview {
  ref: TemplateRef;
  language: Locale;
  variables: string[];
  optional: string[];
  /** The values used: the ones given, and "[name]" for the rest. */
  values: Record<string, string>;
  mail: RenderedMail;
}

export interface ServerTemplateServiceDeps {
  repository: ServerTemplateRepository;
  resolver: TemplateResolver;
  logger?: Logger;
}

export class ServerTemplateService {
  constructor(private readonly deps: ServerTemplateServiceDeps) {}

  /** Checks a draft and renders it with sample values. Stores nothing; throws the first problem. */
  check(draft: TemplateDraft): TemplatePreview {
    return checkDraft(draft).preview;
  }

  /**
   * Creates `name` on the server with the draft's language. Refuses an invalid name, a built-in
   * template's name, a name the server already uses, and any problem in the draft.
   */
  async create(guildId: string, actorId: string, name: string, draft: TemplateDraft): Promise<{ template: ServerTemplateView; preview: TemplatePreview }> {
    this.assertNewName(name);
    const checked = checkDraft(draft);
    const created = await this.deps.repository.create({
      guildId,
      name,
      actorId,
      content: contentOf(checked),
      maxPerServer: MAX_SERVER_TEMPLATES,
    });
    if (created.kind === 'taken') throw new HeraldError('TEMPLATE_NAME_TAKEN', { name });
    if (created.kind === 'full') throw new HeraldError('TEMPLATE_LIMIT_REACHED', { max: MAX_SERVER_TEMPLATES });
    this.deps.logger?.info({ guildId, template: name, version: created.stored.version, actorId }, 'server template created');
    return { template: await this.view(guildId, created.stored), preview: checked.preview };
  }

  /**
   * Refuses `name` for a new template of this server as create would (an invalid name, a built-in
   * template's, one the server already uses), before anyone writes the template: a Discord form
   * loses what was typed into it when its submit is refused.
   */
  async assertCreatable(guildId: string, name: string): Promise<void> {
    this.assertNewName(name);
    if (await this.deps.repository.findLive(guildId, name)) throw new HeraldError('TEMPLATE_NAME_TAKEN', { name });
  }

  /** The server's own template `name` as it stands, to edit; a built-in or unknown name is refused as edit refuses it. */
  async own(guildId: string, name: string): Promise<ServerTemplateView> {
    const stored = await this.deps.repository.findLive(guildId, name);
    if (!stored) throw await this.notOwn(guildId, name);
    return this.view(guildId, stored);
  }

  /** Writes the draft's language of the server's template `name` as a new version (adding the language if new). */
  async edit(guildId: string, actorId: string, name: string, draft: TemplateDraft): Promise<{ template: ServerTemplateView; preview: TemplatePreview }> {
    const checked = checkDraft(draft);
    const edited = await this.deps.repository.edit({ guildId, name, actorId, content: contentOf(checked) });
    if (edited.kind === 'missing') throw await this.notOwn(guildId, name);
    this.deps.logger?.info({ guildId, template: name, version: edited.result.version, actorId }, 'server template edited');
    return { template: await this.view(guildId, edited.result), preview: checked.preview };
  }

  /**
   * Deletes the server's template `name`. Tasks already made with it keep their version; new
   * requests cannot use it. Answers the version the delete was recorded as.
   */
  async delete(guildId: string, actorId: string, name: string): Promise<{ name: string; version: number }> {
    const deleted = await this.deps.repository.softDelete({ guildId, name, actorId });
    if (deleted.kind === 'missing') throw await this.notOwn(guildId, name);
    this.deps.logger?.info({ guildId, template: name, version: deleted.result.current_version, actorId }, 'server template deleted');
    return { name, version: deleted.result.current_version };
  }

  /** The server's template `name` with its sources and history, or a built-in template's summary. */
  async show(guildId: string | null, name: string): Promise<ServerTemplateView | BuiltinTemplateView> {
    const stored = guildId === null ? undefined : await this.deps.repository.findLive(guildId, name);
    if (stored) return this.view(guildId!, stored);
    const builtin = (await this.deps.resolver.list(null)).find((t) => t.name === name);
    if (!builtin) throw await this.deps.resolver.unknownTemplate(guildId, name);
    return { source: 'builtin', name, description: builtin.description!, languages: builtin.languages, variables: builtin.variables };
  }

  /**
   * Renders the current version of any template this server can use (its own or a built-in one)
   * with the given values, and "[name]" for the variables not given. Stores and sends nothing.
   */
  async preview(guildId: string | null, name: string, language: string, values: Record<string, string> = {}): Promise<RenderedPreview> {
    const resolved = await this.deps.resolver.resolve(guildId, name, language);
    const filled = { ...sampleValues(resolved.variables.filter((v) => !Object.hasOwn(values, v))), ...values };
    const mail = await this.deps.resolver.render(guildId, resolved.ref, resolved.language, filled);
    return { ref: resolved.ref, language: resolved.language, variables: resolved.variables, optional: resolved.optional, values: filled, mail };
  }

  private assertNewName(name: string): void {
    assertName(name);
    if (this.deps.resolver.isBuiltin(name)) throw new HeraldError('TEMPLATE_NAME_BUILTIN', { name });
  }

  /** Why `name` cannot be changed here: a built-in template, or none of this server's. */
  private async notOwn(guildId: string, name: string): Promise<HeraldError> {
    if (this.deps.resolver.isBuiltin(name)) return new HeraldError('TEMPLATE_BUILTIN_READONLY', { name });
    return this.deps.resolver.unknownTemplate(guildId, name);
  }

  private async view(guildId: string, stored: StoredTemplate): Promise<ServerTemplateView> {
    const { template } = stored;
    const history = await this.deps.repository.history(guildId, template.name);
    return {
      source: 'server',
      name: template.name,
      version: stored.version,
      languages: stored.contents.map(languageView),
      createdBy: template.created_by,
      createdAt: template.created_at,
      updatedBy: template.updated_by,
      updatedAt: template.updated_at,
      history: history.map((h) => ({ version: h.version, action: h.action, language: h.language, actorId: h.actor_id, at: h.created_at })),
    };
  }
}

interface CheckedDraft {
  language: Locale;
  template: UserTemplate;
  preview: TemplatePreview;
}

function checkDraft(draft: TemplateDraft): CheckedDraft {
  if (!isLocale(draft.language)) throw new HeraldError('UNKNOWN_LANGUAGE', { language: draft.language, available: LOCALES });
  const template = compileUserTemplate(draft);
  const preview: TemplatePreview = {
    language: draft.language,
    variables: [...template.variables],
    optional: [...template.optional],
    mail: template.render(sampleValues(template.variables)),
  };
  return { language: draft.language, template, preview };
}

function assertName(name: string): void {
  if (!TEMPLATE_NAME.test(name)) throw new HeraldError('TEMPLATE_NAME_INVALID', { name: name.slice(0, 40), max: MAX_TEMPLATE_NAME_LENGTH });
}

function contentOf({ language, template }: CheckedDraft) {
  return {
    language,
    subject: template.sources.subject,
    text_body: template.sources.text,
    html_body: template.sources.html,
    variables: [...template.variables],
    optional_variables: [...template.optional],
  };
}

function languageView(content: ServerTemplateContentRow): ServerTemplateLanguage {
  return {
    language: content.language,
    subject: content.subject,
    text: content.text_body,
    html: content.html_body,
    variables: content.variables,
    optional: content.optional_variables,
  };
}
