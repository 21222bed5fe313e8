// Herald as a public bot (issue 9 §1 and §3), end to end: a real discord.js client against the
// Discord emulator, through HeraldCommands, TaskService, PostgreSQL, the Temporal dev server, a
// real worker and the SMTP sink. Servers Herald is not allowed in get nothing from it; a task
// belongs to the server it was made in; server admins see and cancel the server's tasks; a
// requester who left is not sent for; users read why a mail failed, never the relay's details;
// long lists page.
import type { APIMessage } from 'discord-api-types/v10';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { DiscordDmNotifier } from '../src/notify/outcome-notifier.js';
import { DiscordMembershipChecker } from '../src/tasks/membership.js';
import { interactiveComponents, Permission } from './discord-emulator/emulator.js';
import { startHeraldProcess } from './support/processes.js';
import { useDiscordBot, useDiscordEmulator } from './support/use-discord.js';
import { useHarness } from './support/use-harness.js';

const APP_ID = '970000000000000001';
const BOT_ID = '970000000000000002';
const TOKEN = 'public-bot-test-token';
const EPHEMERAL = 64;
/** Two servers Herald serves, and one that invited it without the operator's say. */
const ALLOWED = '970000000000000010';
const ALSO_ALLOWED = '970000000000000011';
const STRANGER = '970000000000000012';

const MEMBER = (Permission.ViewChannel | Permission.SendMessages | Permission.UseApplicationCommands).toString();
const ADMIN = (BigInt(MEMBER) | Permission.ManageGuild).toString();
const owner = { id: '971000000000000000', username: 'olivia' };
const alice = { id: '971000000000000001', username: 'alice' };
const bob = { id: '971000000000000002', username: 'bob' };
const carol = { id: '971000000000000003', username: 'carol' }; // an admin of ALLOWED
const dave = { id: '971000000000000004', username: 'dave' };
const erin = { id: '971000000000000005', username: 'erin' };
const mallory = { id: '971000000000000006', username: 'mallory' };
const max = { id: '971000000000000007', username: 'max' };

const discord = useDiscordEmulator({
  applicationId: APP_ID,
  botId: BOT_ID,
  token: TOKEN,
  guilds: [
    {
      id: ALLOWED,
      name: 'Allowed',
      ownerId: owner.id,
      members: [alice, bob, dave, erin, max].map((user) => ({ user, permissions: MEMBER })).concat([{ user: carol, permissions: ADMIN }]),
    },
    // carol is an admin of ALLOWED only.
    { id: ALSO_ALLOWED, name: 'Also allowed', ownerId: owner.id, members: [alice, carol].map((user) => ({ user, permissions: MEMBER })) },
    { id: STRANGER, name: 'Stranger', ownerId: mallory.id, members: [{ user: alice, permissions: ADMIN }] },
  ],
});

const h = useHarness(() => ({
  server: 'dev',
  // The service's clock runs 55 s behind, so "in 1 minute" falls due 5 s from now.
  clock: () => new Date(Date.now() - 55_000),
  allowedGuildIds: [ALLOWED, ALSO_ALLOWED],
  notifier: new DiscordDmNotifier({ token: TOKEN, apiUrl: discord.apiUrl }, createLogger({ level: 'silent' })),
  membership: new DiscordMembershipChecker({ token: TOKEN, apiUrl: discord.apiUrl }),
}));

// Members may use Herald (Send Messages); admins are those who may Manage Server (the default).
const bot = useDiscordBot(discord, h, { token: TOKEN, requiredPermission: 'SendMessages', adminPermission: 'ManageGuild' });

type User = { id: string; username: string };

async function run(name: string, options: Record<string, unknown>, user: User, guildId: string = ALLOWED) {
  const handle = discord.slashCommand({ name, options: options as never, user, guildId });
  const callback = await handle.callback();
  const message = await handle.waitForFinal();
  return { callback, message };
}

const idIn = (message: APIMessage) => /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;

const reserve = (user: User, description: string, guildId: string = ALLOWED, when = 'in 3 days') =>
  run('reserve', { template: 'notice', to: 'team@example.com', when, description, vars: 'title=Hi;body=There' }, user, guildId);

const listedIn = async (guildId: string, user: User) => JSON.stringify((await run('reserved', {}, user, guildId)).message.embeds);

const rowsIn = async (guildId: string) =>
  Number(
    (await h.db.selectFrom('tasks').select((eb) => eb.fn.countAll<string>().as('n')).where('guild_id', '=', guildId).executeTakeFirstOrThrow()).n,
  );

describe('servers Herald is not allowed in', () => {
  it('get a clear private refusal for commands, and nothing is stored or sent', async () => {
    const mailsBefore = h.sink.mails.length;
    for (const [name, options] of [
      ['sendmail', { template: 'notice', to: 'x@example.com', vars: 'title=Spam;body=Spam' }],
      ['reserve', { template: 'notice', to: 'x@example.com', when: 'in 2 hours', description: 'spam', vars: 'title=Spam;body=Spam' }],
      ['reserved', {}],
      ['templates', {}],
    ] as const) {
      const { callback } = await run(name, options, alice, STRANGER);
      expect(callback.type, name).toBe(4);
      expect(callback.flags! & EPHEMERAL, name).toBe(EPHEMERAL);
      expect(callback.data!.content, name).toBe("❌ Herald is not set up to work in this server. Ask the bot's operator to allow it.");
    }
    expect(await rowsIn(STRANGER)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.sink.mails.length).toBe(mailsBefore);
  });

  it('in Korean for a Korean client', async () => {
    const handle = discord.slashCommand({ name: 'templates', user: alice, guildId: STRANGER, locale: 'ko' });
    expect((await handle.callback()).data!.content).toBe('❌ 이 서버에서는 Herald 를 쓸 수 없도록 설정되어 있습니다. 봇 운영자에게 허용을 요청해 주세요.');
  });

  it('get the refusal as the one autocomplete suggestion', async () => {
    for (const [name, focused, options] of [
      ['reserve', 'when', { template: 'notice', to: 'x@example.com', when: 'in 2 hours' }],
      ['cancel', 'task', { task: '' }],
      ['sendmail', 'template', { template: 'no' }],
    ] as const) {
      const ac = discord.autocomplete({ name, options: options as never, focused, user: alice, guildId: STRANGER });
      const choices = (await ac.callback()).data!.choices as { name: string; value: string }[];
      expect(choices, name).toHaveLength(1);
      expect(choices[0]!.name, name).toBe("⛔ Herald is not set up to work in this server. Ask the bot's operator to allow it.");
    }
  });

  it('cannot use a button either: a Cancel button pressed there cancels nothing', async () => {
    const { message } = await reserve(alice, 'button elsewhere');
    const taskId = idIn(message);
    const customId = interactiveComponents(message)[0]!.customId!;
    const click = discord.button({ customId, user: alice, guildId: STRANGER });
    const callback = await click.callback();
    expect(callback.type).toBe(4);
    expect(callback.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(callback.data!.content).toMatch(/^❌ Herald is not set up to work in this server/);
    expect((await h.tasks.findById(taskId))!.status).toBe('reserved');
  });

  it('Herald does not start as a bot that would answer any server, and says which variables to set', async () => {
    const herald = startHeraldProcess('bot', {
      DATABASE_URL: h.databaseUrl,
      TEMPORAL_ADDRESS: h.env.address,
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: discord.apiUrl,
    });
    expect(await herald.exited).toBe(1);
    expect(herald.output()).toMatch(/DISCORD_ALLOWED_GUILD_IDS: .*DISCORD_ALLOWED_GUILD_IDS.*DISCORD_GUILD_ID/);
    expect(herald.output()).not.toMatch(/Herald is running/);
  });
});

describe('a task belongs to the server it was made in', () => {
  it('is listed, offered, canceled and moved only there', async () => {
    const here = idIn((await reserve(alice, 'made in Allowed')).message);
    const there = idIn((await reserve(alice, 'made in Also allowed', ALSO_ALLOWED)).message);

    const listed = (guildId: string) => listedIn(guildId, alice);
    expect(await listed(ALSO_ALLOWED)).toContain(there);
    expect(await listed(ALSO_ALLOWED)).not.toContain(here);
    expect(await listed(ALLOWED)).toContain(here);
    expect(await listed(ALLOWED)).not.toContain(there);

    const ac = discord.autocomplete({ name: 'reschedule', options: { task: '', when: '' } as never, focused: 'task', user: alice, guildId: ALSO_ALLOWED });
    expect(((await ac.callback()).data!.choices as { value: string }[]).map((c) => c.value)).toEqual([there]);

    const canceled = await run('cancel', { task: here }, alice, ALSO_ALLOWED);
    expect(canceled.message.content).toBe(`❌ You have no task "${here}". Use /reserved to see your reservations.`);
    const moved = await run('reschedule', { task: here, when: 'in 5 days' }, alice, ALSO_ALLOWED);
    expect(moved.message.content).toMatch(/^❌ You have no task/);
    expect((await h.tasks.findById(here))!.status).toBe('reserved');

    expect((await run('cancel', { task: there }, alice, ALSO_ALLOWED)).message.embeds[0]!.title).toBe('Reservation canceled');
  });

  it("the console's tasks (no server) stay the console's", async () => {
    const consoleCtx = await h.commands.contextFor({ userId: alice.id, guildId: null });
    const made = await h.commands.reserve(consoleCtx, { template: 'notice', to: 'c@example.com', when: 'in 4 days', description: 'from the console', vars: 'title=t;body=b' });
    expect(made.kind).toBe('reserved');
    const consoleId = made.kind === 'reserved' ? made.task.id : '';
    const inConsole = await h.commands.reserved(consoleCtx);
    expect(inConsole.kind === 'list' && inConsole.tasks.map((t) => t.guildId)).toEqual([null]);
    expect(await listedIn(ALLOWED, alice)).not.toContain(consoleId);
    const fromDiscord = await run('cancel', { task: consoleId }, alice);
    expect(fromDiscord.message.content).toMatch(/^❌ You have no task/);
    expect((await h.commands.cancel(consoleCtx, { task: consoleId })).kind).toBe('canceled');
  });
});

describe('server admins', () => {
  it("list every open task of their server with scope:server, and cancel anyone's; who canceled is recorded and shown", async () => {
    const bobs = idIn((await reserve(bob, "bob's reservation")).message);
    const elsewhere = idIn((await reserve(alice, 'not this server', ALSO_ALLOWED)).message);

    const { message: list } = await run('reserved', { scope: 'server' }, carol);
    const embed = list.embeds[0]!;
    expect(embed.title).toMatch(/^Open tasks of this server \(\d+\)$/);
    const bobsField = embed.fields!.find((f) => f.value.includes(bobs))!;
    expect(bobsField.value).toContain(`Requester: <@${bob.id}>`);
    expect(JSON.stringify(embed)).not.toContain(elsewhere);

    const ac = discord.autocomplete({ name: 'cancel', options: { task: bobs.slice(0, 8) } as never, focused: 'task', user: carol });
    expect(((await ac.callback()).data!.choices as { value: string }[]).map((c) => c.value)).toEqual([bobs]);

    const { message: canceled } = await run('cancel', { task: bobs }, carol);
    expect(canceled.embeds[0]!.title).toBe('Reservation canceled');
    expect(canceled.embeds[0]!.fields!.find((f) => f.name === 'Canceled by')!.value).toBe(`<@${carol.id}>`);
    const row = (await h.tasks.findById(bobs))!;
    expect(row.status).toBe('canceled');
    expect(row.canceled_by).toBe(carol.id);
    expect(row.requester_id).toBe(bob.id);

    // An admin of one server is nobody in another.
    const refused = await run('cancel', { task: elsewhere }, carol, ALSO_ALLOWED);
    expect(refused.message.content).toMatch(/^❌ You have no task/);
    expect((await h.tasks.findById(elsewhere))!.status).toBe('reserved');
  });

  it("are the only ones: a member cannot list the server's tasks, nor cancel another member's", async () => {
    const bobs = idIn((await reserve(bob, 'only mine')).message);
    const { message } = await run('reserved', { scope: 'server' }, alice);
    expect(message.content).toBe("❌ Only this server's Herald admins can see every task of the server or change its templates. Your own reservations are in /reserved.");
    const refused = await run('cancel', { task: bobs }, alice);
    expect(refused.message.content).toMatch(/^❌ You have no task/);
    const ac = discord.autocomplete({ name: 'cancel', options: { task: '' } as never, focused: 'task', user: alice });
    expect(((await ac.callback()).data!.choices as { value: string }[]).map((c) => c.value)).not.toContain(bobs);

    const { message: own } = await run('cancel', { task: bobs }, bob);
    expect(own.embeds[0]!.fields!.find((f) => f.name === 'Canceled by')!.value).toBe(`<@${bob.id}>`);
    expect((await h.tasks.findById(bobs))!.canceled_by).toBe(bob.id);
  });
});

describe('before sending', () => {
  it('a requester who left the server is not sent for: the task fails at once with the reason, and no mail goes out', async () => {
    const { message } = await reserve(dave, 'leaves before it is due', ALLOWED, 'in 1 minute');
    const id = idIn(message);
    discord.removeMember(ALLOWED, dave.id);
    const dm = discord.nextDirectMessage(dave.id, { timeoutMs: 30_000 });
    await expect(h.workflow(id).result()).rejects.toThrow();
    const row = (await h.tasks.findById(id))!;
    expect(row.status).toBe('failed');
    expect(row.failure_reason).toBe('requester-left');
    expect(row.attempts).toBe(0); // never claimed, never retried
    expect(row.error).toMatch(/no longer a member/);
    expect(h.mailsOf(id)).toEqual([]);
    expect((await dm).content).toContain('> the requester left the server');
  });

  it('a requester still in the server is sent for', async () => {
    const { message } = await reserve(max, 'stays', ALLOWED, 'in 1 minute');
    const id = idIn(message);
    expect(await h.workflow(id).result()).toMatchObject({ kind: 'sent' });
    expect(h.mailsOf(id)).toHaveLength(1);
  });
});

describe('what users see of a failure', () => {
  it("the DM gives a classified reason and the reply's codes, never the relay's host, port or text", async () => {
    h.sink.failNext(1, 550, '5.1.1 <team@example.com>: Recipient address rejected by mx7.relay.internal[10.20.30.40]:2525');
    const { message } = await reserve(erin, 'will bounce', ALLOWED, 'in 1 minute');
    const id = idIn(message);
    const dm = discord.nextDirectMessage(erin.id, { timeoutMs: 30_000 });
    await h.workflow(id).result().catch(() => undefined);
    const text = (await dm).content;
    expect(text).toContain('> the mail server refused the address (550 5.1.1)');
    expect(text).not.toMatch(/mx7|relay\.internal|10\.20\.30\.40|2525|Recipient address rejected/);
    // The raw reply stays in the row, for operators.
    const row = (await h.tasks.findById(id))!;
    expect(row.error).toContain('mx7.relay.internal');
    expect(row.failure_reason).toBe('address-refused');
  });

  it('a control character in a variable gets a precise answer, not an apology, and nothing is stored', async () => {
    const before = await rowsIn(ALLOWED);
    const { message } = await run('sendmail', { template: 'notice', to: 'x@example.com', vars: 'title=bad\u0000title;body=b' }, alice);
    expect(message.content).toBe('❌ The value of variable "title" has a control character (U+0000) at character 4. Remove it.');
    expect(await rowsIn(ALLOWED)).toBe(before);
  });

  it('an escaped ";" stays in the value', async () => {
    const { message } = await run('sendmail', { template: 'notice', to: 'semi@example.com', vars: 'title=Tea\\; cakes;body=a \\\\ b' }, alice);
    const id = idIn(message);
    const mail = await h.sink.waitFor((m) => m.messageId === `<${id}@example.test>`);
    expect(mail.subject).toBe('[Notice] Tea; cakes');
    expect((await h.tasks.findById(id))!.payload.variables).toEqual({ title: 'Tea; cakes', body: 'a \\ b' });
  });
});

describe('/reserved pages through long lists', () => {
  const many = 23;
  const long = (i: number) => `reservation ${String(i).padStart(2, '0')} ${'with a long description '.repeat(8)}`.slice(0, 200);

  beforeAll(async () => {
    for (let i = 0; i < many; i++) {
      await h.service.reserveTask({
        requesterId: erin.id,
        guildId: ALLOWED,
        template: 'notice',
        to: `a-rather-long-recipient-address-number-${i}@a-long-subdomain.example.com`,
        variables: 'title=t;body=b',
        description: long(i),
        when: new Date(Date.now() + (i + 2) * 86_400_000),
      });
    }
  });

  const footer = (m: APIMessage) => m.embeds[0]!.footer?.text;
  const descriptions = (m: APIMessage) => m.embeds[0]!.fields!.map((f) => /reservation (\d\d)/.exec(f.value)?.[1]);
  const embedLength = (m: APIMessage) => {
    const e = m.embeds[0]!;
    return (e.title?.length ?? 0) + (e.footer?.text.length ?? 0) + e.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
  };
  const buttons = (m: APIMessage) => Object.fromEntries(interactiveComponents(m).map((b) => [b.label, b]));

  it('a full page of long reservations fits in one embed', async () => {
    const { message } = await run('reserved', { limit: 25 }, erin);
    expect(message.embeds[0]!.fields).toHaveLength(many);
    expect(embedLength(message)).toBeLessThanOrEqual(6_000);
    // Every task keeps its time and its id, however little room is left for its description.
    for (const field of message.embeds[0]!.fields!) expect(field.value).toMatch(/^<t:\d+:F> \(<t:\d+:R>\)\n`[0-9a-f-]{36}`/);
  });

  it('with Previous and Next, only for its owner, still working after a restart', async () => {
    const first = (await run('reserved', {}, erin)).message;
    expect(first.embeds[0]!.title).toBe(`Your reservations (${many})`);
    expect(descriptions(first)).toEqual(['00', '01', '02', '03', '04', '05', '06', '07', '08', '09']);
    expect(footer(first)).toBe(`1–10 of ${many}`);
    expect(buttons(first)['◀ Previous']!.disabled).toBe(true);
    expect(buttons(first)['Next ▶']!.disabled).toBe(false);

    const press = async (label: string, message: APIMessage, user: User = erin) => {
      const click = discord.button({ customId: buttons(message)[label]!.customId!, message: message.id, user });
      return { callback: await click.callback(), message: () => click.waitForFinal() };
    };

    const second = await (await press('Next ▶', first)).message();
    expect(footer(second)).toBe(`11–20 of ${many}`);
    expect(descriptions(second)[0]).toBe('10');

    // Shown to erin only; alice gets hold of the message some other way.
    const click = discord.button({ customId: buttons(second)['Next ▶']!.customId!, message: { ...second }, user: alice });
    const stranger = { callback: await click.callback() };
    expect(stranger.callback.type).toBe(4);
    expect(stranger.callback.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(stranger.callback.data!.content).toBe("❌ These buttons page through someone else's list. Use /reserved for your own.");

    await bot.restart();
    const third = await (await press('Next ▶', second)).message();
    expect(footer(third)).toBe(`21–23 of ${many}`);
    expect(descriptions(third)).toEqual(['20', '21', '22']);
    expect(buttons(third)['Next ▶']!.disabled).toBe(true);

    const back = await (await press('◀ Previous', third)).message();
    expect(footer(back)).toBe(`11–20 of ${many}`);
  });
});

describe('the emulator saw only routes it knows', () => {
  it('has no unhandled requests', () => {
    expect(discord.unhandledRequests).toEqual([]);
  });
});
