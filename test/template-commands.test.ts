// Server templates from Discord (issue 12), end to end: a real discord.js client against the
// Discord emulator, through HeraldCommands, the template core, PostgreSQL, the Temporal dev
// server, a real worker and the SMTP sink. An admin writes a template in a form; members reserve
// and send with it (giving variables in a form when they leave out vars); an edit after a
// reservation does not change its mail; another server neither sees nor uses it; members who are
// not admins change nothing; /preview renders with the HTML part attached and stores nothing.
import type { APIMessage } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { deployCommands } from '../src/bot/deploy-commands.js';
import { loadConfig } from '../src/config.js';
import { interactiveComponents, Permission } from './discord-emulator/emulator.js';
import { useDiscordBot, useDiscordEmulator } from './support/use-discord.js';
import { useHarness } from './support/use-harness.js';

const APP_ID = '980000000000000001';
const BOT_ID = '980000000000000002';
const TOKEN = 'template-commands-test-token';
const EPHEMERAL = 64;
const SERVER = '980000000000000010';
const OTHER = '980000000000000011';

const MEMBER = (Permission.ViewChannel | Permission.SendMessages | Permission.UseApplicationCommands).toString();
const ADMIN = (BigInt(MEMBER) | Permission.ManageGuild).toString();
const owner = { id: '981000000000000000', username: 'olivia' };
const carol = { id: '981000000000000001', username: 'carol' }; // admin of SERVER
const bob = { id: '981000000000000002', username: 'bob' }; // member of SERVER
const dave = { id: '981000000000000003', username: 'dave' }; // admin of OTHER
const minji = { id: '981000000000000004', username: 'minji' }; // admin of SERVER, Korean client
const erin = { id: '981000000000000005', username: 'erin' }; // admin of SERVER, loses it

const discord = useDiscordEmulator({
  applicationId: APP_ID,
  botId: BOT_ID,
  token: TOKEN,
  guilds: [
    {
      id: SERVER,
      name: 'Server',
      ownerId: owner.id,
      members: [
        { user: carol, permissions: ADMIN },
        { user: bob, permissions: MEMBER },
        { user: { ...minji, locale: 'ko' }, permissions: ADMIN },
        { user: erin, permissions: ADMIN },
      ],
    },
    { id: OTHER, name: 'Other', ownerId: owner.id, members: [{ user: dave, permissions: ADMIN }] },
  ],
});

const h = useHarness(() => ({
  server: 'dev',
  // The service's clock runs 55 s behind, so "in 1 minute" falls due 5 s from now.
  clock: () => new Date(Date.now() - 55_000),
  allowedGuildIds: [SERVER, OTHER],
}));

const bot = useDiscordBot(discord, h, { token: TOKEN, requiredPermission: 'SendMessages', adminPermission: 'ManageGuild' });

type User = { id: string; username: string };

const command = (name: string, options: Record<string, unknown>, user: User, extra: { guildId?: string; subcommand?: string } = {}) =>
  discord.slashCommand({ name, options: options as never, user, guildId: extra.guildId ?? SERVER, subcommand: extra.subcommand });

async function run(name: string, options: Record<string, unknown>, user: User, extra: { guildId?: string; subcommand?: string } = {}) {
  const handle = command(name, options, user, extra);
  const callback = await handle.callback();
  const message = await handle.waitForFinal();
  return { callback, message, handle };
}

const template = (sub: string, options: Record<string, unknown>, user: User, guildId = SERVER) => run('template', options, user, { guildId, subcommand: sub });

const field = (message: APIMessage, name: string) => message.embeds[0]!.fields!.find((f) => f.name === name)?.value;
const taskIdIn = (message: APIMessage) => /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;

const count = async (table: 'tasks' | 'server_templates' | 'server_template_versions' | 'server_template_contents') =>
  Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const LAUNCH = {
  language: 'en',
  subject: 'Launch: {{product}}',
  text: 'Hello {{name}},\n{{product}} ships{{#if date}} on {{date}}{{/if}}.',
  html: '<p>Hello {{name}}, <b>{{product}}</b> ships{{#if date}} on {{date}}{{/if}}.</p>',
};

/** An admin creates `name` through the form, with the sources given. */
async function createInForm(name: string, sources: { language: string; subject: string; text: string; html?: string }, user: User = carol, guildId = SERVER) {
  const open = command('template', { name }, user, { guildId, subcommand: 'create' });
  const modal = await open.waitForModal();
  const { language, ...texts } = sources;
  const submit = await discord.submitModal(open, { values: { language, ...texts } });
  return { modal, submit, message: await submit.waitForFinal() };
}

describe('deploy-commands', () => {
  it('registers /template with its sub-commands and /preview, which the emulator accepts as Discord would', async () => {
    const config = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discord.apiUrl, DISCORD_GUILD_ID: SERVER });
    expect(await deployCommands(config)).toEqual({ scope: 'guild', count: 13 });
    const registered = discord.guildCommands(SERVER);
    const templateCommand = registered.find((c) => c.name === 'template')!;
    expect(templateCommand.name_localizations).toEqual({ ko: '템플릿관리' });
    expect(templateCommand.options!.map((o) => [o.name, o.type, o.name_localizations?.ko])).toEqual([
      ['create', 1, '만들기'],
      ['edit', 1, '편집'],
      ['list', 1, '목록'],
      ['show', 1, '보기'],
      ['delete', 1, '삭제'],
    ]);
    const edit = templateCommand.options!.find((o) => o.name === 'edit') as { options: { name: string; required?: boolean; max_length?: number; choices?: { value: string }[] }[] };
    expect(edit.options.map((o) => [o.name, o.required === true])).toEqual([
      ['name', true],
      ['language', true],
    ]);
    expect(edit.options[0]!.max_length).toBe(32);
    expect(edit.options[1]!.choices!.map((c) => c.value)).toEqual(['en', 'ko']);
    const preview = registered.find((c) => c.name === 'preview')!;
    expect(preview.options!.map((o) => [o.name, o.required === true])).toEqual([
      ['template', true],
      ['vars', false],
      ['language', false],
    ]);
    // /reserve takes the language of the mail after vars, then the repeat options (issue 11).
    expect(registered.find((c) => c.name === 'reserve')!.options!.slice(-3).map((o) => o.name)).toEqual(['language', 'repeat', 'until']);
  });
});

describe('an admin writes a template in a form', () => {
  it('the form opens, the submit stores it and answers with its variables and a rendered preview', async () => {
    const { modal, submit, message } = await createInForm('launch', LAUNCH);
    expect(modal.title).toBe('New template: launch');
    expect(modal.fields.map((f) => [f.customId, f.type, f.required])).toEqual([
      ['language', 'stringSelect', true],
      ['subject', 'textInput', true],
      ['text', 'textInput', true],
      ['html', 'textInput', false],
    ]);
    // Discord's text inputs hold 4,000 characters; the help says where longer bodies come from.
    expect(modal.fields[2]).toMatchObject({ maxLength: 4000, style: 2 });
    expect(modal.fields[2]!.description).toContain('console');
    expect(modal.fields[1]).toMatchObject({ maxLength: 200, style: 1 });

    expect((await submit.callback()).flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.embeds[0]!.title).toBe('Template created: launch');
    expect(field(message, 'Variables')).toBe('Required: `name`, `product` · Optional: `date`');
    expect(field(message, 'Subject')).toBe('Launch: [product]');
    expect(message.embeds[0]!.description).toBe('```\nHello [name],\n[product] ships on [date].\n```');
    expect(discord.attachmentFile(message, 'preview.html')!.text()).toBe('<p>Hello [name], <b>[product]</b> ships on [date].</p>');

    const stored = await h.db.selectFrom('server_templates').selectAll().where('name', '=', 'launch').execute();
    expect(stored.map((t) => [t.guild_id, t.current_version, t.created_by])).toEqual([[SERVER, 1, carol.id]]);
  });

  it('a name that is taken or built-in is refused before the form opens', async () => {
    for (const [name, answer] of [
      ['launch', '❌ This server already has a template "launch". Edit it, or choose another name.'],
      ['notice', '❌ "notice" is the name of a built-in template. Choose another name.'],
      ['Bad Name', '❌ "Bad Name" cannot be a template name. Use 1 to 32 lowercase letters, digits, - or _, starting with a letter.'],
    ]) {
      const open = command('template', { name }, carol, { subcommand: 'create' });
      const callback = await open.callback();
      expect(callback.type, name).toBe(4);
      expect(callback.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(callback.data!.content).toBe(answer);
    }
  });

  it('a refused submit says why and gives back what was written; nothing is stored', async () => {
    const before = await count('server_template_versions');
    const { message } = await createInForm('broken', { language: 'en', subject: 'Hi {{name}}', text: 'Hello {{#each people}}x{{/each}}', html: '' });
    expect(message.content).toBe(
      "❌ Text body, line 1: unknown helper `each`. Templates may use only if, unless.\nWhat you wrote is attached, so nothing is lost.",
    );
    expect(discord.attachmentFile(message, 'draft-text.txt')!.text()).toBe('Hello {{#each people}}x{{/each}}');
    expect(discord.attachmentFile(message, 'draft-subject.txt')!.text()).toBe('Hi {{name}}');
    expect(discord.attachmentFile(message, 'draft-html.html')).toBeUndefined();
    expect(await count('server_template_versions')).toBe(before);
  });

  it('in Korean for a Korean client', async () => {
    const open = command('template', { name: 'hello-ko' }, minji, { subcommand: 'create' });
    const modal = await open.waitForModal();
    expect(modal.title).toBe('새 템플릿: hello-ko');
    expect(modal.fields.map((f) => f.label)).toEqual(['언어', '제목', '텍스트 본문', 'HTML 본문 (선택)']);
    // The client's language is chosen already.
    expect(modal.fields[0]!.options!.find((o) => o.default)!.value).toBe('ko');
    const submit = await discord.submitModal(open, { values: { subject: '안녕 {{name}}', text: '{{name}}님 안녕하세요' } });
    const message = await submit.waitForFinal();
    expect(message.embeds[0]!.title).toBe('템플릿을 만들었습니다: hello-ko');
    expect(field(message, '언어')).toBe('ko');
    expect(message.embeds[0]!.footer!.text).toContain('텍스트 메일');
    expect(message.attachments).toEqual([]);
  });
});

describe('a reservation made with the template', () => {
  it('delivers that subject and body; an edit made after it does not change its mail, and new mails use the edit', async () => {
    const { message: reserved } = await run(
      'reserve',
      { template: 'launch', to: 'ada@example.com', when: 'in 1 minute', description: 'launch mail', vars: 'name=Ada;product=Tea & <Cake>;date=Friday' },
      bob,
    );
    expect(reserved.embeds[0]!.title).toBe('Mail reserved');
    const taskId = taskIdIn(reserved);
    expect((await h.tasks.findById(taskId))!.payload.templateRef).toEqual({ source: 'server', name: 'launch', version: 1 });

    // The edit form opens filled in with what the language has now.
    const open = command('template', { name: 'launch', language: 'en' }, carol, { subcommand: 'edit' });
    const modal = await open.waitForModal();
    expect(modal.title).toBe('Edit template: launch');
    expect(Object.fromEntries(modal.fields.filter((f) => f.type === 'textInput').map((f) => [f.customId, f.value]))).toEqual({
      subject: LAUNCH.subject,
      text: LAUNCH.text,
      html: LAUNCH.html,
    });
    expect(modal.fields[0]!.options!.find((o) => o.default)!.value).toBe('en');
    const submit = await discord.submitModal(open, { values: { subject: 'Changed: {{product}}', text: 'Changed for {{name}}: {{product}}{{#if date}} {{date}}{{/if}}', html: '' } });
    const edited = await submit.waitForFinal();
    expect(edited.embeds[0]!.title).toBe('Template saved as a new version: launch');
    expect(field(edited, 'Version')).toBe('2');

    const mail = await h.sink.waitFor((m) => m.to.includes('ada@example.com'));
    expect(mail.messageId).toBe(`<${taskId}@example.test>`);
    expect(mail.subject).toBe('Launch: Tea & <Cake>');
    expect(mail.text.trim()).toBe('Hello Ada,\nTea & <Cake> ships on Friday.');
    expect(mail.html).toBe('<p>Hello Ada, <b>Tea &amp; &lt;Cake&gt;</b> ships on Friday.</p>');
    await expect.poll(async () => (await h.tasks.findById(taskId))!.status).toBe('finished');

    const { message: sent } = await run('sendmail', { template: 'launch', to: 'bea@example.com', vars: 'name=Bea;product=Jam' }, bob);
    expect(sent.embeds[0]!.title).toBe('Mail queued for sending');
    const now = await h.sink.waitFor((m) => m.to.includes('bea@example.com'));
    expect(now.subject).toBe('Changed: Jam');
    expect(now.text.trim()).toBe('Changed for Bea: Jam');
    expect(now.html).toBe('');
  });

  it('/template show lists who changed it and when', async () => {
    const { message } = await template('show', { name: 'launch' }, bob);
    expect(message.embeds[0]!.title).toBe('launch (this server, version 2)');
    const history = field(message, 'Changes')!.split('\n');
    expect(history.map((line) => line.replace(/<t:\d+:f>/, '<t>'))).toEqual([
      `v1 · created (en) · <@${carol.id}> · <t>`,
      `v2 · edited (en) · <@${carol.id}> · <t>`,
    ]);
    const versions = await h.db
      .selectFrom('server_template_versions')
      .innerJoin('server_templates', 'server_templates.id', 'server_template_versions.template_id')
      .select(['server_template_versions.version', 'server_template_versions.created_at'])
      .where('server_templates.name', '=', 'launch')
      .orderBy('server_template_versions.version')
      .execute();
    expect(history.map((line) => Number(/<t:(\d+):f>/.exec(line)![1]))).toEqual(versions.map((v) => Math.floor(v.created_at.getTime() / 1000)));
    expect(field(message, 'Language: en')).toContain('Subject: `Changed: {{product}}`');
  });
});

describe('another server', () => {
  it('cannot see or use the template', async () => {
    const listed = await run('templates', {}, dave, { guildId: OTHER });
    expect(JSON.stringify(listed.message.embeds)).not.toContain('launch');
    expect(JSON.stringify((await template('list', {}, carol)).message.embeds)).toContain('launch');

    const unknown = /^❌ There is no template "launch"\. Templates: notice, reminder, welcome\.$/;
    expect((await template('show', { name: 'launch' }, dave, OTHER)).message.content).toMatch(unknown);
    expect((await run('preview', { template: 'launch' }, dave, { guildId: OTHER })).message.content).toMatch(unknown);
    const tasksBefore = await count('tasks');
    const reserve = await run('reserve', { template: 'launch', to: 'x@example.com', when: 'in 2 days', description: 'theft', vars: 'name=X;product=Y' }, dave, { guildId: OTHER });
    expect(reserve.message.content).toMatch(unknown);
    expect(await count('tasks')).toBe(tasksBefore);
    // Without vars it does not offer a form for it either: the command says there is no such template.
    const noVars = await run('sendmail', { template: 'launch', to: 'x@example.com' }, dave, { guildId: OTHER });
    expect(noVars.callback.type).toBe(5);
    expect(noVars.message.content).toMatch(unknown);

    const suggest = discord.autocomplete({ name: 'sendmail', options: { template: 'la', to: '' } as never, focused: 'template', user: dave, guildId: OTHER });
    expect((await suggest.callback()).data!.choices).toEqual([]);
    const here = discord.autocomplete({ name: 'sendmail', options: { template: 'la', to: '' } as never, focused: 'template', user: bob, guildId: SERVER });
    expect(((await here.callback()).data!.choices as { value: string }[]).map((c) => c.value)).toEqual(['launch']);

    // Its admin cannot change or delete it; the name is free there.
    expect((await template('delete', { name: 'launch' }, dave, OTHER)).message.content).toMatch(unknown);
    const edit = command('template', { name: 'launch', language: 'en' }, dave, { guildId: OTHER, subcommand: 'edit' });
    expect((await edit.callback()).data!.content).toMatch(unknown);
    const created = await createInForm('launch', { language: 'en', subject: 'Other {{x}}', text: 'Other {{x}}' }, dave, OTHER);
    expect(created.message.embeds[0]!.title).toBe('Template created: launch');
    expect(field((await template('show', { name: 'launch' }, carol)).message, 'Language: en')).toContain('Changed: {{product}}');
  });
});

describe('members who are not admins', () => {
  it('cannot create, edit or delete: no form opens and nothing changes', async () => {
    const versionsBefore = await count('server_template_versions');
    const notAdmin = /^❌ Only this server's Herald admins can see every task of the server or change its templates/;
    for (const [sub, options] of [
      ['create', { name: 'mine' }],
      ['edit', { name: 'launch', language: 'en' }],
    ] as const) {
      const open = command('template', options, bob, { subcommand: sub });
      const callback = await open.callback();
      expect(callback.type, sub).toBe(4);
      expect(callback.data!.content, sub).toMatch(notAdmin);
    }
    expect((await template('delete', { name: 'launch' }, bob)).message.content).toMatch(notAdmin);
    // They may still look.
    expect((await template('show', { name: 'launch' }, bob)).message.embeds[0]!.title).toBe('launch (this server, version 2)');
    expect(await count('server_template_versions')).toBe(versionsBefore);
  });

  it('an admin who loses the permission while the form is open cannot save it', async () => {
    const open = command('template', { name: 'launch', language: 'en' }, erin, { subcommand: 'edit' });
    await open.waitForModal();
    discord.addMember(SERVER, { user: erin, permissions: MEMBER });
    const submit = await discord.submitModal(open, { values: { subject: 'Hijacked {{product}}' } });
    const message = await submit.waitForFinal();
    expect(message.content).toMatch(/^❌ Only this server's Herald admins/);
    expect(discord.attachmentFile(message, 'draft-subject.txt')!.text()).toBe('Hijacked {{product}}');
    expect((await h.db.selectFrom('server_templates').select('current_version').where('guild_id', '=', SERVER).where('name', '=', 'launch').executeTakeFirstOrThrow()).current_version).toBe(2);
  });
});

describe('variables in a form', () => {
  it('/reserve without vars asks for them in a form, then confirms as usual', async () => {
    const open = command('reserve', { template: 'launch', to: 'cy@example.com', when: 'in 3 days', description: 'from the form' }, bob);
    const modal = await open.waitForModal();
    expect(modal.title).toBe('Fill in: launch');
    expect(modal.fields.map((f) => [f.customId, f.label, f.required, f.description])).toEqual([
      ['date', 'date', false, 'Optional'],
      ['name', 'name', true, undefined],
      ['product', 'product', true, undefined],
    ]);
    const tasksBefore = await count('tasks');
    const submit = await discord.submitModal(open, { values: { name: 'Cy', product: 'Tea; cakes\nand more' } });
    expect((await submit.callback()).type).toBe(5);
    const message = await submit.waitForFinal();
    expect(message.embeds[0]!.title).toBe('Mail reserved');
    expect(field(message, 'Description')).toBe('from the form');
    expect(interactiveComponents(message).map((c) => c.label)).toEqual(['+10 min', '+1 hour', 'Tomorrow, same time', 'Cancel reservation']);
    const task = (await h.tasks.findById(taskIdIn(message)))!;
    expect(task).toMatchObject({ requester_id: bob.id, guild_id: SERVER, status: 'reserved' });
    expect(task.payload.recipients).toEqual(['cy@example.com']);
    // A blank optional field is left out.
    expect(task.payload.variables).toEqual({ name: 'Cy', product: 'Tea; cakes\nand more' });
    expect(task.payload.templateRef).toEqual({ source: 'server', name: 'launch', version: 2 });
    expect(await count('tasks')).toBe(tasksBefore + 1);
  });

  it('/sendmail without vars sends with the values from the form', async () => {
    const open = command('sendmail', { template: 'reminder', to: 'di@example.com' }, bob);
    const modal = await open.waitForModal();
    expect(modal.fields.map((f) => f.customId)).toEqual(['event', 'name', 'when']);
    const submit = await discord.submitModal(open, { values: { event: 'Standup', name: 'Di', when: '9:30' } });
    expect((await submit.waitForFinal()).embeds[0]!.title).toBe('Mail queued for sending');
    const mail = await h.sink.waitFor((m) => m.to.includes('di@example.com'));
    expect(mail.text).toContain('Di');
    expect(mail.text).toContain('Standup');
  });

  it('a refusal after the form (here: the recipient) is answered like the command\'s own', async () => {
    const open = command('reserve', { template: 'launch', to: 'not-an-address', when: 'in 3 days', description: 'bad' }, bob);
    const submit = await discord.submitModal(open, { values: { name: 'X', product: 'Y' } });
    expect((await submit.waitForFinal()).content).toBe('❌ "not-an-address" is not a valid e-mail address.');
  });

  it('a time that cannot be read is refused before the form opens', async () => {
    const { callback, message } = await run('reserve', { template: 'launch', to: 'cy@example.com', when: 'yesterday 9am', description: 'past' }, bob);
    expect(callback.type).toBe(5);
    expect(message.content).toBe('❌ That time is already in the past. Pick a time in the future.');
  });

  it('more variables than a form holds: the reply says to use vars', async () => {
    await h.serverTemplates.create(SERVER, carol.id, 'wide', { language: 'en', subject: '{{a}} {{b}}', text: '{{c}} {{d}} {{e}} {{f}}' });
    const tasksBefore = await count('tasks');
    const open = command('reserve', { template: 'wide', to: 'w@example.com', when: 'in 3 days', description: 'wide' }, bob);
    const callback = await open.callback();
    expect(callback.type).toBe(4);
    expect(callback.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(callback.data!.content).toBe(
      '❌ Template "wide" has 6 variables, more than a Discord form can ask for (5). Give them in vars: a=…;b=…;c=…;d=…;e=…;f=…',
    );
    expect(await count('tasks')).toBe(tasksBefore);
    // With vars it goes through.
    const { message } = await run('reserve', { template: 'wide', to: 'w@example.com', when: 'in 3 days', description: 'wide', vars: 'a=1;b=2;c=3;d=4;e=5;f=6' }, bob);
    expect(message.embeds[0]!.title).toBe('Mail reserved');
  });

  it('a form submitted after the bot restarted says it expired, and nothing is made', async () => {
    const open = command('reserve', { template: 'launch', to: 'late@example.com', when: 'in 3 days', description: 'late' }, bob);
    await open.waitForModal();
    await bot.restart();
    const tasksBefore = await count('tasks');
    const submit = await discord.submitModal(open, { values: { name: 'L', product: 'P' } });
    const callback = await submit.callback();
    expect(callback.type).toBe(4);
    expect(callback.data!.content).toBe('❌ This form has expired (Herald keeps a form for 30 minutes, and not across a restart). Run the command again.');
    expect(await count('tasks')).toBe(tasksBefore);
  });
});

describe('/preview', () => {
  it('renders the subject and the text part, attaches the HTML part, and stores or sends nothing', async () => {
    const tables = ['tasks', 'server_templates', 'server_template_versions', 'server_template_contents'] as const;
    const before = await Promise.all(tables.map(count));
    const mailsBefore = h.sink.mails.length;

    const { callback, message } = await run('preview', { template: 'notice', vars: 'title=Tea & <cake>;body=Come at 3' }, bob);
    expect(callback.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.embeds[0]!.title).toBe('Preview: notice (en)');
    expect(field(message, 'Subject')).toBe('[Notice] Tea & <cake>');
    expect(message.embeds[0]!.description).toContain('Come at 3');
    const html = discord.attachmentFile(message, 'preview.html')!;
    expect(html.contentType).toMatch(/^text\/html/);
    expect(html.text()).toContain('Tea &amp; &lt;cake&gt;');
    expect(message.embeds[0]!.footer!.text).toBe('Nothing was stored or sent. The HTML part is attached as preview.html.');

    // A server template, with placeholders for what is not given; without an HTML part nothing is attached.
    const own = await run('preview', { template: 'launch', vars: 'name=Ada' }, bob);
    expect(field(own.message, 'Subject')).toBe('Changed: [product]');
    expect(own.message.embeds[0]!.description).toBe('```\nChanged for Ada: [product] [date]\n```');
    expect(own.message.attachments).toEqual([]);
    expect(own.message.embeds[0]!.footer!.text).toBe(
      'Nothing was stored or sent. Variables not given show as [name]. This template has no HTML part: the mail is plain text.',
    );
    // A language the template does not have, and bad vars, are refused with the reason.
    expect((await run('preview', { template: 'launch', language: 'ko' }, bob)).message.content).toBe('❌ Language "ko" is not available. Available: en.');
    expect((await run('preview', { template: 'launch', vars: 'oops' }, bob)).message.content).toBe(
      '❌ "oops" is not a key=value pair. Write vars as name=Alice;team=Ops.',
    );

    expect(await Promise.all(tables.map(count))).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.sink.mails.length).toBe(mailsBefore);
  });
});

describe('/template delete', () => {
  it('removes the template for new mails; a reservation made with it still goes out', async () => {
    const { message: reserved } = await run(
      'reserve',
      { template: 'launch', to: 'gone@example.com', when: 'in 1 minute', description: 'after delete', vars: 'name=Gus;product=Gum' },
      bob,
    );
    const taskId = taskIdIn(reserved);
    const { message } = await template('delete', { name: 'launch' }, carol);
    expect(message.content).toBe(
      '🗑 Template deleted: **launch** (version 3)\nReservations already made with it keep the version they were made with; new mails cannot use it.',
    );
    expect(JSON.stringify((await template('list', {}, bob)).message.embeds)).not.toContain('"launch"');
    expect((await run('sendmail', { template: 'launch', to: 'x@example.com', vars: 'name=a;product=b' }, bob)).message.content).toMatch(/^❌ There is no template "launch"/);
    const mail = await h.sink.waitFor((m) => m.to.includes('gone@example.com'));
    expect(mail.messageId).toBe(`<${taskId}@example.test>`);
    expect(mail.subject).toBe('Changed: Gum');
  });

  it('the emulator saw only routes it knows, and nothing was refused', () => {
    expect(discord.unhandledRequests).toEqual([]);
    expect(discord.interactions.flatMap((i) => i.refusals)).toEqual([]);
  });
});
