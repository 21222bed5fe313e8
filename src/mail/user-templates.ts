// Templates written by server admins (issue 12): checked when they are created or edited, and
// compiled in a Handlebars environment of their own, apart from the built-in file templates.
//
// A user template is a small, fixed part of Handlebars:
//   {{name}}                                  a variable (HTML-escaped in the HTML part)
//   {{#if name}}…{{else}}…{{/if}}              on one variable; {{else if other}} chains too
//   {{#unless name}}…{{/unless}}
//   {{! comment }}, {{!-- comment --}}, \{{ for literal braces, ~ whitespace control
// Nothing else: no partials or decorators, no other helpers (each, with, lookup, log, …), no
// triple-stash or {{& }}, no sub-expressions, no literals, no paths into or out of a value
// (a.b, this, ../, @root, @index). Values are flat strings, so none of those has a use here, and
// each is a way to read something other than the values or to make the output explode.
//
// A variable is optional when every use of it is guarded by itself ({{#if note}}…{{note}}…{{/if}}
// or only a condition); every other variable is required, as in the built-in templates.
import Handlebars from 'handlebars';
import {
  MAX_RENDERED_BODY_LENGTH,
  MAX_RENDERED_SUBJECT_LENGTH,
  MAX_TEMPLATE_BODY_LENGTH,
  MAX_TEMPLATE_NESTING,
  MAX_TEMPLATE_SUBJECT_LENGTH,
  MAX_TEMPLATE_TAGS,
  MAX_VARIABLE_NAME_LENGTH,
  MAX_VARIABLES,
} from '../domain/limits.js';
import { HeraldError } from '../domain/errors.js';
import type { TemplatePart } from '../i18n/messages.js';
import { oneLine, type RenderedMail, VARIABLE_NAME } from './templates.js';

export type { TemplatePart };

/** The helpers a user template may use, all as blocks on one variable. */
export const ALLOWED_HELPERS = ['if', 'unless'] as const;

/** What a user writes. An HTML body is optional: without one the mail is plain text. */
export interface TemplateSourcesInput {
  subject: string;
  text: string;
  html?: string | null;
}

/** The sources as stored: the subject trimmed, a blank HTML body as null. */
export interface TemplateSources {
  subject: string;
  text: string;
  html: string | null;
}

/** A checked, compiled user template. */
export interface UserTemplate {
  readonly sources: TemplateSources;
  /** Every variable it reads, sorted. */
  readonly variables: readonly string[];
  /** The variables that may be left out or blank (each use is guarded by an {{#if}} on itself). */
  readonly optional: readonly string[];
  /**
   * Renders the mail. `values` should already be checked against `variables` (assertVariables);
   * names it does not read are ignored, optional ones left out render as empty. The HTML part is
   * '' when the template has none. Throws TEMPLATE_OUTPUT_TOO_LONG or TEMPLATE_RENDER_FAILED.
   */
  render(values: Readonly<Record<string, string>>): RenderedMail;
}

// Every helper name Handlebars knows; a variable may not be called like one.
const HANDLEBARS_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'helperMissing', 'blockHelperMissing']);
const isAllowedHelper = (name: string): boolean => (ALLOWED_HELPERS as readonly string[]).includes(name);

// A separate environment: nothing registered on the built-in templates' one (partials such as the
// layout) is visible here, and the helpers users may not call are not even registered.
const env = Handlebars.create();
for (const helper of ['each', 'with', 'lookup', 'log']) env.unregisterHelper(helper);
env.unregisterDecorator('inline');

const COMPILE_OPTIONS: CompileOptions = {
  strict: true,
  // Defence in depth behind the AST check below: any other helper fails to compile.
  knownHelpersOnly: true,
  knownHelpers: { each: false, with: false, lookup: false, log: false },
  data: false,
};
// Stated explicitly (these are also the defaults) so that no prototype property or method is
// ever read, and Handlebars does not log a warning for each attempt.
const RUNTIME_OPTIONS: RuntimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;
type RuntimeOptions = Handlebars.RuntimeOptions;
type Render = Handlebars.TemplateDelegate<Record<string, string>>;

/** A placeholder value per variable, for test renders and previews: "[name]". */
export function sampleValues(variables: readonly string[]): Record<string, string> {
  return Object.fromEntries(variables.map((v) => [v, `[${v}]`]));
}

/**
 * Checks `input` and compiles it. Every refusal is a HeraldError whose code says what is wrong
 * and, where it applies, in which part and on which line. A template that passes has also been
 * rendered once with sample values.
 */
export function compileUserTemplate(input: TemplateSourcesInput): UserTemplate {
  const sources = normalize(input);
  const parts = (['subject', 'text', 'html'] as const).filter((part) => sources[part] !== null);
  const uses = new Map<string, { unguarded: boolean }>();
  for (const part of parts) {
    const source = sources[part]!;
    checkCharacters(part, source);
    prescan(part, source);
    new PartChecker(part, source, uses).check(parse(part, source));
  }
  const variables = [...uses.keys()].sort();
  if (variables.length > MAX_VARIABLES) {
    throw new HeraldError('TEMPLATE_TOO_MANY_VARIABLES', { count: variables.length, max: MAX_VARIABLES });
  }
  const optional = variables.filter((v) => !uses.get(v)!.unguarded);
  const compiled = new Map<TemplatePart, Render>(
    parts.map((part) => [part, env.compile<Record<string, string>>(sources[part]!, { ...COMPILE_OPTIONS, noEscape: part !== 'html' })]),
  );

  const template: UserTemplate = {
    sources,
    variables,
    optional,
    render(values) {
      // Only the template's own variables, on an object without a prototype.
      const data: Record<string, string> = Object.create(null);
      for (const v of variables) data[v] = Object.hasOwn(values, v) ? values[v]! : '';
      const html = compiled.get('html');
      return {
        subject: renderPart('subject', compiled.get('subject')!, data),
        text: renderPart('text', compiled.get('text')!, data),
        html: html ? renderPart('html', html, data) : '',
      };
    },
  };
  // Handlebars compiles lazily, on the first render: this is where a compile error would show.
  template.render(sampleValues(variables));
  return template;
}

function renderPart(part: TemplatePart, render: Render, data: Record<string, string>): string {
  let output: string;
  try {
    output = render(data, RUNTIME_OPTIONS);
  } catch {
    throw new HeraldError('TEMPLATE_RENDER_FAILED', { part });
  }
  if (part === 'subject') output = oneLine(output);
  const max = part === 'subject' ? MAX_RENDERED_SUBJECT_LENGTH : MAX_RENDERED_BODY_LENGTH;
  if (output.length > max) throw new HeraldError('TEMPLATE_OUTPUT_TOO_LONG', { part, max });
  return output;
}

function normalize(input: TemplateSourcesInput): TemplateSources {
  const subject = input.subject.trim();
  const html = input.html == null || input.html.trim() === '' ? null : input.html;
  const sources: TemplateSources = { subject, text: input.text, html };
  for (const part of ['subject', 'text'] as const) {
    if (sources[part].trim() === '') throw new HeraldError('TEMPLATE_PART_REQUIRED', { part });
  }
  for (const part of ['subject', 'text', 'html'] as const) {
    const source = sources[part];
    const max = part === 'subject' ? MAX_TEMPLATE_SUBJECT_LENGTH : MAX_TEMPLATE_BODY_LENGTH;
    if (source !== null && source.length > max) {
      throw new HeraldError('TEMPLATE_PART_TOO_LONG', { part, max, length: source.length });
    }
  }
  return sources;
}

// Line breaks as Handlebars' lexer counts them (for line numbers), and characters no mail part
// should carry. A subject is one header line, so it may hold no break and no control at all.
const LINE_BREAK = /\r\n?|\n/g;
const SUBJECT_BREAK = /[\r\n\u0085\u2028\u2029]/;
const SUBJECT_CONTROL = /[\u0000-\u001f\u007f]/;
const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function checkCharacters(part: TemplatePart, source: string): void {
  if (part === 'subject' && SUBJECT_BREAK.test(source)) throw new HeraldError('TEMPLATE_SUBJECT_MULTILINE', {});
  const control = (part === 'subject' ? SUBJECT_CONTROL : BODY_CONTROL).exec(source);
  if (control) throw new HeraldError('TEMPLATE_CONTROL_CHARACTER', { part, line: lineAt(source, control.index) });
}

function lineAt(source: string, index: number): number {
  return (source.slice(0, index).match(LINE_BREAK)?.length ?? 0) + 1;
}

/** Where a Handlebars position (1-based line, 0-based column) is in `source`. */
function offsetOf(source: string, position: hbs.AST.Position): number {
  let start = 0;
  let line = 1;
  for (const m of source.matchAll(LINE_BREAK)) {
    if (line === position.line) break;
    start = m.index + m[0].length;
    line++;
  }
  return start + position.column;
}

/** The source text of a node, on one line and shortened, to quote in a refusal. */
function excerpt(source: string, loc: hbs.AST.SourceLocation | undefined): string {
  if (!loc) return '';
  const from = offsetOf(source, loc.start);
  return shorten(source.slice(from, Math.max(from, offsetOf(source, loc.end))));
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

// Handlebars' own lexer (the one its parser uses), to look at the tokens before parsing. It
// answers most tokens by number (the parser's `terminals_` names them) and a few by name.
interface Parser {
  lexer: Lexer;
  terminals_: Record<number, string>;
}
interface Lexer {
  yy: object;
  yytext: string;
  yylineno: number;
  yylloc: { first_line: number; first_column: number };
  EOF: number;
  setInput(input: string): void;
  lex(): string | number;
}

const BLOCK_OPENERS = new Set(['OPEN_BLOCK', 'OPEN_INVERSE', 'OPEN_PARTIAL_BLOCK', 'OPEN_RAW_BLOCK']);
const BLOCK_CLOSERS = new Set(['OPEN_ENDBLOCK', 'END_RAW_BLOCK']);
const TAGS = new Set([
  ...BLOCK_OPENERS,
  ...BLOCK_CLOSERS,
  'OPEN',
  'OPEN_UNESCAPED',
  'OPEN_PARTIAL',
  'OPEN_INVERSE_CHAIN',
  'INVERSE',
  'COMMENT',
]);

/**
 * Counts tags and block depth and finds sub-expressions from the token stream, before the parser
 * sees the source: Handlebars' parser takes quadratic time in the nesting of blocks and of
 * sub-expressions (tens of seconds for a 20,000-character template), the lexer linear time.
 */
function prescan(part: TemplatePart, source: string): void {
  const parser = (Handlebars as unknown as { Parser: Parser }).Parser;
  const lexer = Object.create(parser.lexer) as Lexer;
  lexer.yy = {}; // its own: lexical errors then throw instead of going to the shared parser
  lexer.setInput(source);
  let tags = 0;
  let depth = 0;
  // Every token is read through this: a lexical error (e.g. "{{{{{{!--") is a syntax error too.
  const next = (): string | undefined => {
    try {
      const answer = lexer.lex();
      return typeof answer === 'number' ? (answer === lexer.EOF ? 'EOF' : parser.terminals_[answer]) : answer;
    } catch {
      throw new HeraldError('TEMPLATE_SYNTAX', { part, line: lexer.yylineno + 1, near: '' });
    }
  };
  for (;;) {
    const token = next();
    if (token === 'EOF') return;
    if (token === undefined) continue;
    const line = lexer.yylloc.first_line;
    if (TAGS.has(token) && ++tags > MAX_TEMPLATE_TAGS) {
      throw new HeraldError('TEMPLATE_TOO_MANY_TAGS', { part, max: MAX_TEMPLATE_TAGS });
    }
    if (token === 'OPEN_SEXPR') {
      const rest = source.slice(offsetOf(source, { line, column: lexer.yylloc.first_column }));
      const expression = shorten(/^\([^()]*\)?/.exec(rest)![0]);
      throw new HeraldError('TEMPLATE_EXPRESSION_NOT_ALLOWED', { part, line, expression });
    }
    if (token === 'OPEN_RAW_BLOCK') {
      const name = next() === 'ID' ? lexer.yytext : '{{{{';
      throw new HeraldError('TEMPLATE_HELPER_NOT_ALLOWED', { part, line, helper: name, allowed: ALLOWED_HELPERS });
    }
    if (BLOCK_OPENERS.has(token) && ++depth > MAX_TEMPLATE_NESTING) {
      throw new HeraldError('TEMPLATE_NESTING_TOO_DEEP', { part, line, max: MAX_TEMPLATE_NESTING });
    }
    if (BLOCK_CLOSERS.has(token)) depth = Math.max(0, depth - 1);
  }
}

/** Parses one part; Handlebars' syntax errors become TEMPLATE_SYNTAX or TEMPLATE_BLOCK_MISMATCH. */
function parse(part: TemplatePart, source: string): hbs.AST.Program {
  try {
    return env.parse(source);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const lineNumber = (err as { lineNumber?: number }).lineNumber;
    const mismatch = /^(\S+) doesn't match (\S+) - \d+:\d+$/.exec(message);
    if (mismatch && lineNumber) {
      throw new HeraldError('TEMPLATE_BLOCK_MISMATCH', { part, line: lineNumber, open: mismatch[1]!, close: mismatch[2]! });
    }
    const invalidPath = /^Invalid path: (.+) - \d+:\d+$/.exec(message);
    if (invalidPath && lineNumber) {
      throw new HeraldError('TEMPLATE_EXPRESSION_NOT_ALLOWED', { part, line: lineNumber, expression: invalidPath[1]!.slice(0, 40) });
    }
    // Jison's "Parse error on line N:\n<text before>…<text after>\n-----^\nExpecting …"
    const jison = /^Parse error on line (\d+):\n(.*)\n(-*)\^/.exec(message);
    const line = jison ? Number(jison[1]) : (lineNumber ?? 1);
    const near = jison ? jison[2]!.slice(jison[3]!.length).slice(0, 20).trim() : '';
    throw new HeraldError('TEMPLATE_SYNTAX', { part, line, near });
  }
}

/** Walks one part's syntax tree: refuses what user templates may not use, records variables. */
class PartChecker {
  constructor(
    private readonly part: TemplatePart,
    private readonly source: string,
    private readonly uses: Map<string, { unguarded: boolean }>,
  ) {}

  check(program: hbs.AST.Program): void {
    this.program(program, new Set());
  }

  /** `truthy`: the variables an enclosing {{#if}} (or {{else}} of an {{#unless}}) has tested. */
  private program(program: hbs.AST.Program, truthy: ReadonlySet<string>): void {
    for (const statement of program.body) this.statement(statement, truthy);
  }

  private statement(node: hbs.AST.Statement, truthy: ReadonlySet<string>): void {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(node as hbs.AST.MustacheStatement, truthy);
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement, truthy);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        throw new HeraldError('TEMPLATE_PARTIAL_NOT_ALLOWED', { part: this.part, line: this.line(node) });
      case 'Decorator':
      case 'DecoratorBlock': {
        const name = this.nameOf((node as hbs.AST.Decorator).path) ?? '';
        if (name === 'inline') throw new HeraldError('TEMPLATE_PARTIAL_NOT_ALLOWED', { part: this.part, line: this.line(node) });
        throw new HeraldError('TEMPLATE_HELPER_NOT_ALLOWED', {
          part: this.part,
          line: this.line(node),
          helper: `*${name}`,
          allowed: ALLOWED_HELPERS,
        });
      }
      default:
        throw this.notAllowed(node);
    }
  }

  private mustache(node: hbs.AST.MustacheStatement, truthy: ReadonlySet<string>): void {
    if (!node.escaped) {
      throw new HeraldError('TEMPLATE_UNESCAPED_NOT_ALLOWED', { part: this.part, line: this.line(node), expression: this.excerpt(node) });
    }
    if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) {
      const helper = this.nameOf(node.path);
      if (helper === undefined) throw this.notAllowed(node);
      this.refuseHelper(node, helper);
    }
    const name = this.variable(node.path, node);
    // Unguarded: rendered even when the value is blank, so the value is required.
    const use = this.uses.get(name) ?? { unguarded: false };
    use.unguarded ||= !truthy.has(name);
    this.uses.set(name, use);
  }

  private block(node: hbs.AST.BlockStatement, truthy: ReadonlySet<string>): void {
    const helper = this.nameOf(node.path);
    if (helper === undefined) throw this.notAllowed(node);
    if (!isAllowedHelper(helper)) {
      if (HANDLEBARS_HELPERS.has(helper) || node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) this.refuseHelper(node, helper);
      throw new HeraldError('TEMPLATE_SECTION_NOT_ALLOWED', { part: this.part, line: this.line(node), name: helper });
    }
    const [condition] = node.params;
    if (node.params.length !== 1 || (node.hash?.pairs.length ?? 0) > 0 || (node.program?.blockParams?.length ?? 0) > 0) {
      throw new HeraldError('TEMPLATE_HELPER_ARGUMENTS', { part: this.part, line: this.line(node), helper });
    }
    if (condition!.type !== 'PathExpression') {
      throw new HeraldError('TEMPLATE_HELPER_ARGUMENTS', { part: this.part, line: this.line(node), helper });
    }
    const name = this.variable(condition!, node);
    if (!this.uses.has(name)) this.uses.set(name, { unguarded: false });
    const tested = new Set([...truthy, name]);
    if (node.program) this.program(node.program, helper === 'if' ? tested : truthy);
    if (node.inverse) this.program(node.inverse, helper === 'unless' ? tested : truthy);
  }

  /** The name in a plain variable reference, or a refusal saying what is wrong with it. */
  private variable(expression: hbs.AST.Expression, statement: hbs.AST.Node): string {
    const name = this.nameOf(expression);
    if (name === undefined) throw this.notAllowed(statement);
    if (HANDLEBARS_HELPERS.has(name)) this.refuseHelper(statement, name);
    if (!VARIABLE_NAME.test(name)) {
      throw new HeraldError('TEMPLATE_VARIABLE_NAME', { part: this.part, line: this.line(statement), name, max: MAX_VARIABLE_NAME_LENGTH });
    }
    return name;
  }

  /** `name` for a path written as one plain segment; undefined for this, ../x, a.b, [a], @x, literals. */
  private nameOf(expression: hbs.AST.Expression): string | undefined {
    if (expression.type !== 'PathExpression') return undefined;
    const path = expression as hbs.AST.PathExpression;
    if (path.data || path.depth !== 0 || path.parts.length !== 1 || path.original !== path.parts[0]) return undefined;
    return path.original;
  }

  private refuseHelper(node: hbs.AST.Node, helper: string): never {
    if (isAllowedHelper(helper)) throw new HeraldError('TEMPLATE_HELPER_ARGUMENTS', { part: this.part, line: this.line(node), helper });
    throw new HeraldError('TEMPLATE_HELPER_NOT_ALLOWED', { part: this.part, line: this.line(node), helper, allowed: ALLOWED_HELPERS });
  }

  private notAllowed(node: hbs.AST.Node): HeraldError {
    return new HeraldError('TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: this.part, line: this.line(node), expression: this.excerpt(node) });
  }

  private line(node: hbs.AST.Node): number {
    return node.loc?.start.line ?? 1;
  }

  private excerpt(node: hbs.AST.Node): string {
    return excerpt(this.source, node.loc);
  }
}
