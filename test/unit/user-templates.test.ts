// Checking and rendering user-written templates (issue 12): a table of accepted templates and of
// every kind of refusal, then properties over generated sources and values.
import { describe, expect, it } from 'vitest';
import { compileUserTemplate, sampleValues, type TemplateSourcesInput } from '../../src/mail/user-templates.js';
import { heraldErrorOf } from './helpers.js';

const ALLOWED = ['if', 'unless'];

function compiled(text: string, extra: Partial<TemplateSourcesInput> = {}) {
  return compileUserTemplate({ subject: 'S', text, ...extra });
}

describe('accepted templates', () => {
  it('plain variables: found in every part, sorted, all required', () => {
    const t = compileUserTemplate({
      subject: 'Hello {{name}}',
      text: 'Hi {{name}}, welcome to {{team}}.',
      html: '<p>{{greeting}}, {{name}}</p>',
    });
    expect(t.variables).toEqual(['greeting', 'name', 'team']);
    expect(t.optional).toEqual([]);
    expect(t.render({ name: 'Ada', team: 'Ops', greeting: 'Hey' })).toEqual({
      subject: 'Hello Ada',
      text: 'Hi Ada, welcome to Ops.',
      html: '<p>Hey, Ada</p>',
    });
  });

  it('a variable used only inside {{#if}} on itself is optional', () => {
    const t = compiled('{{#if note}}Note: {{note}}. {{/if}}Bye {{name}}');
    expect(t.variables).toEqual(['name', 'note']);
    expect(t.optional).toEqual(['note']);
    expect(t.render({ name: 'Ada', note: '' }).text).toBe('Bye Ada');
    expect(t.render({ name: 'Ada' }).text).toBe('Bye Ada');
    expect(t.render({ name: 'Ada', note: 'bring cake' }).text).toBe('Note: bring cake. Bye Ada');
  });

  it('{{#unless}} with {{else}}: the else branch is guarded', () => {
    const t = compiled('{{#unless vip}}Hello{{else}}Welcome back, {{vip}}{{/unless}}');
    expect(t.optional).toEqual(['vip']);
    expect(t.render({ vip: '' }).text).toBe('Hello');
    expect(t.render({ vip: 'Kim' }).text).toBe('Welcome back, Kim');
  });

  it('{{else if}} chains; a use outside its own guard makes a variable required', () => {
    const t = compiled('{{#if a}}A={{a}}{{else if b}}B={{b}}{{else}}C={{c}} {{a}}{{/if}}');
    expect(t.variables).toEqual(['a', 'b', 'c']);
    expect(t.optional).toEqual(['b']);
    expect(t.render({ a: '', b: '2', c: '3' }).text).toBe('B=2');
    expect(t.render({ a: '', b: '', c: '3' }).text).toBe('C=3 ');
  });

  it('escapes every value in the HTML part (attributes too) and none in subject and text', () => {
    const t = compiled('{{v}}', { subject: '{{v}}', html: '<a title="{{v}}" href=/x?q={{v}}>{{v}}</a>' });
    const mail = t.render({ v: `"><script>alert('x')</script>\`=&` });
    expect(mail.html).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&#x60;&#x3D;&amp;" href=/x?q=&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&#x60;&#x3D;&amp;>&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&#x60;&#x3D;&amp;</a>',
    );
    expect(mail.text).toBe(`"><script>alert('x')</script>\`=&`);
    expect(mail.subject).toBe(`"><script>alert('x')</script>\`=&`);
  });

  it('values with line breaks give a one-line subject and keep their breaks in the body', () => {
    const t = compiled('{{v}}', { subject: '[News] {{v}}' });
    const mail = t.render({ v: 'Hi\r\nBcc: evil@example.com\u2028x\ty' });
    expect(mail.subject).toBe('[News] Hi Bcc: evil@example.com x y');
    expect(mail.text).toBe('Hi\r\nBcc: evil@example.com\u2028x\ty');
  });

  it('comments, \\{{ escapes and ~ whitespace control', () => {
    const t = compiled('a {{! hidden }} \\{{name}} {{name}}\n{{~#if name~}}\n  !\n{{~/if}}');
    expect(t.variables).toEqual(['name']);
    expect(t.render({ name: 'Ada' }).text).toBe('a  {{name}} Ada!');
  });

  it('{{[name]}} is Handlebars\' way of writing {{name}}', () => {
    expect(compiled('{{[name]}}').render({ name: 'Ada' }).text).toBe('Ada');
  });

  it('does not evaluate Handlebars syntax inside values', () => {
    expect(compiled('{{a}}').render({ a: '{{b}} {{> p}} {{{c}}}' }).text).toBe('{{b}} {{> p}} {{{c}}}');
  });

  it('variables called like Object.prototype members render their own values', () => {
    const t = compiled('{{constructor}} {{toString}} {{hasOwnProperty}} {{valueOf}}');
    expect(t.variables).toEqual(['constructor', 'hasOwnProperty', 'toString', 'valueOf']);
    expect(t.render({ constructor: 'c', toString: 't', hasOwnProperty: 'h', valueOf: 'v' }).text).toBe('c t h v');
  });

  it('Korean text and names; no HTML body means no HTML part; the subject is trimmed', () => {
    const t = compileUserTemplate({ subject: '  {{name}}님, 환영합니다  ', text: '{{name}}님 안녕하세요', html: '  \n ' });
    expect(t.sources).toEqual({ subject: '{{name}}님, 환영합니다', text: '{{name}}님 안녕하세요', html: null });
    expect(t.render({ name: '지민' })).toEqual({ subject: '지민님, 환영합니다', text: '지민님 안녕하세요', html: '' });
  });

  it('a template without variables', () => {
    const t = compiled('Just text.');
    expect(t.variables).toEqual([]);
    expect(t.render({}).text).toBe('Just text.');
  });

  it('accepts every limit exactly: 200-character subject, 20,000-character bodies, 200 tags, 8 levels, 20 variables', () => {
    expect(compileUserTemplate({ subject: 's'.repeat(200), text: 't'.repeat(20_000), html: 'h'.repeat(20_000) }).variables).toEqual([]);
    expect(compiled('{{a}}'.repeat(200)).variables).toEqual(['a']);
    expect(compiled(`${'{{#if a}}'.repeat(8)}x${'{{/if}}'.repeat(8)}`).optional).toEqual(['a']);
    const twenty = Array.from({ length: 20 }, (_, i) => `{{v${i}}}`).join(' ');
    expect(compiled(twenty).variables).toHaveLength(20);
  });

  it('sample values are "[name]"', () => {
    expect(sampleValues(['a', 'team'])).toEqual({ a: '[a]', team: '[team]' });
    expect(compiled('Hi {{name}}').render(sampleValues(['name'])).text).toBe('Hi [name]');
  });
});

type Refusal = [what: string, input: TemplateSourcesInput, code: string, params: Record<string, unknown>];
const t = (text: string, extra: Partial<TemplateSourcesInput> = {}): TemplateSourcesInput => ({ subject: 'S', text, ...extra });
const helper = (line: number, name: string, part = 'text') => ({ part, line, helper: name, allowed: ALLOWED });

const refusals: Refusal[] = [
  ['an empty subject', { subject: '  ', text: 'x' }, 'TEMPLATE_PART_REQUIRED', { part: 'subject' }],
  ['a blank text body', t(' \n '), 'TEMPLATE_PART_REQUIRED', { part: 'text' }],
  ['a 201-character subject', { subject: 's'.repeat(201), text: 'x' }, 'TEMPLATE_PART_TOO_LONG', { part: 'subject', max: 200, length: 201 }],
  ['a 20,001-character text body', t('t'.repeat(20_001)), 'TEMPLATE_PART_TOO_LONG', { part: 'text', max: 20_000, length: 20_001 }],
  ['a 20,001-character HTML body', t('x', { html: 'h'.repeat(20_001) }), 'TEMPLATE_PART_TOO_LONG', { part: 'html', max: 20_000, length: 20_001 }],
  ['a line break in the subject', { subject: 'a\nb', text: 'x' }, 'TEMPLATE_SUBJECT_MULTILINE', {}],
  ['a CR in the subject', { subject: 'a\rBcc: x', text: 'x' }, 'TEMPLATE_SUBJECT_MULTILINE', {}],
  ['a Unicode line separator in the subject', { subject: 'a\u2028b', text: 'x' }, 'TEMPLATE_SUBJECT_MULTILINE', {}],
  ['a tab in the subject', { subject: 'a\tb', text: 'x' }, 'TEMPLATE_CONTROL_CHARACTER', { part: 'subject', line: 1 }],
  ['a BEL on line 3 of the text', t('ok\r\nok\n\u0007'), 'TEMPLATE_CONTROL_CHARACTER', { part: 'text', line: 3 }],
  ['a NUL in the HTML', t('x', { html: '<p>\n\u0000</p>' }), 'TEMPLATE_CONTROL_CHARACTER', { part: 'html', line: 2 }],
  ['201 tags', t('{{a}}'.repeat(201)), 'TEMPLATE_TOO_MANY_TAGS', { part: 'text', max: 200 }],
  ['201 tags counting closers and comments', t(`${'{{#if a}}x{{/if}}'.repeat(100)}{{! c }}`), 'TEMPLATE_TOO_MANY_TAGS', { part: 'text', max: 200 }],
  ['9 nested blocks', t(`${'{{#if a}}\n'.repeat(9)}x${'{{/if}}'.repeat(9)}`), 'TEMPLATE_NESTING_TOO_DEEP', { part: 'text', line: 9, max: 8 }],
  ['an unclosed block', t('x\n{{#if a}}y'), 'TEMPLATE_SYNTAX', { part: 'text', line: 2, near: '' }],
  ['an unclosed tag', t('x\n\nHi {{name'), 'TEMPLATE_SYNTAX', { part: 'text', line: 3, near: 'name' }],
  ['a tag closed by three braces', t('{{a}}}'), 'TEMPLATE_SYNTAX', { part: 'text', line: 1, near: '}}}' }],
  // Found by fast-check: the raw-block opener followed by text the lexer cannot read.
  ['a raw-block opener before an unfinished comment', t('{{{{{{!--'), 'TEMPLATE_SYNTAX', { part: 'text', line: 1, near: '' }],
  ['a stray closing tag', t('x\n{{/if}} tail'), 'TEMPLATE_SYNTAX', { part: 'text', line: 2, near: '{{/if}} tail' }],
  ['{{else}} outside a block', t('{{else}}'), 'TEMPLATE_SYNTAX', { part: 'text', line: 1, near: '{{else}}' }],
  ['a block closed by another name', t('x\n{{#if a}}y{{/unless}}'), 'TEMPLATE_BLOCK_MISMATCH', { part: 'text', line: 2, open: 'if', close: 'unless' }],
  ['an unknown helper on line 3', t('line 1\nline 2\n{{foo bar}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(3, 'foo')],
  ['{{#each}} over a value', t('{{#each name}}{{this}}{{/each}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(1, 'each')],
  ['{{#with}}', t('{{#with name}}{{length}}{{/with}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(1, 'with')],
  ['{{lookup}}', t('{{lookup name "length"}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(1, 'lookup')],
  ['{{log}}', t('{{log name}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(1, 'log')],
  ['a helper name as a variable', t('{{each}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(1, 'each')],
  ['helperMissing as a variable', t('{{helperMissing}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(1, 'helperMissing')],
  ['a raw block', t('{{{{raw}}}} {{x}} {{{{/raw}}}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(1, 'raw')],
  ['a decorator', t('{{*deco}}'), 'TEMPLATE_HELPER_NOT_ALLOWED', helper(1, '*deco')],
  ['{{if}} without a block', t('{{if}}'), 'TEMPLATE_HELPER_ARGUMENTS', { part: 'text', line: 1, helper: 'if' }],
  ['{{if a}} as a mustache', t('{{if a}}'), 'TEMPLATE_HELPER_ARGUMENTS', { part: 'text', line: 1, helper: 'if' }],
  ['{{#if}} on two values', t('{{#if a b}}x{{/if}}'), 'TEMPLATE_HELPER_ARGUMENTS', { part: 'text', line: 1, helper: 'if' }],
  ['{{#if}} on nothing', t('{{#if}}x{{/if}}'), 'TEMPLATE_HELPER_ARGUMENTS', { part: 'text', line: 1, helper: 'if' }],
  ['{{#if}} on a literal', t('{{#if "a"}}x{{/if}}'), 'TEMPLATE_HELPER_ARGUMENTS', { part: 'text', line: 1, helper: 'if' }],
  ['{{#unless}} with a hash', t('{{#unless a includeZero=true}}x{{/unless}}'), 'TEMPLATE_HELPER_ARGUMENTS', { part: 'text', line: 1, helper: 'unless' }],
  ['{{#if}} with block parameters', t('{{#if a as |b|}}{{b}}{{/if}}'), 'TEMPLATE_HELPER_ARGUMENTS', { part: 'text', line: 1, helper: 'if' }],
  ['a section', t('{{#items}}x{{/items}}'), 'TEMPLATE_SECTION_NOT_ALLOWED', { part: 'text', line: 1, name: 'items' }],
  ['an inverted section', t('{{^items}}x{{/items}}'), 'TEMPLATE_SECTION_NOT_ALLOWED', { part: 'text', line: 1, name: 'items' }],
  ['a partial', t('x', { html: '{{> layout}}' }), 'TEMPLATE_PARTIAL_NOT_ALLOWED', { part: 'html', line: 1 }],
  ['a partial block', t('x', { html: '\n{{#> layout}}x{{/layout}}' }), 'TEMPLATE_PARTIAL_NOT_ALLOWED', { part: 'html', line: 2 }],
  ['an inline partial', t('{{#*inline "p"}}x{{/inline}}'), 'TEMPLATE_PARTIAL_NOT_ALLOWED', { part: 'text', line: 1 }],
  ['a dynamic partial', t('{{> (lookup . "p")}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '(lookup . "p")' }],
  ['triple-stash in the HTML', t('x', { html: '<p>\n\n{{{name}}}</p>' }), 'TEMPLATE_UNESCAPED_NOT_ALLOWED', { part: 'html', line: 3, expression: '{{{name}}}' }],
  ['triple-stash in the text too', t('{{{name}}}'), 'TEMPLATE_UNESCAPED_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{{name}}}' }],
  ['{{& name}}', t('{{& name}}'), 'TEMPLATE_UNESCAPED_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{& name}}' }],
  ['@root', t('{{@root.name}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{@root.name}}' }],
  ['@index', t('{{@index}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{@index}}' }],
  ['this', t('{{this}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{this}}' }],
  ['this.constructor', t('{{this.constructor}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{this.constructor}}' }],
  ['a path into a value', t('{{name.length}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{name.length}}' }],
  ['constructor.constructor', t('{{constructor.constructor}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{constructor.constructor}}' }],
  ['a/b', t('{{a/b}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{a/b}}' }],
  ['../', t('{{../a}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{../a}}' }],
  ['a string literal', t('{{"s"}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{"s"}}' }],
  ['a number literal', t('{{1}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '{{1}}' }],
  ['a sub-expression', t('ok\n{{name (lookup a "b")}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 2, expression: '(lookup a "b")' }],
  ['a sub-expression in {{#if}}', t('{{#if (a)}}x{{/if}}'), 'TEMPLATE_EXPRESSION_NOT_ALLOWED', { part: 'text', line: 1, expression: '(a)' }],
  ['__proto__', t('{{__proto__}}'), 'TEMPLATE_VARIABLE_NAME', { part: 'text', line: 1, name: '__proto__', max: 40 }],
  ['a Korean variable name', { subject: '{{이름}}', text: 'x' }, 'TEMPLATE_VARIABLE_NAME', { part: 'subject', line: 1, name: '이름', max: 40 }],
  ['a dash in a variable name', t('{{first-name}}'), 'TEMPLATE_VARIABLE_NAME', { part: 'text', line: 1, name: 'first-name', max: 40 }],
  ['a 41-character variable name', t(`{{${'v'.repeat(41)}}}`), 'TEMPLATE_VARIABLE_NAME', { part: 'text', line: 1, name: 'v'.repeat(41), max: 40 }],
  ['a spaced bracketed name', t('{{[a b]}}'), 'TEMPLATE_VARIABLE_NAME', { part: 'text', line: 1, name: 'a b', max: 40 }],
  ['21 variables', t(Array.from({ length: 21 }, (_, i) => `{{v${i}}}`).join('')), 'TEMPLATE_TOO_MANY_VARIABLES', { count: 21, max: 20 }],
  [
    '21 variables over the parts',
    { subject: '{{s}}', text: Array.from({ length: 10 }, (_, i) => `{{t${i}}}`).join(''), html: Array.from({ length: 10 }, (_, i) => `{{h${i}}}`).join('') },
    'TEMPLATE_TOO_MANY_VARIABLES',
    { count: 21, max: 20 },
  ],
];

describe('refusals', () => {
  for (const [what, input, code, params] of refusals) {
    it(`${what} is ${code}`, () => {
      const err = heraldErrorOf(() => compileUserTemplate(input));
      expect(err.code).toBe(code);
      expect(err.params).toEqual(params);
    });
  }

  it('says precisely what is wrong, in English and Korean', () => {
    const err = heraldErrorOf(() => compileUserTemplate(t('line 1\nline 2\n{{foo bar}}')));
    expect(err.message).toBe('Text body, line 3: unknown helper `foo`. Templates may use only if, unless.');
    expect(err.messageFor('ko')).toBe('텍스트 본문 3번째 줄: `foo` 헬퍼는 쓸 수 없습니다. 쓸 수 있는 헬퍼: if, unless.');
  });

  it('checks the subject, then the text, then the HTML, and reports the first problem', () => {
    const err = heraldErrorOf(() => compileUserTemplate({ subject: '{{#each a}}{{/each}}', text: '{{{b}}}', html: '{{> p}}' }));
    expect(err.code).toBe('TEMPLATE_HELPER_NOT_ALLOWED');
    expect(err.params).toMatchObject({ part: 'subject' });
  });
});

describe('rendered size', () => {
  it('a subject over 500 characters once values are in is TEMPLATE_OUTPUT_TOO_LONG', () => {
    const t1 = compileUserTemplate({ subject: '{{a}}', text: 'x' });
    expect(t1.render({ a: 'a'.repeat(500) }).subject).toHaveLength(500);
    const err = heraldErrorOf(() => t1.render({ a: 'a'.repeat(501) }));
    expect(err.code).toBe('TEMPLATE_OUTPUT_TOO_LONG');
    expect(err.params).toEqual({ part: 'subject', max: 500 });
  });

  it('a text part over 100,000 characters is refused', () => {
    const t1 = compiled('{{a}}'.repeat(50));
    expect(t1.render({ a: 'a'.repeat(2_000) }).text).toHaveLength(100_000);
    expect(heraldErrorOf(() => compiled(`{{a}}`.repeat(51)).render({ a: 'a'.repeat(2_000) })).params).toEqual({ part: 'text', max: 100_000 });
  });

  it('HTML escaping counts: 10 quotes-only values of 2,000 characters are 120,000 characters of HTML', () => {
    const t1 = compiled('{{a}}', { html: '{{a}}'.repeat(10) });
    const err = heraldErrorOf(() => t1.render({ a: '"'.repeat(2_000) }));
    expect(err.params).toEqual({ part: 'html', max: 100_000 });
  });
});
