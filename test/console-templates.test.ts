// The console's template commands (issue 12) through HeraldCommands, the template core and
// PostgreSQL: bodies come from files (longer than a Discord form holds), every change is a new
// version with the console as its author, previews store nothing, and bad files or flags are
// refused with a clear message while nothing changes. The console's templates are those of this
// computer's server (the one the dashboard shows in console mode); its own mails, with no server,
// use the built-in templates.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleFrontEnd } from '../src/console/console.js';
import { useHarness } from './support/use-harness.js';

const SERVER = 'console-test-server';
const h = useHarness({ server: 'time-skipping' });

let dir: string;
let frontEnd: ConsoleFrontEnd;
let printed = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-console-templates-'));
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  frontEnd = new ConsoleFrontEnd({ commands: h.commands, input: new PassThrough(), output, templateServer: SERVER });
});
afterAll(async () => {
  frontEnd?.close();
  await rm(dir, { recursive: true, force: true });
});

async function type(line: string): Promise<string> {
  printed = '';
  await frontEnd.handle(line);
  return printed;
}

const file = async (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};

const count = async (table: 'tasks' | 'server_templates' | 'server_template_versions' | 'server_template_contents') =>
  Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const contents = (version: number) =>
  h.db
    .selectFrom('server_template_contents')
    .innerJoin('server_templates', 'server_templates.id', 'server_template_contents.template_id')
    .select(['server_template_contents.language', 'subject', 'text_body', 'html_body'])
    .where('server_templates.name', '=', 'launch')
    .where('server_template_contents.version', '=', version)
    .orderBy('server_template_contents.language')
    .execute();

// Longer than the 4,000 characters a Discord form holds: the console is where such bodies come from.
const LONG_TEXT = `안녕하세요 {{name}}님,\n{{product}} 출시 소식입니다.\n${'자세한 내용. '.repeat(700)}`;

describe('console template commands', () => {
  it('create reads the bodies from files, in this computer\'s server, by the console', async () => {
    const text = await file('text.txt', LONG_TEXT);
    const html = await file('body.html', '<p>{{name}}님, <b>{{product}}</b></p>');
    expect(LONG_TEXT.length).toBeGreaterThan(4_000);
    const out = await type(`template create launch --lang ko --subject "출시: {{product}}" --text-file ${text} --html-file ${html}`);
    expect(out.split('\n').slice(0, 4)).toEqual([
      '✔ Template created: launch (version 1, ko)',
      '  Variables: name, product',
      '  Subject: 출시: [product]',
      '  Text:',
    ]);
    expect(out).toContain('  │ 안녕하세요 [name]님,\n  │ [product] 출시 소식입니다.\n');
    expect(out).toContain('  HTML part:\n  │ <p>[name]님, <b>[product]</b></p>\n');
    const [row] = await h.db.selectFrom('server_templates').selectAll().where('name', '=', 'launch').execute();
    expect(row).toMatchObject({ guild_id: SERVER, current_version: 1, created_by: 'console' });
    expect((await contents(1)).map((c) => [c.language, c.text_body.length])).toEqual([['ko', LONG_TEXT.length]]);
  });

  it('list and show: the server\'s own with the built-in ones, and who changed what when', async () => {
    const list = await type('template list');
    expect(list).toContain('• launch (this server, version 1)\n  Variables: name, product  Languages: ko\n');
    expect(list).toContain('• notice (built-in: ');
    const show = await type('template show launch');
    expect(show.split('\n')[0]).toBe('launch (this server, version 1)');
    expect(show).toContain('  [ko] Subject: 출시: {{product}}\n');
    expect(show).toMatch(/ {4}v1 created \(ko\) · console · .+\n$/);
    expect(await type('lang ko')).toBe('✔ ko\n');
    expect((await type('template show launch')).split('\n')[0]).toBe('launch (이 서버, 버전 1)');
    await type('lang en');
  });

  it('edit changes only what is given, adds a language, drops the HTML part with --no-html', async () => {
    expect((await type('template edit launch --lang ko --subject "새 소식: {{product}}"')).split('\n')[0]).toBe(
      '✔ Template saved as a new version: launch (version 2, ko)',
    );
    const [v2] = await contents(2);
    expect(v2).toMatchObject({ subject: '새 소식: {{product}}', text_body: LONG_TEXT, html_body: '<p>{{name}}님, <b>{{product}}</b></p>' });

    const en = await file('en.txt', 'Hello {{name}}, {{product}} is out.');
    expect((await type(`template edit launch --lang en --subject "Launch: {{product}}" --text-file ${en}`)).split('\n')[0]).toBe(
      '✔ Template saved as a new version: launch (version 3, en)',
    );
    expect((await type('template edit launch --lang ko --no-html')).split('\n')[0]).toBe('✔ Template saved as a new version: launch (version 4, ko)');
    expect((await contents(4)).map((c) => [c.language, c.html_body])).toEqual([
      ['en', null],
      ['ko', null],
    ]);
    // An empty subject is the core's to refuse, with which part is missing.
    expect(await type('template edit launch --lang en --no-html --subject ""')).toBe(
      '✖ The subject is empty. A template needs a subject and a text body.\n',
    );
  });

  it('preview renders with the values given and placeholders for the rest, and stores nothing', async () => {
    const tables = ['tasks', 'server_templates', 'server_template_versions', 'server_template_contents'] as const;
    const before = await Promise.all(tables.map(count));
    const out = await type('preview launch "product=Tea; cakes"');
    expect(out.split('\n').slice(0, 5)).toEqual([
      'Preview: launch (en)',
      '  Variables: name, product',
      '  Subject: Launch: Tea; cakes',
      '  Text:',
      '  │ Hello [name], Tea; cakes is out.',
    ]);
    expect(out).toContain('This template has no HTML part');
    expect(out.trimEnd().split('\n').at(-1)).toBe('(Nothing was stored or sent.)');
    expect((await type('preview launch name=Ada product=Tea --lang ko')).split('\n').slice(0, 3)).toEqual([
      'Preview: launch (ko)',
      '  Variables: name, product',
      '  Subject: 새 소식: Tea',
    ]);
    expect(await type('preview notice title=Hi')).toContain('  Subject: [Notice] Hi\n');
    expect(await type('preview launch --lang fr')).toBe('✖ Language "fr" is not available. Available: en, ko.\n');
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });

  it('refuses unreadable, oversized and non-UTF-8 files and bad flags, and changes nothing', async () => {
    const versions = await count('server_template_versions');
    const missing = join(dir, 'missing.txt');
    expect(await type(`template create other --lang en --subject s --text-file ${missing}`)).toBe(
      `✖ Could not read "${missing}": there is no such file. Nothing was changed.\n`,
    );
    const folder = join(dir, 'folder');
    await mkdir(folder);
    expect(await type(`template edit launch --lang en --html-file ${folder}`)).toBe(`✖ Could not read "${folder}": it is not a file. Nothing was changed.\n`);
    const binary = await file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(await type(`template create other --lang en --subject s --text-file ${binary}`)).toBe(
      `✖ Could not read "${binary}": it is not UTF-8 text. Nothing was changed.\n`,
    );
    const huge = await file('huge.txt', 'x'.repeat(80_001));
    expect(await type(`template create other --lang en --subject s --text-file ${huge}`)).toBe(
      `✖ "${huge}" is too large for a template body (at most 20000 characters). Nothing was changed.\n`,
    );
    // Within the file size check, but over the core's 20,000 characters.
    const long = await file('long.txt', 'y'.repeat(20_001));
    expect(await type(`template create other --lang en --subject s --text-file ${long}`)).toBe(
      '✖ The text body is 20001 characters long; at most 20000 are allowed.\n',
    );
    expect(await type('template create other --lang en')).toMatch(/^Usage: template create <name> --lang en\|ko --subject/);
    expect(await type('template create other --lang en --subject s --text-file a --colour red')).toMatch(/^Usage: template create/);
    expect(await type('template frobnicate')).toBe('Usage: template list|show|create|edit|delete …\n');
    expect(await type('preview')).toBe('Usage: preview <template> [name=value ...] [--lang en|ko]\n');
    expect(await type('template create notice --lang en --subject s --text-file ' + (await file('t.txt', 'x')))).toBe(
      '✖ "notice" is the name of a built-in template. Choose another name.\n',
    );
    expect(await count('server_template_versions')).toBe(versions);
  });

  it("other servers do not see the console's templates, and the console's own mails use the built-in ones", async () => {
    const elsewhere = await h.commands.contextFor({ userId: 'someone', guildId: 'another-server' });
    const listed = await h.commands.templateList(elsewhere);
    expect(listed.kind === 'template-list' && listed.templates.map((t) => t.name)).toEqual(['notice', 'reminder', 'welcome']);
    expect(await type('send launch ada@example.com name=Ada product=Tea')).toBe(
      '✖ There is no template "launch". Templates: notice, reminder, welcome.\n',
    );
  });

  it('delete: new mails cannot use it, and the history keeps it', async () => {
    expect(await type('template delete launch')).toBe(
      '✔ Template deleted: launch (version 5)\n  Reservations already made with it keep the version they were made with; new mails cannot use it.\n',
    );
    expect(await type('template show launch')).toBe('✖ There is no template "launch". Templates: notice, reminder, welcome.\n');
    expect(await type('template delete launch')).toBe('✖ There is no template "launch". Templates: notice, reminder, welcome.\n');
    const history = await h.db
      .selectFrom('server_template_versions')
      .select(['version', 'action', 'actor_id'])
      .orderBy('version')
      .execute();
    expect(history.map((v) => `${v.version} ${v.action} ${v.actor_id}`)).toEqual([
      '1 create console',
      '2 edit console',
      '3 edit console',
      '4 edit console',
      '5 delete console',
    ]);
  });
});
