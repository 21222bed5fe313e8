import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { MAX_VARIABLES } from '../../src/domain/limits.js';
import { TemplateRegistry, escapeVariableValue, parseVariables } from '../../src/mail/templates.js';
import { codeOf, heraldErrorOf } from './helpers.js';

const registry = TemplateRegistry.load();

describe('TemplateRegistry.load / list', () => {
  it('finds welcome, reminder and notice in en and ko with the variables their .hbs files use', () => {
    expect(registry.names()).toEqual(['notice', 'reminder', 'welcome']);
    expect(registry.list()).toEqual([
      {
        name: 'notice',
        description: { en: 'Send an announcement with a title and body', ko: '제목과 본문이 있는 공지를 보냅니다' },
        languages: ['en', 'ko'],
        variables: ['body', 'title'],
      },
      {
        name: 'reminder',
        description: { en: 'Remind someone of an upcoming event', ko: '다가오는 일정을 알려 줍니다' },
        languages: ['en', 'ko'],
        variables: ['event', 'name', 'when'],
      },
      {
        name: 'welcome',
        description: { en: 'Welcome a new member to a community', ko: '새 멤버를 커뮤니티에 환영합니다' },
        languages: ['en', 'ko'],
        variables: ['community', 'name'],
      },
    ]);
  });

  it('does not expose compiled parts through list()', () => {
    for (const info of registry.list()) expect(Object.keys(info).sort()).toEqual(['description', 'languages', 'name', 'variables']);
  });
});

describe('TemplateRegistry.validate', () => {
  it('accepts exactly the needed variables', () => {
    expect(registry.validate('welcome', 'ko', { name: 'Kim', community: 'Ops' }).variables).toEqual(['community', 'name']);
  });

  it('a missing variable is MISSING_VARIABLES', () => {
    const err = heraldErrorOf(() => registry.validate('reminder', 'en', { name: 'N' }));
    expect(err.code).toBe('MISSING_VARIABLES');
    expect(err.params).toEqual({ template: 'reminder', missing: ['event', 'when'] });
  });

  it('a blank value counts as missing', () => {
    const err = heraldErrorOf(() => registry.validate('welcome', 'en', { name: 'x', community: '   ' }));
    expect(err.code).toBe('MISSING_VARIABLES');
    expect(err.params).toEqual({ template: 'welcome', missing: ['community'] });
  });

  it('an unknown variable is UNKNOWN_VARIABLES, listing what the template takes', () => {
    const err = heraldErrorOf(() => registry.validate('welcome', 'en', { name: 'x', community: 'c', team: 't' }));
    expect(err.code).toBe('UNKNOWN_VARIABLES');
    expect(err.params).toEqual({ template: 'welcome', unknown: ['team'], expected: ['community', 'name'] });
  });

  it('an Object.prototype name is not mistaken for a template or a variable', () => {
    expect(codeOf(() => registry.validate('constructor', 'en', {}))).toBe('UNKNOWN_TEMPLATE');
    expect(codeOf(() => registry.validate('welcome', 'en', { name: 'x', community: 'c', toString: 'y' }))).toBe('UNKNOWN_VARIABLES');
  });

  it('an unknown template is UNKNOWN_TEMPLATE, listing the known ones', () => {
    const err = heraldErrorOf(() => registry.validate('nope', 'en', {}));
    expect(err.code).toBe('UNKNOWN_TEMPLATE');
    expect(err.params).toEqual({ template: 'nope', known: ['notice', 'reminder', 'welcome'] });
  });

  it('an unknown language is UNKNOWN_LANGUAGE (and the check is case-sensitive)', () => {
    const err = heraldErrorOf(() => registry.validate('welcome', 'fr', { name: 'x', community: 'c' }));
    expect(err.code).toBe('UNKNOWN_LANGUAGE');
    expect(err.params).toEqual({ language: 'fr', available: ['en', 'ko'] });
    expect(codeOf(() => registry.validate('welcome', 'EN', { name: 'x', community: 'c' }))).toBe('UNKNOWN_LANGUAGE');
  });

  it('a value over 2000 characters is FIELD_TOO_LONG; 2000 is fine', () => {
    expect(registry.validate('welcome', 'en', { name: 'x'.repeat(2000), community: 'c' }).name).toBe('welcome');
    const err = heraldErrorOf(() => registry.validate('welcome', 'en', { name: 'x'.repeat(2001), community: 'c' }));
    expect(err.code).toBe('FIELD_TOO_LONG');
    expect(err.params).toEqual({ field: 'name', max: 2000 });
  });
});

describe('TemplateRegistry.render', () => {
  it('renders welcome in English', () => {
    const mail = registry.render('welcome', 'en', { name: 'Alice', community: 'Ops' });
    expect(mail.subject).toBe('Welcome to Ops, Alice!');
    expect(mail.text).toBe(
      'Hi Alice,\n\nWelcome to Ops! We are glad to have you with us.\nSay hello in the community whenever you are ready.\n\nSee you there,\nThe Ops team\n',
    );
    expect(mail.html).toContain('<h1 style="font-size:20px;margin:0 0 16px;">Welcome to Ops, Alice!</h1>');
    expect(mail.html).toContain('<p>See you there,<br>The Ops team</p>');
    expect(mail.html.startsWith('<!doctype html>')).toBe(true);
    expect(mail.html).toContain('Sent by Herald');
  });

  it('renders welcome in Korean', () => {
    const mail = registry.render('welcome', 'ko', { name: '김민수', community: 'Ops' });
    expect(mail.subject).toBe('Ops에 오신 것을 환영합니다, 김민수님!');
    expect(mail.text.startsWith('김민수님, 안녕하세요.\n')).toBe(true);
  });

  it('renders reminder in both languages', () => {
    const vars = { name: 'N', event: 'Standup', when: 'Tue 9:00' };
    expect(registry.render('reminder', 'en', vars).subject).toBe('Reminder: Standup — Tue 9:00');
    expect(registry.render('reminder', 'en', vars).text).toBe('Hi N,\n\nThis is a reminder that Standup is coming up: Tue 9:00.\n\nSee you there!\n');
    expect(registry.render('reminder', 'ko', vars).subject).toBe('알림: Standup — Tue 9:00');
  });

  it('renders notice in both languages', () => {
    expect(registry.render('notice', 'en', { title: 'T', body: 'B' })).toMatchObject({ subject: '[Notice] T', text: 'T\n\nB\n' });
    expect(registry.render('notice', 'ko', { title: 'T', body: 'B' })).toMatchObject({ subject: '[공지] T', text: 'T\n\nB\n' });
  });

  it('escapes <script> and & in the HTML part only', () => {
    const mail = registry.render('welcome', 'en', { name: '<script>alert(1)</script>', community: 'A & B' });
    expect(mail.html).toContain('Welcome to A &amp; B, &lt;script&gt;alert(1)&lt;/script&gt;!');
    expect(mail.html).not.toContain('<script>');
    expect(mail.subject).toBe('Welcome to A & B, <script>alert(1)</script>!');
    expect(mail.text).toContain('Hi <script>alert(1)</script>,');
    expect(mail.text).toContain('The A & B team');
  });

  it('does not HTML-escape quotes in subject and text', () => {
    const mail = registry.render('welcome', 'en', { name: `O'Brien "Q"`, community: 'c' });
    expect(mail.subject).toBe(`Welcome to c, O'Brien "Q"!`);
    expect(mail.html).toContain('O&#x27;Brien &quot;Q&quot;');
  });

  it('does not evaluate Handlebars syntax inside values', () => {
    expect(registry.render('welcome', 'en', { name: '{{community}}', community: 'c' }).subject).toBe('Welcome to c, {{community}}!');
  });

  it('CR/LF in a subject variable gives a one-line subject', () => {
    const mail = registry.render('notice', 'en', { title: 'Hi\r\nBcc: evil@x.com', body: 'line1\nline2' });
    expect(mail.subject).toBe('[Notice] Hi Bcc: evil@x.com');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    // The text part keeps line breaks.
    expect(mail.text).toBe('Hi\r\nBcc: evil@x.com\n\nline1\nline2\n');
  });

  it('refuses to render with bad variables (validate runs first)', () => {
    expect(codeOf(() => registry.render('notice', 'en', { title: 'T' }))).toBe('MISSING_VARIABLES');
    expect(codeOf(() => registry.render('notice', 'xx', { title: 'T', body: 'B' }))).toBe('UNKNOWN_LANGUAGE');
  });
});

describe('TemplateRegistry.load on other folders', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-unit-templates-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(file: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }

  it('refuses a template with no language folder', () => {
    const root = path.join(dir, 'nolang');
    fs.mkdirSync(path.join(root, 'empty'), { recursive: true });
    fs.writeFileSync(path.join(root, 'empty', 'template.json'), '{"description":{"en":"d","ko":"k"}}');
    expect(() => TemplateRegistry.load(root)).toThrow('Template empty has no language folder (en, ko)');
  });

  it('refuses a template missing a part', () => {
    write('incomplete/t/template.json', '{"description":{"en":"d","ko":"k"}}');
    write('incomplete/t/en/subject.hbs', 'S');
    write('incomplete/t/en/text.hbs', 'T');
    expect(() => TemplateRegistry.load(path.join(dir, 'incomplete'))).toThrow(/html\.hbs/);
  });

  it('collects variables from block helpers and helper arguments, not helper names', () => {
    write('helpers/t/template.json', '{"description":{"en":"d","ko":"k"}}');
    write('helpers/t/en/subject.hbs', 'S {{a}}');
    write('helpers/t/en/text.hbs', '{{#if b}}{{c}}{{/if}}');
    write('helpers/t/en/html.hbs', '{{lookup d e}}');
    const reg = TemplateRegistry.load(path.join(dir, 'helpers'));
    expect(reg.list()).toEqual([{ name: 't', description: { en: 'd', ko: 'k' }, languages: ['en'], variables: ['a', 'b', 'c', 'd', 'e'] }]);
  });

  // Hash arguments of a partial call are template variables; inside the partial they shadow data.
  it('a variable passed to a partial as a hash argument is a template variable', () => {
    write('partials-hash/partials/footer.hbs', '{{who}} says bye');
    write('partials-hash/t/template.json', '{"description":{"en":"d","ko":"k"}}');
    write('partials-hash/t/en/subject.hbs', 'S');
    write('partials-hash/t/en/text.hbs', 'T');
    write('partials-hash/t/en/html.hbs', '{{> footer who=sender}}');
    const reg = TemplateRegistry.load(path.join(dir, 'partials-hash'));
    expect(reg.list()[0]?.variables).toEqual(['sender']);
  });
});

describe('parseVariables', () => {
  it('parses a=1;b=2', () => {
    expect(parseVariables('a=1;b=2')).toEqual({ a: '1', b: '2' });
  });

  it('keeps "=" after the first one inside the value', () => {
    expect(parseVariables('url=http://x?a=1&b=2;eq==')).toEqual({ url: 'http://x?a=1&b=2', eq: '=' });
  });

  it('trims whitespace around names and values and skips empty fragments', () => {
    expect(parseVariables('  name = Alice ;  team=  Ops  ;; ')).toEqual({ name: 'Alice', team: 'Ops' });
  });

  it('gives no variables for empty, blank or missing input', () => {
    expect(parseVariables('')).toEqual({});
    expect(parseVariables('   ')).toEqual({});
    expect(parseVariables(undefined)).toEqual({});
  });

  it('reads "\\;" as a ";" inside a value and "\\\\" as a backslash; other backslashes stay', () => {
    expect(parseVariables('title=Tea\\; cakes;body=a\\\\;path=C:\\dir\\n')).toEqual({ title: 'Tea; cakes', body: 'a\\', path: 'C:\\dir\\n' });
    expect(parseVariables('a=x\\\\\\;y')).toEqual({ a: 'x\\;y' });
  });

  it('escapeVariableValue writes any value so that it reads back whole', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), fc.string({ unit: fc.constantFrom('a', ';', '\\', '=', ' ', 'b') }).map((v) => `x${v}x`), { maxKeys: 5 }), (vars) => {
        const written = Object.entries(vars).map(([k, v]) => `${k}=${escapeVariableValue(v)}`).join(';');
        expect(parseVariables(written)).toEqual(vars);
      }),
      { numRuns: 500 },
    );
  });

  it('allows an empty value (validate later reports it missing)', () => {
    expect(parseVariables('a=')).toEqual({ a: '' });
  });

  it('a repeated name is DUPLICATE_VARIABLE', () => {
    const err = heraldErrorOf(() => parseVariables('a=1;b=2;a=3'));
    expect(err.code).toBe('DUPLICATE_VARIABLE');
    expect(err.params).toEqual({ name: 'a' });
  });

  const bad: [input: string, fragment: string][] = [
    ['a', 'a'],
    ['a=1; b', 'b'],
    ['=1', '=1'],
    ['1a=2', '1a=2'],
    ['a b=1', 'a b=1'],
    ['a-b=1', 'a-b=1'],
    [`${'x'.repeat(41)}=1`, `${'x'.repeat(41)}=1`],
  ];
  for (const [input, fragment] of bad) {
    it(`"${input.slice(0, 20)}" is INVALID_VARIABLES`, () => {
      const err = heraldErrorOf(() => parseVariables(input));
      expect(err.code).toBe('INVALID_VARIABLES');
      expect(err.params).toEqual({ fragment });
    });
  }

  it('accepts a 40-character name', () => {
    expect(parseVariables(`${'x'.repeat(40)}=1`)).toEqual({ ['x'.repeat(40)]: '1' });
  });

  it(`accepts ${MAX_VARIABLES} variables and refuses ${MAX_VARIABLES + 1} with FIELD_TOO_LONG`, () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `v${i}=1`).join(';');
    expect(Object.keys(parseVariables(list(20)))).toHaveLength(20);
    const err = heraldErrorOf(() => parseVariables(list(21)));
    expect(err.code).toBe('TOO_MANY_VARIABLES');
    expect(err.params).toEqual({ max: 20 });
  });

  // "__proto__" must not pass the name check only to vanish when assigned to a plain object.
  it('"__proto__=1" is either refused or kept as a variable, not silently dropped', () => {
    let kept = false;
    let refused = false;
    try {
      kept = Object.hasOwn(parseVariables('__proto__=1'), '__proto__');
    } catch {
      refused = true;
    }
    expect(kept || refused).toBe(true);
  });
});
