// Properties of user-written templates over generated sources and values (issue 12): 10,100
// generated templates in all. Every one must end in a precise refusal (a template error code,
// with a line inside the part where one applies) or in a safe render: no value reaches the HTML
// part unescaped, the subject is one line, every part is within its rendered limit. Nothing may
// crash, and nothing may take long: a hang here would show as a timeout.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeraldError } from '../../src/domain/errors.js';
import type { Locale } from '../../src/i18n/locale.js';
import type { RenderedMail } from '../../src/mail/templates.js';
import { compileUserTemplate, type TemplateSourcesInput } from '../../src/mail/user-templates.js';

// The refusals a user template can get, and those that name a line (listed here, not taken from
// the code under test).
const CODES_WITH_LINE = new Set([
  'TEMPLATE_CONTROL_CHARACTER',
  'TEMPLATE_NESTING_TOO_DEEP',
  'TEMPLATE_SYNTAX',
  'TEMPLATE_BLOCK_MISMATCH',
  'TEMPLATE_HELPER_NOT_ALLOWED',
  'TEMPLATE_HELPER_ARGUMENTS',
  'TEMPLATE_SECTION_NOT_ALLOWED',
  'TEMPLATE_PARTIAL_NOT_ALLOWED',
  'TEMPLATE_UNESCAPED_NOT_ALLOWED',
  'TEMPLATE_EXPRESSION_NOT_ALLOWED',
  'TEMPLATE_VARIABLE_NAME',
]);
const TEMPLATE_CODES = [
  ...CODES_WITH_LINE,
  'TEMPLATE_PART_REQUIRED',
  'TEMPLATE_PART_TOO_LONG',
  'TEMPLATE_SUBJECT_MULTILINE',
  'TEMPLATE_TOO_MANY_TAGS',
  'TEMPLATE_TOO_MANY_VARIABLES',
];
const SUBJECT_MAX = 500;
const BODY_MAX = 100_000;
const TIMEOUT = 240_000;

const LINE_BREAK = /\r\n|\r|\n/g;
const linesIn = (source: string) => (source.match(LINE_BREAK)?.length ?? 0) + 1;

/** Pieces of markup a value carries; escaped, none of them can appear in the HTML part. */
const MARKERS = ['<inj', '"inj', "'inj", '`inj', '=inj'];

function expectPreciseRefusal(err: unknown, input: TemplateSourcesInput): HeraldError {
  if (!(err instanceof HeraldError)) throw new Error(`not a HeraldError: ${String(err)}`);
  expect(TEMPLATE_CODES).toContain(err.code);
  const params = err.params as { part?: 'subject' | 'text' | 'html'; line?: number };
  if (CODES_WITH_LINE.has(err.code)) {
    const source = params.part === 'subject' ? input.subject.trim() : (input[params.part!] ?? '');
    expect(params.line).toBeGreaterThanOrEqual(1);
    expect(params.line).toBeLessThanOrEqual(linesIn(source));
  }
  for (const locale of ['en', 'ko'] as Locale[]) expect(err.messageFor(locale)).not.toMatch(/undefined|NaN|\[object /);
  return err;
}

function expectSafe(mail: RenderedMail): void {
  expect(mail.subject).not.toMatch(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/);
  expect(mail.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
  expect(mail.text.length).toBeLessThanOrEqual(BODY_MAX);
  expect(mail.html.length).toBeLessThanOrEqual(BODY_MAX);
  for (const marker of MARKERS) expect(mail.html).not.toContain(marker);
}

// Values: markup, header injection, Handlebars syntax, Unicode line breaks, lone surrogates,
// blanks, the longest allowed value, and arbitrary strings.
const nastyValue = fc.constantFrom(
  '<inj>',
  '"inj',
  "'inj",
  '`inj',
  '=inj',
  '</p><script>inj()</script>',
  '\r\nBcc: inj@example.com',
  '\u2028',
  '\u0085',
  '\u0000',
  '{{inj}}',
  '{{{inj}}}',
  '{{> inj}}',
  '&amp;',
  '__proto__',
  'constructor',
  '\ud800',
  ' ',
);
const value = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.oneof(nastyValue, fc.string({ maxLength: 12 })), { maxLength: 5 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(2_000), '"'.repeat(2_000), `${'<'.repeat(1_999)}\n`) },
);
const valuePool = fc.array(value, { minLength: 20, maxLength: 20 });

type Outcome = 'refused' | 'too-long' | 'rendered';

/** Compiles `input` and renders it with values from `pool`; asserts whichever way it ends. */
function run(input: TemplateSourcesInput, pool: readonly string[], codes?: Set<string>): Outcome {
  let template;
  try {
    template = compileUserTemplate(input);
  } catch (err) {
    codes?.add(expectPreciseRefusal(err, input).code);
    return 'refused';
  }
  const values = Object.fromEntries(template.variables.map((v, i) => [v, pool[i % pool.length]!]));
  let mail;
  try {
    mail = template.render(values);
  } catch (err) {
    expect(err).toBeInstanceOf(HeraldError);
    expect((err as HeraldError).code).toBe('TEMPLATE_OUTPUT_TOO_LONG');
    return 'too-long';
  }
  expectSafe(mail);
  return 'rendered';
}

function tally(): Record<Outcome, number> {
  return { refused: 0, 'too-long': 0, rendered: 0 };
}

describe('generated token soup', () => {
  // Fragments of Handlebars, valid and not. None contains "j", so no marker can come from the template.
  const plain = fc.constantFrom(
    'text ',
    'Hello, ',
    '<p>',
    '</p>',
    '<a href="',
    '">',
    ' ',
    '이름 ',
    '{{a}}',
    '{{name}}',
    '{{b}}',
    '{{#if a}}{{a}}{{/if}}',
    '{{#unless b}}x{{else}}{{b}}{{/unless}}',
    '{{! note }}',
    '\\{{a}}',
    '{{~a~}}',
    '{{constructor}}',
    '{{toString}}',
  );
  const structure = fc.constantFrom('\n', '{{#if a}}', '{{#if name}}', '{{/if}}', '{{#unless b}}', '{{/unless}}', '{{else}}', '{{else if b}}');
  const nasty = fc.constantFrom(
    '{{',
    '}}',
    '{{{',
    '}}}',
    '{{#',
    '{{/',
    '{{^',
    '{{>',
    '{{#>',
    '{{!--',
    '--}}',
    '{{&',
    '{{*',
    '{{{{',
    '}}}}',
    'if ',
    'each ',
    'with ',
    'lookup ',
    'log ',
    ' a',
    '__proto__',
    'prototype',
    'this',
    '../',
    '.',
    '/',
    '@root',
    '@index',
    '"s"',
    '1',
    'true',
    '(',
    ')',
    '=',
    ' as |x|',
    '[',
    ']',
    '\\',
    '\r\n',
    '\r',
    '\t',
    '\u0000',
    '\u2028',
    '{{#each a}}',
    '{{/each}}',
    '{{{a}}}',
    '{{& a}}',
    '{{> p}}',
    '{{@root.a}}',
    '{{this.constructor}}',
    '{{a.__proto__}}',
    '{{constructor.constructor}}',
    '{{lookup a "constructor"}}',
    '{{a (b c)}}',
    '{{#with a}}',
    '{{/with}}',
    '{{{{raw}}}}',
    '{{{{/raw}}}}',
  );
  // Half the sources from well-formed pieces only, half with stray structure and nasty pieces mixed in.
  const soup = (maxLength: number) =>
    fc
      .oneof(
        fc.array(plain, { maxLength }),
        fc.array(fc.oneof({ weight: 8, arbitrary: plain }, { weight: 2, arbitrary: structure }, { weight: 1, arbitrary: nasty }), { maxLength }),
      )
      .map((p) => p.join(''));
  const input = fc.record({ subject: soup(5), text: soup(30), html: fc.option(soup(30), { nil: null }) });

  it('4,000 sources: each is refused precisely or renders safely', { timeout: TIMEOUT }, () => {
    const outcomes = tally();
    const codes = new Set<string>();
    fc.assert(
      fc.property(input, valuePool, (i, pool) => {
        outcomes[run(i, pool, codes)]++;
      }),
      { numRuns: 4_000 },
    );
    // The generator must reach both ends and many kinds of refusal, or the property says little.
    expect(outcomes.refused).toBeGreaterThan(400);
    expect(outcomes.rendered).toBeGreaterThan(400);
    expect(codes.size).toBeGreaterThanOrEqual(8);
  });
});

// ---- Templates generated from a model, with the expected mail worked out from the model -------

type Node =
  | { t: 'text'; s: string }
  | { t: 'var'; v: string }
  | { t: 'comment' }
  | { t: 'escaped'; v: string }
  | Block;
interface Block {
  t: 'if' | 'unless';
  v: string;
  then: Node[];
  else: Node[] | null;
  /** Write a lone block in the else branch as {{else if …}}. */
  chain: boolean;
}

const names = fc.constantFrom('a', 'b', 'name', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'x_1', '_y', 'Z9');
// No whitespace (Handlebars strips whitespace around lone block tags), no braces or backslash
// (they would make tags), no "j" (markers).
const TEXT_UNITS = [...'abcxyzAQ07<>&"\'=`/.#;:!?-_()@|[]^+,*%$~', '가', '한', '·'];

function models(units: string[], maxDepth: number) {
  const text = fc.string({ unit: fc.constantFrom(...units), minLength: 1, maxLength: 8 }).map((s): Node => ({ t: 'text', s }));
  return fc.letrec<{ node: Node; block: Block; nodes: Node[] }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth },
      text,
      names.map((v): Node => ({ t: 'var', v })),
      fc.constant<Node>({ t: 'comment' }),
      names.map((v): Node => ({ t: 'escaped', v })),
      tie('block'),
    ),
    block: fc.record({
      t: fc.constantFrom('if' as const, 'unless' as const),
      v: names,
      then: tie('nodes'),
      else: fc.option(tie('nodes'), { nil: null }),
      chain: fc.boolean(),
    }),
    nodes: fc.array(tie('node'), { maxLength: 4 }),
  })).nodes;
}

const isBlock = (n: Node): n is Block => n.t === 'if' || n.t === 'unless';
const chained = (b: Block): Block | undefined => (b.chain && b.else?.length === 1 && isBlock(b.else[0]!) ? b.else[0] : undefined);

function source(nodes: Node[]): string {
  return nodes.map(nodeSource).join('');
}
function nodeSource(n: Node): string {
  switch (n.t) {
    case 'text':
      return n.s;
    case 'var':
      return `{{${n.v}}}`;
    case 'comment':
      return '{{! note }}';
    case 'escaped':
      return `\\{{${n.v}}}`;
    default:
      return `{{#${n.t} ${n.v}}}${blockBody(n)}{{/${n.t}}}`;
  }
}
function blockBody(b: Block): string {
  const next = chained(b);
  if (next) return `${source(b.then)}{{else ${next.t} ${next.v}}}${blockBody(next)}`;
  return source(b.then) + (b.else ? `{{else}}${source(b.else)}` : '');
}

function render(nodes: Node[], values: Record<string, string>, escape: (s: string) => string): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return n.s;
        case 'var':
          return escape(values[n.v]!);
        case 'comment':
          return '';
        case 'escaped':
          return `{{${n.v}}}`;
        default: {
          const truthy = values[n.v] !== '';
          return render((n.t === 'if') === truthy ? n.then : (n.else ?? []), values, escape);
        }
      }
    })
    .join('');
}

/** Variables, and which are used unguarded (so required). */
function uses(nodes: Node[], truthy: ReadonlySet<string> = new Set(), found = new Map<string, boolean>()): Map<string, boolean> {
  for (const n of nodes) {
    if (n.t === 'var') found.set(n.v, (found.get(n.v) ?? false) || !truthy.has(n.v));
    if (isBlock(n)) {
      if (!found.has(n.v)) found.set(n.v, false);
      const tested = new Set([...truthy, n.v]);
      uses(n.then, n.t === 'if' ? tested : truthy, found);
      uses(n.else ?? [], n.t === 'unless' ? tested : truthy, found);
    }
  }
  return found;
}

/** {{…}} tags and block depth as written (an {{else if}} is one tag and no extra level). */
function tags(nodes: Node[]): number {
  return nodes.reduce((sum, n) => sum + (n.t === 'var' || n.t === 'comment' ? 1 : isBlock(n) ? 2 + blockTags(n) : 0), 0);
}
function blockTags(b: Block): number {
  const next = chained(b);
  if (next) return tags(b.then) + 1 + blockTags(next);
  return tags(b.then) + (b.else ? 1 + tags(b.else) : 0);
}
function depth(nodes: Node[]): number {
  return Math.max(0, ...nodes.filter(isBlock).map((b) => 1 + blockDepth(b)));
}
function blockDepth(b: Block): number {
  const next = chained(b);
  return Math.max(depth(b.then), next ? blockDepth(next) : depth(b.else ?? []));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };
const escapeHtml = (s: string) => s.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c]!);
const asIs = (s: string) => s;
const oneLine = (s: string) => s.replace(/[\u0000-\u0020\u007f\u0085\u2028\u2029]+/g, ' ').trim();

describe('generated from a model', () => {
  const within = (maxTags: number, maxDepth: number, maxLength: number) => (m: Node[]) =>
    tags(m) <= maxTags && depth(m) <= maxDepth && source(m).length <= maxLength;
  const subjectModel = models(TEXT_UNITS, 2).filter((m) => source(m).trim() !== '' && within(200, 8, 200)(m));
  const bodyModel = models(TEXT_UNITS, 8).filter((m) => source(m).trim() !== '' && within(200, 8, 20_000)(m));
  const templates = fc.record({ subject: subjectModel, text: bodyModel, html: fc.option(bodyModel, { nil: null }) });

  it('3,000 valid templates: accepted, with the variables and the mail the model gives', { timeout: TIMEOUT }, () => {
    const outcomes = tally();
    fc.assert(
      fc.property(templates, valuePool, (m, pool) => {
        const template = compileUserTemplate({ subject: source(m.subject), text: source(m.text), html: m.html && source(m.html) });
        const found = uses([...m.subject, ...m.text, ...(m.html ?? [])]);
        const variables = [...found.keys()].sort();
        expect(template.variables).toEqual(variables);
        expect(template.optional).toEqual(variables.filter((v) => !found.get(v)));

        const values = Object.fromEntries(variables.map((v, i) => [v, pool[i % pool.length]!]));
        const expected = {
          subject: oneLine(render(m.subject, values, asIs)),
          text: render(m.text, values, asIs),
          html: m.html ? render(m.html, values, escapeHtml) : '',
        };
        const tooLong = (['subject', 'text', 'html'] as const).find((p) => expected[p].length > (p === 'subject' ? SUBJECT_MAX : BODY_MAX));
        if (tooLong) {
          let err: unknown;
          try {
            template.render(values);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(HeraldError);
          expect((err as HeraldError).params).toEqual({ part: tooLong, max: tooLong === 'subject' ? SUBJECT_MAX : BODY_MAX });
          outcomes['too-long']++;
          return;
        }
        const mail = template.render(values);
        expect(mail).toEqual(expected);
        expectSafe(mail);
        outcomes.rendered++;
      }),
      { numRuns: 3_000 },
    );
    expect(outcomes.rendered).toBeGreaterThan(2_000);
    expect(outcomes['too-long']).toBeGreaterThan(0);
  });

  // One forbidden construct put anywhere into a valid template: refused with its own code, at its line.
  const injections: [source: string, code: string][] = [
    ['{{{a}}}', 'TEMPLATE_UNESCAPED_NOT_ALLOWED'],
    ['{{& a}}', 'TEMPLATE_UNESCAPED_NOT_ALLOWED'],
    ['{{#each a}}x{{/each}}', 'TEMPLATE_HELPER_NOT_ALLOWED'],
    ['{{#each a}}{{#each this}}{{this}}{{/each}}{{/each}}', 'TEMPLATE_HELPER_NOT_ALLOWED'],
    ['{{#with a}}{{length}}{{/with}}', 'TEMPLATE_HELPER_NOT_ALLOWED'],
    ['{{lookup a "constructor"}}', 'TEMPLATE_HELPER_NOT_ALLOWED'],
    ['{{log a}}', 'TEMPLATE_HELPER_NOT_ALLOWED'],
    ['{{foo a}}', 'TEMPLATE_HELPER_NOT_ALLOWED'],
    ['{{{{raw}}}}{{a}}{{{{/raw}}}}', 'TEMPLATE_HELPER_NOT_ALLOWED'],
    ['{{*deco}}', 'TEMPLATE_HELPER_NOT_ALLOWED'],
    ['{{> p}}', 'TEMPLATE_PARTIAL_NOT_ALLOWED'],
    ['{{#> p}}x{{/p}}', 'TEMPLATE_PARTIAL_NOT_ALLOWED'],
    ['{{#*inline "p"}}x{{/inline}}', 'TEMPLATE_PARTIAL_NOT_ALLOWED'],
    ['{{@root.a}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{this.constructor}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{a.constructor}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{constructor.prototype}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{a.__proto__}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{../a}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{a (lookup a "x")}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{#if (a)}}x{{/if}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{"__proto__"}}', 'TEMPLATE_EXPRESSION_NOT_ALLOWED'],
    ['{{__proto__}}', 'TEMPLATE_VARIABLE_NAME'],
    ['{{이름}}', 'TEMPLATE_VARIABLE_NAME'],
    ['{{#a}}x{{/a}}', 'TEMPLATE_SECTION_NOT_ALLOWED'],
    ['{{#if a b}}x{{/if}}', 'TEMPLATE_HELPER_ARGUMENTS'],
    ['{{if}}', 'TEMPLATE_HELPER_ARGUMENTS'],
  ];
  const multiline = [...TEXT_UNITS, '\n', '\r\n', ' ', '\t'];

  /** Places between nodes, at every level. */
  function gaps(nodes: Node[]): number {
    return nodes.length + 1 + nodes.filter(isBlock).reduce((sum, b) => sum + gaps(b.then) + (b.else ? gaps(b.else) : 0), 0);
  }

  /** The model with `insert` placed at gap `at` (counted in document order). */
  function withInsertion(nodes: Node[], at: number, insert: Node): Node[] {
    let left = at;
    const visit = (list: Node[]): Node[] => {
      const out: Node[] = [];
      for (let i = 0; i <= list.length; i++) {
        if (left-- === 0) out.push(insert);
        if (i === list.length) break;
        const n = list[i]!;
        out.push(isBlock(n) ? { ...n, then: visit(n.then), else: n.else && visit(n.else) } : n);
      }
      return out;
    };
    return visit(nodes);
  }

  it('2,500 templates with one forbidden construct: refused with its code and line', { timeout: TIMEOUT }, () => {
    const MARK = '\u0001INJECTION\u0001';
    fc.assert(
      fc.property(
        models(multiline, 5).filter(within(150, 5, 15_000)),
        fc.nat(),
        fc.constantFrom(...injections),
        fc.constantFrom('text' as const, 'html' as const),
        (base, at, [injection, code], part) => {
          // Place a marker, then swap in the injection, so the expected line comes from the text.
          const body = source(withInsertion(base, at % gaps(base), { t: 'text', s: MARK }));
          const offset = body.indexOf(MARK);
          const written = body.replace(MARK, injection);
          const input = { subject: 'S', text: part === 'text' ? written : 'T', html: part === 'html' ? written : null };
          let err: unknown;
          try {
            compileUserTemplate(input);
          } catch (e) {
            err = e;
          }
          const refusal = expectPreciseRefusal(err, input);
          expect(refusal.code).toBe(code);
          if (CODES_WITH_LINE.has(code)) {
            expect((refusal.params as { line: number }).line).toBe(linesIn(body.slice(0, offset)));
          }
        },
      ),
      { numRuns: 2_500 },
    );
  });
});

describe('deep and wide sources', () => {
  const shapes: Record<string, (n: number) => string> = {
    'nested if': (n) => `${'{{#if a}}'.repeat(n)}{{a}}${'{{/if}}'.repeat(n)}`,
    'nested each over a string': (n) => `${'{{#each a}}'.repeat(n)}x${'{{/each}}'.repeat(n)}`,
    'nested partial blocks': (n) => `${'{{#> p}}'.repeat(n)}x${'{{/p}}'.repeat(n)}`,
    'unclosed blocks': (n) => '{{#if a}}'.repeat(n),
    'nested sub-expressions': (n) => `{{a ${'(a '.repeat(n)}b${')'.repeat(n)}}}`,
    'nested hash sub-expressions': (n) => `{{a ${'x=(a '.repeat(n)}b${')'.repeat(n)}}}`,
    'many tags': (n) => '{{a}}'.repeat(n),
    'many parameters': (n) => `{{a ${'b '.repeat(n)}}}`,
  };
  // What each shape must give at depth or count n, worked out by hand from the limits.
  function expected(shape: string, n: number, length: number): string | 'accepted' {
    if (length > 20_000) return 'TEMPLATE_PART_TOO_LONG';
    switch (shape) {
      case 'nested if':
        return n <= 8 ? 'accepted' : 'TEMPLATE_NESTING_TOO_DEEP';
      case 'nested each over a string':
        return n <= 8 ? 'TEMPLATE_HELPER_NOT_ALLOWED' : 'TEMPLATE_NESTING_TOO_DEEP';
      case 'nested partial blocks':
        return n <= 8 ? 'TEMPLATE_PARTIAL_NOT_ALLOWED' : 'TEMPLATE_NESTING_TOO_DEEP';
      case 'unclosed blocks':
        return n <= 8 ? 'TEMPLATE_SYNTAX' : 'TEMPLATE_NESTING_TOO_DEEP';
      case 'many tags':
        return n <= 200 ? 'accepted' : 'TEMPLATE_TOO_MANY_TAGS';
      case 'many parameters':
        return 'TEMPLATE_HELPER_NOT_ALLOWED';
      default:
        return 'TEMPLATE_EXPRESSION_NOT_ALLOWED';
    }
  }

  it('600 sources up to 2,500 levels or items deep: the expected answer, quickly', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(shapes)), fc.integer({ min: 1, max: 2_500 }), valuePool, (shape, n, pool) => {
        const text = shapes[shape]!(n);
        const want = expected(shape, n, text.length);
        const input = { subject: 'S', text };
        if (want === 'accepted') {
          expect(run(input, pool)).not.toBe('refused');
          return;
        }
        let err: unknown;
        try {
          compileUserTemplate(input);
        } catch (e) {
          err = e;
        }
        expect(expectPreciseRefusal(err, input).code).toBe(want);
      }),
      { numRuns: 600 },
    );
  });
});
