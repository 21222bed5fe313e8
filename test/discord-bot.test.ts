// The Discord front end end to end: a real discord.js client logged into the local Discord API
// emulator, through HeraldCommands, TaskService, PostgreSQL, the Temporal dev server and the sink.
import { sql } from 'kysely';
import type { APIMessage } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { deployCommands } from '../src/bot/deploy-commands.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { DiscordDmNotifier } from '../src/notify/outcome-notifier.js';
import { useDiscordBot, useDiscordEmulator } from './support/use-discord.js';
import { useHarness } from './support/use-harness.js';

const APP_ID = '900000000000000001';
const BOT_ID = '900000000000000002';
const GUILD_ID = '900000000000000003';
const TOKEN = 'test-bot-token';
const EPHEMERAL = 64;
const alice = { id: '100000000000000001', username: 'alice' };
const bob = { id: '100000000000000002', username: 'bob' };

const discord = useDiscordEmulator({
  applicationId: APP_ID,
  botId: BOT_ID,
  guilds: [{ id: GUILD_ID, name: 'Herald test server' }],
  token: TOKEN,
});

/** When set, the service's "now"; a test that needs a known date pins it. */
let pinnedNow: Date | undefined;
const h = useHarness(() => ({
  server: 'dev',
  // The service's clock runs 55 s behind, so "in 1 minute" falls due 5 s from now (outcome DMs).
  clock: () => pinnedNow ?? new Date(Date.now() - 55_000),
  guardRails: { mailsPerHour: 4, maxOpenReservations: 25, allowedRecipientDomains: [] },
  notifier: new DiscordDmNotifier({ token: TOKEN, apiUrl: discord.apiUrl }, createLogger({ level: 'silent' })),
}));

// Admins (who see and cancel every task of the server) are tested in test/public-bot.test.ts; here
// the emulator's members, who may Manage Server, are ordinary users.
const bot = useDiscordBot(discord, h, { token: TOKEN, requiredPermission: 'ManageGuild', adminPermission: 'Administrator' });

/** Runs a slash command and returns the acknowledgement and the final (edited) message. */
async function run(name: string, options: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const handle = discord.slashCommand({ name, options: options as never, user: alice, ...extra });
  const callback = await handle.callback();
  const message = await handle.waitForFinal();
  return { callback, message, handle };
}

/** The buttons under a message, in order. */
const buttonsOf = (message: { components?: unknown[] }) =>
  ((message.components ?? []) as { components: { custom_id: string; label: string }[] }[]).flatMap((row) => row.components);

const countRows = async (requesterId: string) =>
  Number(
    (
      await h.db
        .selectFrom('tasks')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('requester_id', '=', requesterId)
        .executeTakeFirstOrThrow()
    ).n,
  );

const reminderOptions = (when: string, description = 'team standup') => ({
  template: 'reminder',
  to: 'team@example.com',
  when,
  vars: 'name=Team;event=Standup;when=Monday 9:30',
  description,
});

describe('deploy-commands', () => {
  it('registers every command for the guild with Korean localizations and the required permission', async () => {
    const config = loadConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_GUILD_ID: GUILD_ID,
    });
    expect(await deployCommands(config)).toEqual({ scope: 'guild', count: 13 });
    const registered = discord.guildCommands(GUILD_ID);
    expect(registered.map((c) => c.name).sort()).toEqual(
      ['cancel', 'edit', 'history', 'pause', 'preview', 'reschedule', 'reserve', 'reserved', 'resume', 'sendmail', 'template', 'templates', 'timezone'].sort(),
    );
    const reserve = registered.find((c) => c.name === 'reserve')!;
    expect(reserve.name_localizations).toEqual({ ko: '예약' });
    expect(reserve.default_member_permissions).toBe('32'); // Manage Server
    // description is required, as the service requires it for a reservation; required options first.
    expect(reserve.options!.map((o) => [o.name, o.required === true])).toEqual([
      ['template', true],
      ['to', true],
      ['when', true],
      ['description', true],
      ['vars', false],
      ['language', false],
      ['repeat', false],
      ['until', false],
    ]);
  });
});

describe('/reserve', () => {
  it('defers ephemerally in time, confirms with an embed and a Cancel button that cancels the task', async () => {
    const { callback, message } = await run('reserve', reminderOptions('tomorrow 9am'));
    expect(callback.type).toBe(5); // deferred
    expect(callback.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(callback.elapsedMs).toBeLessThan(3_000);

    const embed = message.embeds[0]!;
    expect(embed.title).toBe('Mail reserved');
    const taskId = /`([0-9a-f-]{36})`/.exec(embed.fields!.find((f) => f.name === 'Task')!.value)![1]!;
    const unix = Math.floor((await h.tasks.findById(taskId))!.scheduled_at!.getTime() / 1000);
    expect(embed.fields!.find((f) => f.name === 'When')!.value).toBe(`<t:${unix}:F> (<t:${unix}:R>)`);
    const button = buttonsOf(message).find((b) => b.custom_id.startsWith('herald:cancel:'))!;
    expect(button.label).toBe('Cancel reservation');

    const click = discord.button({ customId: button.custom_id, message: message as APIMessage & { id: string }, user: alice });
    expect((await click.callback()).type).toBe(6); // deferred update of the confirmation
    const updated = await click.waitForFinal();
    expect(updated.embeds[0]!.title).toBe('Reservation canceled');
    expect(updated.components).toEqual([]);
    expect((await h.tasks.findById(taskId))!.status).toBe('canceled');
  });

  it('defers a /reserve with vars before it reads anything from the database', async () => {
    // The requester's settings cannot be read while another session holds user_settings: the
    // acknowledgement must come anyway, and the confirmation once the table is free again.
    const dave = { id: '100000000000000004', username: 'dave' };
    const handle = await h.db.connection().execute(async (locker) => {
      await sql`BEGIN`.execute(locker);
      await sql`LOCK TABLE user_settings IN ACCESS EXCLUSIVE MODE`.execute(locker);
      try {
        const pending = discord.slashCommand({ name: 'reserve', options: reminderOptions('tomorrow 8am', 'ack test') as never, user: dave });
        const callback = await pending.callback({ timeoutMs: 10_000 });
        expect(callback.type).toBe(5); // deferred, with the settings still locked
        return pending;
      } finally {
        await sql`COMMIT`.execute(locker);
      }
    });
    const message = await handle.waitForFinal();
    expect(message.embeds[0]!.title).toBe('Mail reserved');
    expect(await countRows(dave.id)).toBe(1);
  });

  it("refuses another user's click on the Cancel button, and keeps the task", async () => {
    const { message } = await run('reserve', reminderOptions('tomorrow 10am'));
    const taskId = /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;
    const button = buttonsOf(message).find((b) => b.custom_id.startsWith('herald:cancel:'))!;

    const click = discord.button({ customId: button.custom_id, message: message as APIMessage & { id: string }, user: bob });
    const callback = await click.callback();
    expect(callback.type).toBe(4);
    expect(callback.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(callback.data!.content).toBe('❌ Only the person who made this reservation can cancel it.');
    expect((await h.tasks.findById(taskId))!.status).toBe('reserved');
  });

  it('keeps the Cancel button working after the bot restarts', async () => {
    const { message } = await run('reserve', reminderOptions('tomorrow 11am'));
    const taskId = /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;
    const button = buttonsOf(message).find((b) => b.custom_id.startsWith('herald:cancel:'))!;
    await bot.restart();
    const click = discord.button({ customId: button.custom_id, message: message as APIMessage & { id: string }, user: alice });
    await click.callback();
    expect((await click.waitForFinal()).embeds[0]!.title).toBe('Reservation canceled');
    expect((await h.tasks.findById(taskId))!.status).toBe('canceled');
  });

  it.each([
    ['yesterday 9am', '❌ That time is already in the past. Pick a time in the future.'],
    ['in 20 seconds', '❌ A reservation must be at least 1 minute(s) ahead. Use /sendmail to send now.'],
    ['next blursday', '❌ I could not read "next blursday" as a time. Try "tomorrow 9am", "in 2 hours" or "2026-12-01 09:00".'],
    ['tomorrow 9am or so', '❌ I understood "tomorrow 9am" but not "or so". Remove the extra words or rephrase.'],
  ])('answers the bad time "%s" precisely and stores nothing', async (when, expected) => {
    const user = { id: `2000000000000000${Math.floor(Math.random() * 90 + 10)}`, username: 'carol' };
    const { callback, message } = await run('reserve', reminderOptions(when), { user });
    expect(callback.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.content).toBe(expected);
    expect(message.embeds).toEqual([]);
    expect(await countRows(user.id)).toBe(0);
  });

  it('previews the time in autocomplete, or says why it cannot be read', async () => {
    const ok = discord.autocomplete({ name: 'reserve', options: reminderOptions('in 2 hours') as never, focused: 'when', user: alice });
    const okChoices = (await ok.callback()).data!.choices as { name: string; value: string }[];
    expect(okChoices).toHaveLength(1);
    expect(okChoices[0]!.value).toBe('in 2 hours');
    expect(okChoices[0]!.name).toMatch(/^Sends: .+ UTC$/);

    const bad = discord.autocomplete({ name: 'reserve', options: reminderOptions('in 20 seconds') as never, focused: 'when', user: alice });
    const badChoices = (await bad.callback()).data!.choices as { name: string }[];
    expect(badChoices[0]!.name).toBe('⚠ A reservation must be at least 1 minute(s) ahead. Use /sendmail to send now.');
  });
});

describe('/reserved, /cancel and /reschedule', () => {
  it("lists only the caller's reservations, soonest first, with Discord timestamps", async () => {
    const dave = { id: '300000000000000001', username: 'dave' };
    const erin = { id: '300000000000000002', username: 'erin' };
    await run('reserve', reminderOptions('in 3 days', 'later one'), { user: dave });
    await run('reserve', reminderOptions('in 2 days', 'sooner one'), { user: dave });
    await run('reserve', reminderOptions('in 1 day', "erin's"), { user: erin });

    const { message } = await run('reserved', {}, { user: dave });
    const embed = message.embeds[0]!;
    expect(embed.title).toBe('Your reservations (2)');
    expect(embed.fields!.map((f) => f.value.split('\n').at(-1))).toEqual(['sooner one', 'later one']);
    expect(embed.fields![0]!.value).toMatch(/^<t:\d+:F> \(<t:\d+:R>\)\n`[0-9a-f-]{36}`/);
    expect(JSON.stringify(embed)).not.toContain("erin's");
  });

  it("offers only the caller's own open reservations in autocomplete, and refuses another user's id", async () => {
    const frank = { id: '400000000000000001', username: 'frank' };
    const { message } = await run('reserve', reminderOptions('in 2 days', 'frank task'), { user: frank });
    const franksId = /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;
    await run('reserve', reminderOptions('in 2 days', 'alice task'), { user: alice });

    const ac = discord.autocomplete({ name: 'cancel', options: { task: '' } as never, focused: 'task', user: frank });
    const choices = (await ac.callback()).data!.choices as { name: string; value: string }[];
    // "all" (issue 11: /cancel task:all) comes first while what is typed could still be it.
    expect(choices.map((c) => c.value)).toEqual(['all', franksId]);
    expect(choices[1]!.name).toContain('frank task');

    const { message: refused } = await run('cancel', { task: franksId }, { user: alice });
    expect(refused.content).toBe(`❌ You have no task "${franksId}". Use /reserved to see your reservations.`);
    const { message: moved } = await run('reschedule', { task: franksId, when: 'in 5 days' }, { user: alice });
    expect(moved.content).toMatch(/^❌ You have no task/);
    expect((await h.tasks.findById(franksId))!.status).toBe('reserved');

    const { message: canceled } = await run('cancel', { task: franksId }, { user: frank });
    expect(canceled.embeds[0]!.title).toBe('Reservation canceled');
  });

  it('reschedules to the new time', async () => {
    const gina = { id: '400000000000000002', username: 'gina' };
    const { message } = await run('reserve', reminderOptions('in 2 days', 'to move'), { user: gina });
    const id = /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;
    const { message: moved } = await run('reschedule', { task: id, when: 'in 4 days' }, { user: gina });
    expect(moved.embeds[0]!.title).toBe('Reservation moved');
    const row = (await h.tasks.findById(id))!;
    expect(Math.round((row.scheduled_at!.getTime() - h.now().getTime()) / 86_400_000)).toBe(4);
  });
});

describe('language, time zone and guard rails', () => {
  it('answers a Korean-locale user in Korean', async () => {
    const ko = { id: '500000000000000001', username: 'jimin' };
    const { message } = await run('reserve', reminderOptions('in 20 seconds'), { user: ko, locale: 'ko' });
    expect(message.content).toBe('❌ 예약은 지금부터 최소 1분 뒤여야 합니다. 바로 보내려면 /sendmail 을 쓰세요.');
    const { message: ok } = await run('reserve', reminderOptions('tomorrow 9am'), { user: ko, locale: 'ko' });
    expect(ok.embeds[0]!.title).toBe('메일을 예약했습니다');
    expect(buttonsOf(ok).map((b) => b.label)).toEqual(['+10분', '+1시간', '내일 같은 시각', '예약 취소']);
  });

  it('reads "when" in the time zone the user set', async () => {
    const hana = { id: '500000000000000002', username: 'hana' };
    const set = await run('timezone', { zone: 'Asia/Seoul' }, { user: hana, subcommand: 'set' });
    expect(set.message.content).toBe('🕘 Your time zone is now **Asia/Seoul**');
    const shown = await run('timezone', {}, { user: hana, subcommand: 'show' });
    expect(shown.message.content).toBe('🕘 Your time zone is **Asia/Seoul**');

    const mona = { id: '500000000000000003', username: 'mona' }; // no zone set: the default, UTC
    const scheduledAt = async (user: { id: string; username: string }, when: string) => {
      const { message } = await run('reserve', reminderOptions(when), { user });
      const id = /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;
      return (await h.tasks.findById(id))!.scheduled_at!.toISOString();
    };
    // Now is Thursday 2030-03-07 03:00 UTC: noon in Seoul, whatever the server's TZ is.
    pinnedNow = new Date('2030-03-07T03:00:00Z');
    try {
      expect(await scheduledAt(hana, '2030-03-28 09:00')).toBe('2030-03-28T00:00:00.000Z');
      expect(await scheduledAt(mona, '2030-03-28 09:00')).toBe('2030-03-28T09:00:00.000Z');
      expect(await scheduledAt(hana, 'tomorrow 9am')).toBe('2030-03-08T00:00:00.000Z');
      expect(await scheduledAt(mona, 'tomorrow 9am')).toBe('2030-03-08T09:00:00.000Z');
    } finally {
      pinnedNow = undefined;
    }

    const bad = await run('timezone', { zone: 'Mars/Olympus' }, { user: hana, subcommand: 'set' });
    expect(bad.message.content).toMatch(/^❌ "Mars\/Olympus" is not a time zone I know/);
  });

  it('suggests time zones in autocomplete', async () => {
    const ac = discord.autocomplete({ name: 'timezone', subcommand: 'set', options: { zone: 'seoul' } as never, focused: 'zone', user: alice });
    expect((await ac.callback()).data!.choices).toEqual([{ name: 'Asia/Seoul', value: 'Asia/Seoul' }]);
  });

  it('applies the per-user rate limit with a clear message', async () => {
    const ivan = { id: '600000000000000001', username: 'ivan' };
    for (let i = 0; i < 4; i++) {
      const { message } = await run('reserve', reminderOptions(`in ${i + 2} days`, `mail ${i}`), { user: ivan });
      expect(message.embeds[0]!.title).toBe('Mail reserved');
    }
    const { message } = await run('sendmail', { template: 'notice', to: 'x@example.com', vars: 'title=a;body=b' }, { user: ivan });
    expect(message.content).toMatch(/^❌ You have reached the limit of 4 mails per hour\. Try again in about \d+ minute\(s\)\.$/);
    expect(await countRows(ivan.id)).toBe(4);
  });

  it('refuses members without the required permission, and DMs', async () => {
    const noPerm = await run('templates', {}, { user: bob, memberPermissions: '0' });
    expect(noPerm.callback.type).toBe(4);
    expect(noPerm.callback.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(noPerm.callback.data!.content).toBe('❌ You need the Manage Server permission to use Herald here.');

    const dm = await run('templates', {}, { user: bob, guildId: null });
    expect(dm.callback.data!.content).toBe("❌ Use Herald's commands in a server, not in direct messages.");
  });

  it('answers an unexpected failure with a short apology and no internals', async () => {
    await sql`ALTER TABLE tasks RENAME TO tasks_moved`.execute(h.db);
    try {
      const { message } = await run('reserved', {}, { user: alice });
      expect(message.content).toBe('❌ Sorry, something went wrong on our side. It has been logged; please try again.');
      expect(message.content).not.toMatch(/tasks|relation|Error|at /);
    } finally {
      await sql`ALTER TABLE tasks_moved RENAME TO tasks`.execute(h.db);
    }
  });

  it('shows templates with their variables', async () => {
    const { message } = await run('templates', {});
    const names = message.embeds[0]!.fields!.map((f) => f.name);
    expect(names).toEqual(['notice', 'reminder', 'welcome']);
    expect(message.embeds[0]!.fields![1]!.value).toContain('`event`, `name`, `when`');
  });
});

describe('/sendmail and outcome notices', () => {
  it('sends now; a reservation that goes out DMs its requester', async () => {
    const kim = { id: '700000000000000001', username: 'kim' };
    const { message } = await run('sendmail', { template: 'notice', to: 'now@example.com', vars: 'title=Now;body=Right now' }, { user: kim });
    expect(message.embeds[0]!.title).toBe('Mail queued for sending');
    await h.sink.waitFor((m) => m.subject === '[Notice] Now');

    const { message: reserved } = await run('reserve', reminderOptions('in 1 minute', 'soon one'), { user: kim });
    const id = /`([0-9a-f-]{36})`/.exec(JSON.stringify(reserved.embeds))![1]!;
    const dmArrives = discord.nextDirectMessage(kim.id, { timeoutMs: 30_000 });
    await h.workflow(id).result();
    const dm = await dmArrives;
    expect(dm.content).toContain('Your reserved mail was sent');
    expect(dm.content).toContain(id);
    expect(discord.directMessages(kim.id)).toHaveLength(1); // none for the immediate send
  });

  it('a reservation that finally fails DMs its requester with the reason', async () => {
    const max = { id: '700000000000000003', username: 'max' };
    h.sink.failNext(1, 550);
    const { message } = await run('reserve', reminderOptions('in 1 minute', 'will bounce'), { user: max });
    const id = /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;
    const dmArrives = discord.nextDirectMessage(max.id, { timeoutMs: 30_000 });
    await h.workflow(id).result().catch(() => undefined);
    const dm = await dmArrives;
    expect(dm.content).toContain('Your reserved mail could not be sent');
    expect(dm.content).toContain('550');
    expect((await h.tasks.findById(id))!.status).toBe('failed');
  });

  it('with DMs closed, the outcome is still recorded and the workflow completes', async () => {
    const lee = { id: '700000000000000002', username: 'lee' };
    discord.closeDms(lee.id);
    const { message } = await run('reserve', reminderOptions('in 1 minute', 'dms closed'), { user: lee });
    const id = /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;
    expect(await h.workflow(id).result()).toMatchObject({ kind: 'sent' });
    expect((await h.tasks.findById(id))!.status).toBe('finished');
    expect(discord.directMessages(lee.id)).toHaveLength(0);
  });
});

describe('the emulator saw only routes it knows', () => {
  it('has no unhandled requests', () => {
    expect(discord.unhandledRequests).toEqual([]);
  });
});
