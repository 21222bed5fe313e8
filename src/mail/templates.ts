// Mail templates: templates/<name>/<language>/{subject,text,html}.hbs, rendered by Handlebars.
// HTML parts escape every value; subject and text parts are plain text and are not HTML-escaped.
// The variables a template needs are read from the templates themselves, so they cannot drift.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { HeraldError } from '../domain/errors.js';
import { MAX_VARIABLE_LENGTH, MAX_VARIABLE_NAME_LENGTH, MAX_VARIABLES } from '../domain/limits.js';
import { type Locale, isLocale } from '../i18n/locale.js';
import { PROJECT_ROOT } from '../project-root.js';

export const DEFAULT_TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
const PARTS = ['subject', 'text', 'html'] as const;
type Part = (typeof PARTS)[number];

// No leading "__": names like __proto__ are not plain data keys. Server templates use the same rule.
export const VARIABLE_NAME = new RegExp(`^(?!__)[A-Za-z_][A-Za-z0-9_]{0,${MAX_VARIABLE_NAME_LENGTH - 1}}$`);

export interface TemplateInfo {
  name: string;
  description: Record<Locale, string>;
  languages: Locale[];
  /** Every variable the template uses, sorted; all are required. */
  variables: string[];
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Variables = Record<string, string>;

interface LoadedTemplate extends TemplateInfo {
  parts: Map<Locale, Record<Part, Handlebars.TemplateDelegate<Variables>>>;
}

export class TemplateRegistry {
  private constructor(private readonly templates: Map<string, LoadedTemplate>) {}

  /** Loads and compiles every template under `dir`. Throws if a template is incomplete. */
  static load(dir: string = DEFAULT_TEMPLATES_DIR): TemplateRegistry {
    const hbs = Handlebars.create();
    const partialsDir = path.join(dir, 'partials');
    const partials = new Map<string, hbs.AST.Program>();
    if (fs.existsSync(partialsDir)) {
      for (const file of fs.readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
        const source = fs.readFileSync(path.join(partialsDir, file), 'utf8');
        hbs.registerPartial(path.basename(file, '.hbs'), source);
        partials.set(path.basename(file, '.hbs'), hbs.parse(source));
      }
    }
    const templates = new Map<string, LoadedTemplate>();
    for (const name of fs.readdirSync(dir).sort()) {
      const templateDir = path.join(dir, name);
      if (name === 'partials' || !fs.statSync(templateDir).isDirectory()) continue;
      const meta = JSON.parse(fs.readFileSync(path.join(templateDir, 'template.json'), 'utf8')) as {
        description: Record<Locale, string>;
      };
      const parts = new Map<Locale, Record<Part, Handlebars.TemplateDelegate<Variables>>>();
      const variables = new Set<string>();
      for (const language of fs.readdirSync(templateDir).sort()) {
        if (!isLocale(language)) continue;
        const compiled = {} as Record<Part, Handlebars.TemplateDelegate<Variables>>;
        for (const part of PARTS) {
          const source = fs.readFileSync(path.join(templateDir, language, `${part}.hbs`), 'utf8');
          for (const v of variablesOf(hbs.parse(source), partials)) variables.add(v);
          compiled[part] = hbs.compile<Variables>(part === 'subject' ? source.trim() : source, {
            strict: true,
            noEscape: part !== 'html',
          });
        }
        parts.set(language, compiled);
      }
      if (parts.size === 0) throw new Error(`Template ${name} has no language folder (en, ko)`);
      templates.set(name, {
        name,
        description: meta.description,
        languages: [...parts.keys()],
        variables: [...variables].sort(),
        parts,
      });
    }
    return new TemplateRegistry(templates);
  }

  list(): TemplateInfo[] {
    return [...this.templates.values()].map(({ parts: _parts, ...info }) => info);
  }

  names(): string[] {
    return [...this.templates.keys()];
  }

  /**
   * Checks that `name` exists in `language` and that `variables` are exactly what it needs.
   * Throws a HeraldError naming the first problem.
   */
  validate(name: string, language: string, variables: Variables): TemplateInfo {
    const { parts: _parts, ...info } = this.checked(name, language, variables);
    return info;
  }

  private checked(name: string, language: string, variables: Variables): LoadedTemplate {
    const template = this.templates.get(name);
    if (!template) throw new HeraldError('UNKNOWN_TEMPLATE', { template: name, known: this.names() });
    if (!isLocale(language) || !template.parts.has(language)) {
      throw new HeraldError('UNKNOWN_LANGUAGE', { language, available: template.languages });
    }
    assertVariables(name, template.variables, variables);
    return template;
  }

  render(name: string, language: string, variables: Variables): RenderedMail {
    const compiled = this.checked(name, language, variables).parts.get(language as Locale)!;
    return {
      // A subject is one header line: line breaks in values would be folded away anyway.
      subject: oneLine(compiled.subject(variables)),
      text: compiled.text(variables),
      html: compiled.html(variables),
    };
  }
}

/**
 * Checks that `given` is what a template reading `expected` needs: no unknown names, every name
 * not in `optional` present and not blank, no value too long. Throws a HeraldError naming the
 * first problem.
 */
export function assertVariables(
  template: string,
  expected: readonly string[],
  given: Variables,
  optional: readonly string[] = [],
): void {
  const unknown = Object.keys(given).filter((v) => !expected.includes(v));
  if (unknown.length > 0) throw new HeraldError('UNKNOWN_VARIABLES', { template, unknown, expected: [...expected] });
  // Own keys only: a template may read a variable called "constructor" or "toString".
  const missing = expected.filter((v) => !optional.includes(v) && (Object.hasOwn(given, v) ? given[v]! : '').trim() === '');
  if (missing.length > 0) throw new HeraldError('MISSING_VARIABLES', { template, missing });
  for (const [key, value] of Object.entries(given)) {
    if (value.length > MAX_VARIABLE_LENGTH) throw new HeraldError('FIELD_TOO_LONG', { field: key, max: MAX_VARIABLE_LENGTH });
  }
}

/**
 * A subject is one header line: line breaks and other control characters in it become spaces, and
 * runs of spaces become one, as header folding would make them anyway (RFC 5322 unfolding keeps one
 * space of a folded run), so the subject stored and shown is the subject received.
 */
export function oneLine(subject: string): string {
  return subject.replace(/[\u0000-\u0020\u007f\u0085\u2028\u2029]+/g, ' ').trim();
}

/**
 * Parses "name=Alice;team=Ops" into variables. Values may contain "=" after the first one, and
 * ";" written as "\;" (a backslash before ";" or another backslash as "\\"; any other
 * backslash is kept as it is, so "C:\dir" needs no escaping). An empty string gives no variables.
 */
export function parseVariables(input: string | undefined): Variables {
  const variables: Variables = {};
  if (!input || input.trim() === '') return variables;
  for (const fragment of splitVariables(input)) {
    if (fragment.trim() === '') continue;
    const eq = fragment.indexOf('=');
    const key = eq < 0 ? '' : fragment.slice(0, eq).trim();
    if (!VARIABLE_NAME.test(key)) throw new HeraldError('INVALID_VARIABLES', { fragment: fragment.trim().slice(0, 60) });
    if (Object.hasOwn(variables, key)) throw new HeraldError('DUPLICATE_VARIABLE', { name: key });
    variables[key] = fragment.slice(eq + 1).trim();
    if (Object.keys(variables).length > MAX_VARIABLES) throw new HeraldError('TOO_MANY_VARIABLES', { max: MAX_VARIABLES });
  }
  return variables;
}

/** Writes a value so that parseVariables reads it back whole: "a;b" becomes "a\;b". */
export function escapeVariableValue(value: string): string {
  return value.replace(/\\(?=[\\;]|$)/g, '\\\\').replace(/;/g, '\\;');
}

/** Splits at every ";" that is not escaped, and resolves the escapes "\;" and "\\". */
function splitVariables(input: string): string[] {
  const fragments: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i++) {
    const char = input[i]!;
    const next = input[i + 1];
    if (char === '\\' && (next === ';' || next === '\\')) {
      current += next;
      i++;
    } else if (char === ';') {
      fragments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  fragments.push(current);
  return fragments;
}

/**
 * The data variables a template reads: plain paths, helper and partial arguments, `@root.x`, and
 * what the partials it uses read; not helper or partial names.
 */
function variablesOf(
  ast: hbs.AST.Program,
  partials: ReadonlyMap<string, hbs.AST.Program>,
  enclosingPartials: ReadonlySet<string> = new Set(),
): Set<string> {
  const found = new Set<string>();
  class Collector extends Handlebars.Visitor {
    override PathExpression(p: hbs.AST.PathExpression): void {
      const [first, second] = p.parts;
      if (!p.data && first !== undefined) found.add(first);
      if (p.data && first === 'root' && second !== undefined) found.add(second);
    }
    override MustacheStatement(m: hbs.AST.MustacheStatement): void {
      this.visitCall(m);
    }
    override BlockStatement(b: hbs.AST.BlockStatement): void {
      this.visitCall(b);
      if (b.program) this.accept(b.program);
      if (b.inverse) this.accept(b.inverse);
    }
    override PartialStatement(p: hbs.AST.PartialStatement): void {
      this.visitPartial(p);
    }
    override PartialBlockStatement(p: hbs.AST.PartialBlockStatement): void {
      this.visitPartial(p);
      this.accept(p.program);
    }
    private visitPartial(p: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement): void {
      this.acceptArray(p.params);
      if (p.hash) this.acceptArray(p.hash.pairs.map((pair) => pair.value));
      const name = p.name.type === 'PathExpression' ? (p.name as hbs.AST.PathExpression).original : undefined;
      const partial = name === undefined ? undefined : partials.get(name);
      if (name === undefined || !partial || enclosingPartials.has(name)) return;
      // Inside the partial, its hash arguments shadow data of the same name.
      const shadowed = new Set(p.hash?.pairs.map((pair) => pair.key) ?? []);
      for (const v of variablesOf(partial, partials, new Set([...enclosingPartials, name]))) {
        if (!shadowed.has(v)) found.add(v);
      }
    }
    private visitCall(node: { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }): void {
      const isHelperCall = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
      if (!isHelperCall) this.accept(node.path as hbs.AST.Node);
      this.acceptArray(node.params);
      if (node.hash) this.acceptArray(node.hash.pairs.map((pair) => pair.value));
    }
  }
  new Collector().accept(ast);
  return found;
}
