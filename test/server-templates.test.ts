// Server templates on real PostgreSQL (issue 12): versions, soft delete, the audit trail, one
// server's templates invisible to another, and resolution (own first, then built-in).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeraldDb } from '../src/db/database.js';
import { ServerTemplateRepository } from '../src/db/server-template-repository.js';
import { HeraldError } from '../src/domain/errors.js';
import { ServerTemplateService, type TemplateDraft } from '../src/mail/server-template-service.js';
import { TemplateResolver } from '../src/mail/template-resolver.js';
import { TemplateRegistry } from '../src/mail/templates.js';
import { createTestDatabase } from './support/harness.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: HeraldDb;
let repository: ServerTemplateRepository;
let resolver: TemplateResolver;
let service: ServerTemplateService;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  repository = new ServerTemplateRepository(db);
  resolver = new TemplateResolver(TemplateRegistry.load(), repository);
  service = new ServerTemplateService({ repository, resolver });
});
afterAll(async () => {
  await database?.drop();
});

const BUILTINS = ['notice', 'reminder', 'welcome'];

async function refusal(promise: Promise<unknown>): Promise<HeraldError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HeraldError)) throw new Error(`expected a HeraldError, got ${String(err)}`);
  return err;
}

async function rowCounts(): Promise<{ templates: number; versions: number; contents: number }> {
  const count = async (table: 'server_templates' | 'server_template_versions' | 'server_template_contents') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return {
    templates: await count('server_templates'),
    versions: await count('server_template_versions'),
    contents: await count('server_template_contents'),
  };
}

const draft = (overrides: Partial<TemplateDraft> = {}): TemplateDraft => ({
  language: 'en',
  subject: 'Sale: {{item}}',
  text: 'Hi {{name}}, {{item}} is on sale.',
  html: '<p>Hi {{name}}, <b>{{item}}</b> is on sale.</p>',
  ...overrides,
});
const vars = { name: 'Ada', item: 'Tea & <Cake>' };

describe('create', () => {
  it('stores version 1, answers the variables and a preview, and records who and when', async () => {
    const before = new Date();
    const { template, preview } = await service.create('guild-c', 'admin-1', 'sale', draft());
    const after = new Date();
    expect(preview).toEqual({
      language: 'en',
      variables: ['item', 'name'],
      optional: [],
      mail: {
        subject: 'Sale: [item]',
        text: 'Hi [name], [item] is on sale.',
        html: '<p>Hi [name], <b>[item]</b> is on sale.</p>',
      },
    });
    expect(template).toMatchObject({ source: 'server', name: 'sale', version: 1, createdBy: 'admin-1', updatedBy: 'admin-1' });
    expect(template.languages).toEqual([
      {
        language: 'en',
        subject: 'Sale: {{item}}',
        text: 'Hi {{name}}, {{item}} is on sale.',
        html: '<p>Hi {{name}}, <b>{{item}}</b> is on sale.</p>',
        variables: ['item', 'name'],
        optional: [],
      },
    ]);
    expect(template.history).toHaveLength(1);
    expect(template.history[0]).toMatchObject({ version: 1, action: 'create', language: 'en', actorId: 'admin-1' });
    expect(template.history[0]!.at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
    expect(template.history[0]!.at.getTime()).toBeLessThanOrEqual(after.getTime() + 1);
  });

  it('renders through the resolver, escaping values in the HTML part only', async () => {
    const resolved = await resolver.validate('guild-c', 'sale', 'en', vars);
    expect(resolved).toEqual({ ref: { source: 'server', name: 'sale', version: 1 }, language: 'en', languages: ['en'], variables: ['item', 'name'], optional: [] });
    expect(await resolver.render('guild-c', resolved.ref, 'en', vars)).toEqual({
      subject: 'Sale: Tea & <Cake>',
      text: 'Hi Ada, Tea & <Cake> is on sale.',
      html: '<p>Hi Ada, <b>Tea &amp; &lt;Cake&gt;</b> is on sale.</p>',
    });
  });

  it('refuses a built-in name, a taken name and an invalid name, and stores nothing', async () => {
    const counts = await rowCounts();
    expect((await refusal(service.create('guild-c', 'admin-1', 'welcome', draft()))).code).toBe('TEMPLATE_NAME_BUILTIN');
    const taken = await refusal(service.create('guild-c', 'admin-2', 'sale', draft()));
    expect(taken.code).toBe('TEMPLATE_NAME_TAKEN');
    expect(taken.params).toEqual({ name: 'sale' });
    for (const name of ['Sale', '1sale', 'sa le', '', 'x'.repeat(33), '__proto__', 'é']) {
      const err = await refusal(service.create('guild-c', 'admin-1', name, draft()));
      expect(err.code).toBe('TEMPLATE_NAME_INVALID');
    }
    expect((await service.create('guild-c', 'admin-1', 'a'.repeat(32), draft())).template.version).toBe(1);
    await service.delete('guild-c', 'admin-1', 'a'.repeat(32));
    expect(await rowCounts()).toEqual({ templates: counts.templates + 1, versions: counts.versions + 2, contents: counts.contents + 1 });
  });

  it('refuses a bad draft or language with the draft\'s own code, and stores nothing', async () => {
    const counts = await rowCounts();
    const helper = await refusal(service.create('guild-c', 'admin-1', 'broken', draft({ text: 'one\ntwo\n{{foo bar}}' })));
    expect(helper.code).toBe('TEMPLATE_HELPER_NOT_ALLOWED');
    expect(helper.message).toBe('Text body, line 3: unknown helper `foo`. Templates may use only if, unless.');
    const language = await refusal(service.create('guild-c', 'admin-1', 'broken', draft({ language: 'fr' })));
    expect(language.code).toBe('UNKNOWN_LANGUAGE');
    expect(language.params).toEqual({ language: 'fr', available: ['en', 'ko'] });
    expect(await rowCounts()).toEqual(counts);
  });

  it('check() answers what create would store, without storing', async () => {
    const counts = await rowCounts();
    const preview = service.check(draft({ text: '{{#if note}}Note: {{note}}{{/if}}', html: null }));
    expect(preview).toEqual({
      language: 'en',
      variables: ['item', 'note'],
      optional: ['note'],
      mail: { subject: 'Sale: [item]', text: 'Note: [note]', html: '' },
    });
    expect(await rowCounts()).toEqual(counts);
  });
});

describe('versions', () => {
  beforeAll(async () => {
    await service.create('guild-v', 'admin-1', 'promo', draft({ subject: 'Promo v1 {{item}}', text: 'Version one for {{name}}' }));
  });

  it('an edit is version 2; version 1 still renders its old text', async () => {
    const { template } = await service.edit('guild-v', 'admin-2', 'promo', draft({ subject: 'Promo v2 {{item}}', text: 'Version two for {{name}}' }));
    expect(template.version).toBe(2);
    expect(template.updatedBy).toBe('admin-2');
    expect(template.createdBy).toBe('admin-1');
    expect((await resolver.resolve('guild-v', 'promo', 'en')).ref).toEqual({ source: 'server', name: 'promo', version: 2 });
    const v1 = await resolver.render('guild-v', { source: 'server', name: 'promo', version: 1 }, 'en', vars);
    const v2 = await resolver.render('guild-v', { source: 'server', name: 'promo', version: 2 }, 'en', vars);
    expect([v1.subject, v1.text]).toEqual(['Promo v1 Tea & <Cake>', 'Version one for Ada']);
    expect([v2.subject, v2.text]).toEqual(['Promo v2 Tea & <Cake>', 'Version two for Ada']);
  });

  it('editing another language adds it as version 3 and carries the others over', async () => {
    const { template } = await service.edit('guild-v', 'admin-3', 'promo', draft({ language: 'ko', subject: '할인 {{item}}', text: '{{name}}님, 세일입니다', html: '' }));
    expect(template.version).toBe(3);
    expect(template.languages.map((l) => [l.language, l.subject, l.html])).toEqual([
      ['en', 'Promo v2 {{item}}', '<p>Hi {{name}}, <b>{{item}}</b> is on sale.</p>'],
      ['ko', '할인 {{item}}', null],
    ]);
    const ko = await resolver.render('guild-v', { source: 'server', name: 'promo', version: 3 }, 'ko', vars);
    expect(ko).toEqual({ subject: '할인 Tea & <Cake>', text: 'Ada님, 세일입니다', html: '' });
    expect((await resolver.render('guild-v', { source: 'server', name: 'promo', version: 3 }, 'en', vars)).text).toBe('Version two for Ada');
    const noKo = await refusal(resolver.render('guild-v', { source: 'server', name: 'promo', version: 1 }, 'ko', vars));
    expect(noKo.code).toBe('UNKNOWN_LANGUAGE');
    expect(noKo.params).toEqual({ language: 'ko', available: ['en'] });
  });

  it('concurrent edits each get their own consecutive version', async () => {
    const edits = await Promise.all(
      [1, 2, 3, 4].map((i) => service.edit('guild-v', `admin-${i}`, 'promo', draft({ subject: `Promo edit ${i} {{item}}` }))),
    );
    expect(edits.map((e) => e.template.version).sort()).toEqual([4, 5, 6, 7]);
    // Each version holds the subject of exactly the edit that made it.
    for (const { template } of edits) {
      const mail = await resolver.render('guild-v', { source: 'server', name: 'promo', version: template.version }, 'en', vars);
      expect(mail.subject).toBe(`Promo edit ${template.updatedBy.slice(-1)} Tea & <Cake>`);
    }
    expect(await service.show('guild-v', 'promo')).toMatchObject({ source: 'server', version: 7 });
  });

  it('a delete keeps every version renderable, hides the name, and is recorded with who and when', async () => {
    const before = new Date();
    expect(await service.delete('guild-v', 'admin-9', 'promo')).toEqual({ name: 'promo', version: 8 });
    const after = new Date();
    const missing = await refusal(resolver.resolve('guild-v', 'promo', 'en'));
    expect(missing.code).toBe('UNKNOWN_TEMPLATE');
    expect(missing.params).toEqual({ template: 'promo', known: BUILTINS });
    expect((await resolver.list('guild-v')).map((t) => t.name)).toEqual(BUILTINS);
    expect((await refusal(service.show('guild-v', 'promo'))).code).toBe('UNKNOWN_TEMPLATE');
    expect((await refusal(service.edit('guild-v', 'admin-1', 'promo', draft()))).code).toBe('UNKNOWN_TEMPLATE');
    expect((await refusal(service.delete('guild-v', 'admin-1', 'promo'))).code).toBe('UNKNOWN_TEMPLATE');
    // A task made with version 1 or 3 still renders it.
    expect((await resolver.render('guild-v', { source: 'server', name: 'promo', version: 1 }, 'en', vars)).text).toBe('Version one for Ada');
    expect((await resolver.render('guild-v', { source: 'server', name: 'promo', version: 3 }, 'ko', vars)).text).toBe('Ada님, 세일입니다');
    // The delete itself is a version with no content.
    expect((await refusal(resolver.render('guild-v', { source: 'server', name: 'promo', version: 8 }, 'en', vars))).code).toBe('UNKNOWN_TEMPLATE');

    const row = await db.selectFrom('server_templates').selectAll().where('guild_id', '=', 'guild-v').where('name', '=', 'promo').executeTakeFirstOrThrow();
    expect(row.deleted_by).toBe('admin-9');
    expect(row.deleted_at!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
    expect(row.deleted_at!.getTime()).toBeLessThanOrEqual(after.getTime() + 1);
    const history = await repository.history('guild-v', 'promo');
    expect(history.map((h) => [h.version, h.action, h.language])).toEqual([
      [1, 'create', 'en'],
      [2, 'edit', 'en'],
      [3, 'edit', 'ko'],
      [4, 'edit', 'en'],
      [5, 'edit', 'en'],
      [6, 'edit', 'en'],
      [7, 'edit', 'en'],
      [8, 'delete', null],
    ]);
    expect(history.slice(0, 3).map((h) => h.actor_id)).toEqual(['admin-1', 'admin-2', 'admin-3']);
    expect(history[7]!.actor_id).toBe('admin-9');
    for (let i = 1; i < history.length; i++) expect(history[i]!.created_at.getTime()).toBeGreaterThanOrEqual(history[i - 1]!.created_at.getTime());
  });

  it('the name can be made again: it continues the versions, and old tasks keep theirs', async () => {
    const { template } = await service.create('guild-v', 'admin-5', 'promo', draft({ subject: 'Promo again {{item}}' }));
    expect(template.version).toBe(9);
    expect(template.createdBy).toBe('admin-5');
    expect(template.languages.map((l) => l.language)).toEqual(['en']);
    expect(template.history.map((h) => h.action)).toEqual(['create', 'edit', 'edit', 'edit', 'edit', 'edit', 'edit', 'delete', 'create']);
    expect((await resolver.render('guild-v', { source: 'server', name: 'promo', version: 9 }, 'en', vars)).subject).toBe('Promo again Tea & <Cake>');
    expect((await resolver.render('guild-v', { source: 'server', name: 'promo', version: 1 }, 'en', vars)).subject).toBe('Promo v1 Tea & <Cake>');
    expect((await refusal(resolver.resolve('guild-v', 'promo', 'ko'))).params).toEqual({ language: 'ko', available: ['en'] });
  });

  it('versions and contents are never updated: version 1 is byte for byte what was stored', async () => {
    const v1 = await repository.findVersion('guild-v', 'promo', 1);
    expect(v1).toHaveLength(1);
    expect(v1[0]).toMatchObject({ subject: 'Promo v1 {{item}}', text_body: 'Version one for {{name}}', variables: ['item', 'name'] });
  });
});

describe('one server cannot see or use another server\'s template', () => {
  beforeAll(async () => {
    await service.create('guild-a', 'admin-a', 'secret', draft({ subject: 'A only {{item}}' }));
  });

  it('server B gets the same error for A\'s template as for a name that exists nowhere', async () => {
    const fromB = await refusal(resolver.resolve('guild-b', 'secret', 'en'));
    const nowhere = await refusal(resolver.resolve('guild-nowhere', 'secret', 'en'));
    expect(fromB.code).toBe('UNKNOWN_TEMPLATE');
    expect(fromB.params).toEqual({ template: 'secret', known: BUILTINS });
    expect(fromB.params).toEqual(nowhere.params);
    expect(fromB.message).toBe(nowhere.message);
  });

  it('B cannot render A\'s version by reference, validate with it, list, show, preview, edit or delete it', async () => {
    const ref = (await resolver.resolve('guild-a', 'secret', 'en')).ref;
    expect(ref).toEqual({ source: 'server', name: 'secret', version: 1 });
    const attempts: (() => Promise<unknown>)[] = [
      () => resolver.render('guild-b', ref, 'en', vars),
      () => resolver.validate('guild-b', 'secret', 'en', vars),
      () => service.show('guild-b', 'secret'),
      () => service.preview('guild-b', 'secret', 'en'),
      () => service.edit('guild-b', 'admin-b', 'secret', draft()),
      () => service.delete('guild-b', 'admin-b', 'secret'),
      () =>
        resolver.renderTask({
          guild_id: 'guild-b',
          payload: { recipients: ['x@example.com'], template: 'secret', variables: vars, language: 'en', templateRef: ref },
        }),
      // No server at all (a DM): built-in templates only.
      () => resolver.render(null, ref, 'en', vars),
      () => resolver.resolve(null, 'secret', 'en'),
    ];
    for (const attempt of attempts) {
      const err = await refusal(attempt());
      expect(err.code).toBe('UNKNOWN_TEMPLATE');
      expect(err.params).toEqual({ template: 'secret', known: BUILTINS });
    }
    expect((await resolver.list('guild-b')).map((t) => t.name)).toEqual(BUILTINS);
    expect((await resolver.list(null)).map((t) => t.name)).toEqual(BUILTINS);
    // A's template is untouched by B's attempts.
    expect(await service.show('guild-a', 'secret')).toMatchObject({ source: 'server', version: 1 });
  });

  it('B may make its own template of the same name; each server renders its own', async () => {
    await service.create('guild-b', 'admin-b', 'secret', draft({ subject: 'B only {{item}}' }));
    const ref = { source: 'server' as const, name: 'secret', version: 1 };
    expect((await resolver.render('guild-a', ref, 'en', vars)).subject).toBe('A only Tea & <Cake>');
    expect((await resolver.render('guild-b', ref, 'en', vars)).subject).toBe('B only Tea & <Cake>');
    expect((await resolver.list('guild-a')).filter((t) => t.source === 'server').map((t) => t.name)).toEqual(['secret']);
  });
});

describe('resolution', () => {
  it('built-in templates resolve for every server, by reference too', async () => {
    const resolved = await resolver.resolve('guild-r', 'welcome', 'ko');
    expect(resolved).toEqual({
      ref: { source: 'builtin', name: 'welcome' },
      language: 'ko',
      languages: ['en', 'ko'],
      variables: ['community', 'name'],
      optional: [],
    });
    const mail = await resolver.render('guild-r', resolved.ref, 'ko', { name: '지민', community: 'Ops' });
    expect(mail.subject).toBe('Ops에 오신 것을 환영합니다, 지민님!');
  });

  it('a task without a template reference renders the built-in template it names', async () => {
    const mail = await resolver.renderTask({ guild_id: 'guild-r', payload: { recipients: ['x@example.com'], template: 'notice', variables: { title: 'T', body: 'B' }, language: 'en' } });
    expect(mail.subject).toBe('[Notice] T');
  });

  it('the server\'s own template comes before a built-in one of the same name', async () => {
    // Creating such a name is refused; this is what happens when a built-in template of that
    // name is added to Herald after the server made its own.
    const stored = await repository.create({
      guildId: 'guild-r',
      name: 'notice',
      actorId: 'admin-r',
      maxPerServer: 50,
      content: { language: 'en', subject: 'Own notice', text_body: 'Own {{x}}', html_body: null, variables: ['x'], optional_variables: [] },
    });
    expect(stored.kind).toBe('created');
    const own = await resolver.resolve('guild-r', 'notice', 'en');
    expect(own.ref).toEqual({ source: 'server', name: 'notice', version: 1 });
    expect((await resolver.render('guild-r', own.ref, 'en', { x: '1' })).text).toBe('Own 1');
    expect((await resolver.resolve('guild-other', 'notice', 'en')).ref).toEqual({ source: 'builtin', name: 'notice' });
    const listed = (await resolver.list('guild-r')).filter((t) => t.name === 'notice');
    expect(listed.map((t) => t.source)).toEqual(['server']);
  });

  it('checks a request\'s variables against the server template: required, optional, unknown, too long', async () => {
    await service.create('guild-r', 'admin-r', 'note', draft({ subject: 'Note for {{name}}', text: '{{#if extra}}PS: {{extra}}{{/if}}Hi {{name}}', html: null }));
    expect((await resolver.validate('guild-r', 'note', 'en', { name: 'Ada' })).optional).toEqual(['extra']);
    const missing = await refusal(resolver.validate('guild-r', 'note', 'en', { extra: 'x', name: ' ' }));
    expect(missing.code).toBe('MISSING_VARIABLES');
    expect(missing.params).toEqual({ template: 'note', missing: ['name'] });
    const unknown = await refusal(resolver.validate('guild-r', 'note', 'en', { name: 'Ada', team: 'x' }));
    expect(unknown.params).toEqual({ template: 'note', unknown: ['team'], expected: ['extra', 'name'] });
    expect((await refusal(resolver.validate('guild-r', 'note', 'en', { name: 'x'.repeat(2_001) }))).code).toBe('FIELD_TOO_LONG');
    // Within each value's limit, but the rendered subject would be over 500 characters: refused when the task is made.
    const long = await refusal(resolver.validate('guild-r', 'note', 'en', { name: 'x'.repeat(600) }));
    expect(long.code).toBe('TEMPLATE_OUTPUT_TOO_LONG');
    expect(long.params).toEqual({ part: 'subject', max: 500 });
  });

  it('preview fills variables not given with "[name]" and stores nothing', async () => {
    const counts = await rowCounts();
    const preview = await service.preview('guild-r', 'note', 'en', { extra: 'bring tea' });
    expect(preview.mail).toEqual({ subject: 'Note for [name]', text: 'PS: bring teaHi [name]', html: '' });
    expect(preview.values).toEqual({ name: '[name]', extra: 'bring tea' });
    expect((await service.preview('guild-r', 'welcome', 'en')).mail.subject).toBe('Welcome to [community], [name]!');
    expect((await refusal(service.preview('guild-r', 'note', 'en', { nope: '1' }))).code).toBe('UNKNOWN_VARIABLES');
    expect(await rowCounts()).toEqual(counts);
  });

  it('show gives a built-in template\'s summary; edit and delete of a built-in are refused', async () => {
    expect(await service.show('guild-r', 'reminder')).toEqual({
      source: 'builtin',
      name: 'reminder',
      description: { en: 'Remind someone of an upcoming event', ko: '다가오는 일정을 알려 줍니다' },
      languages: ['en', 'ko'],
      variables: ['event', 'name', 'when'],
    });
    expect((await refusal(service.edit('guild-r', 'admin-r', 'welcome', draft()))).code).toBe('TEMPLATE_BUILTIN_READONLY');
    expect((await refusal(service.delete('guild-r', 'admin-r', 'welcome'))).code).toBe('TEMPLATE_BUILTIN_READONLY');
  });
});

describe('limits and races', () => {
  it('a server may have 50 live templates; the 51st is refused; deleting one makes room', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => service.create('guild-full', 'admin', `t${i}`, draft())));
    const full = await refusal(service.create('guild-full', 'admin', 't50', draft()));
    expect(full.code).toBe('TEMPLATE_LIMIT_REACHED');
    expect(full.params).toEqual({ max: 50 });
    await service.delete('guild-full', 'admin', 't0');
    expect((await service.create('guild-full', 'admin', 't50', draft())).template.version).toBe(1);
    // Other servers are not affected.
    expect((await service.create('guild-other', 'admin', 't0', draft())).template.version).toBe(1);
  });

  it('racing creates of one name: exactly one wins, the rest are TEMPLATE_NAME_TAKEN', async () => {
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => service.create('guild-race', `admin-${i}`, 'same', draft())));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason.code).toBe('TEMPLATE_NAME_TAKEN');
  });

  it('racing creates past the limit never leave more than 50', async () => {
    await Promise.all(Array.from({ length: 48 }, (_, i) => service.create('guild-race-limit', 'admin', `t${i}`, draft())));
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => service.create('guild-race-limit', 'admin', `x${i}`, draft())));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect((await resolver.list('guild-race-limit')).filter((t) => t.source === 'server')).toHaveLength(50);
  });
});
