// The one place where a template name becomes a template (issue 12): a server's own templates
// first, then the built-in file templates. Everything that validates a mail request or renders a
// task's mail goes through here, so the rule "a server's templates are visible to that server
// only" lives in this file alone.
import type { ServerTemplateContentRow, TaskPayload, TaskRow } from '../db/schema.js';
import type { ServerTemplateRepository } from '../db/server-template-repository.js';
import { HeraldError } from '../domain/errors.js';
import { type Locale, isLocale } from '../i18n/locale.js';
import { type RenderedMail, type TemplateRegistry, assertVariables } from './templates.js';
import { compileUserTemplate, type UserTemplate } from './user-templates.js';

/**
 * Which template renders a task's mail; a task stores it in its payload (`templateRef`). A server
 * template is named with the version the task was made with, so later edits and deletes do not
 * change the mail. The server is the task's own (`guild_id`), never part of the reference.
 */
export type TemplateRef = { source: 'builtin'; name: string } | { source: 'server'; name: string; version: number };

/** A template found for one server and language, ready to check variables against. */
export interface ResolvedTemplate {
  ref: TemplateRef;
  language: Locale;
  /** The languages this template (at this version) has. */
  languages: Locale[];
  /** Every variable it reads in `language`, sorted. */
  variables: string[];
  /** The ones that may be left out or blank; the rest are required. */
  optional: string[];
}

/** One line of `/templates` or `/template list`. */
export interface TemplateSummary {
  source: 'builtin' | 'server';
  name: string;
  languages: Locale[];
  /** Every variable, over all languages, sorted. */
  variables: string[];
  /** Variables optional in every language. */
  optional: string[];
  /** Built-in templates only. */
  description?: Record<Locale, string>;
  /** Server templates only: the current version and its last change. */
  version?: number;
  updatedAt?: Date;
  updatedBy?: string;
}

/** How many compiled server template versions to keep; versions never change, so never stale. */
const COMPILED_CACHE_SIZE = 500;

export class TemplateResolver {
  private readonly compiled = new Map<string, UserTemplate>();

  constructor(
    private readonly builtins: TemplateRegistry,
    private readonly store: ServerTemplateRepository,
  ) {}

  /** Whether `name` is a built-in template (server templates may not take such a name). */
  isBuiltin(name: string): boolean {
    return this.builtins.names().includes(name);
  }

  /** The built-in templates and the server's own, by name. A null server (a DM) sees built-ins only. */
  async list(guildId: string | null): Promise<TemplateSummary[]> {
    const builtins: TemplateSummary[] = this.builtins.list().map((t) => ({ source: 'builtin', ...t, optional: [] }));
    const own: TemplateSummary[] = (guildId === null ? [] : await this.store.listLive(guildId)).map(({ template, contents }) => ({
      source: 'server',
      name: template.name,
      languages: contents.map((c) => c.language),
      variables: [...new Set(contents.flatMap((c) => c.variables))].sort(),
      optional: contents[0]?.optional_variables.filter((v) => contents.every((c) => c.optional_variables.includes(v))) ?? [],
      version: template.current_version,
      updatedAt: template.updated_at,
      updatedBy: template.updated_by,
    }));
    // The server's own first: a built-in added later under the same name stays hidden from it.
    const ownNames = new Set(own.map((t) => t.name));
    return [...own, ...builtins.filter((t) => !ownNames.has(t.name))].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The current template called `name` for this server in `language`: the server's own, else the
   * built-in one. Throws UNKNOWN_TEMPLATE (the same for another server's template as for a name
   * that does not exist) or UNKNOWN_LANGUAGE.
   */
  async resolve(guildId: string | null, name: string, language: string): Promise<ResolvedTemplate> {
    const own = guildId === null ? undefined : await this.store.findLive(guildId, name);
    if (own) {
      const content = isLocale(language) ? own.contents.find((c) => c.language === language) : undefined;
      if (!content) throw new HeraldError('UNKNOWN_LANGUAGE', { language, available: own.contents.map((c) => c.language) });
      return serverResolved(name, own.version, content, own.contents.map((c) => c.language));
    }
    if (this.isBuiltin(name)) return this.builtinResolved(name, language);
    throw await this.unknownTemplate(guildId, name);
  }

  /**
   * Checks a mail request: resolves the template, checks the variables against it, and renders it
   * once so that values too long for the rendered limits are refused now rather than at send time.
   * The answer's `ref` is what the task stores.
   */
  async validate(guildId: string | null, name: string, language: string, variables: Record<string, string>): Promise<ResolvedTemplate> {
    const resolved = await this.resolve(guildId, name, language);
    await this.render(guildId, resolved.ref, resolved.language, variables);
    return resolved;
  }

  /**
   * Renders exactly the template `ref` names for this server, in `language`, even if a server
   * template has been edited or deleted since. A ref to a server template of another server is
   * refused exactly like one to a template that does not exist.
   */
  async render(guildId: string | null, ref: TemplateRef, language: string, variables: Record<string, string>): Promise<RenderedMail> {
    if (ref.source === 'builtin') {
      if (!this.isBuiltin(ref.name)) throw await this.unknownTemplate(guildId, ref.name);
      return this.builtins.render(ref.name, language, variables);
    }
    const contents = guildId === null ? [] : await this.store.findVersion(guildId, ref.name, ref.version);
    if (contents.length === 0) throw await this.unknownTemplate(guildId, ref.name);
    const content = contents.find((c) => c.language === language);
    if (!content) throw new HeraldError('UNKNOWN_LANGUAGE', { language, available: contents.map((c) => c.language) });
    const template = this.compile(content);
    assertVariables(ref.name, template.variables, variables, template.optional);
    return template.render(variables);
  }

  /** A task's mail, from the reference it stored (tasks from before references name a built-in). */
  async renderTask(task: Pick<TaskRow, 'guild_id' | 'payload'>): Promise<RenderedMail> {
    const { payload } = task;
    return this.render(task.guild_id, templateRefOf(payload), payload.language, payload.variables);
  }

  private builtinResolved(name: string, language: string): ResolvedTemplate {
    const info = this.builtins.list().find((t) => t.name === name)!;
    if (!isLocale(language) || !info.languages.includes(language)) {
      throw new HeraldError('UNKNOWN_LANGUAGE', { language, available: info.languages });
    }
    return { ref: { source: 'builtin', name }, language, languages: info.languages, variables: info.variables, optional: [] };
  }

  /**
   * The error for a name this server cannot see, listing the names it can: the same whether the
   * name exists on another server or nowhere.
   */
  async unknownTemplate(guildId: string | null, name: string): Promise<HeraldError> {
    const known = (await this.list(guildId)).map((t) => t.name);
    return new HeraldError('UNKNOWN_TEMPLATE', { template: name, known });
  }

  private compile(content: ServerTemplateContentRow): UserTemplate {
    const key = `${content.template_id}/${content.version}/${content.language}`;
    let template = this.compiled.get(key);
    if (!template) {
      template = compileUserTemplate({ subject: content.subject, text: content.text_body, html: content.html_body });
      if (this.compiled.size >= COMPILED_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(key, template);
    }
    return template;
  }
}

/** The reference a task's payload stands for. */
export function templateRefOf(payload: Pick<TaskPayload, 'template' | 'templateRef'>): TemplateRef {
  return payload.templateRef ?? { source: 'builtin', name: payload.template };
}

function serverResolved(name: string, version: number, content: ServerTemplateContentRow, languages: Locale[]): ResolvedTemplate {
  return {
    ref: { source: 'server', name, version },
    language: content.language,
    languages,
    variables: content.variables,
    optional: content.optional_variables,
  };
}
