// Issue 11 through Discord: a real discord.js client logged into the emulator, HeraldCommands,
// PostgreSQL, the Temporal dev server (Schedules) and the SMTP sink. /reserve repeat/until, the
// quick-move buttons, /edit, /pause, /resume, /cancel task:all with its confirmation, /history.
import type { APIMessage } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { seriesScheduleId } from '../src/domain/series-ids.js';
import { useDiscordBot, useDiscordEmulator } from './support/use-discord.js';
import { useHarness } from './support/use-harness.js';

const APP_ID = '910000000000000001';
const BOT_ID = '910000000000000002';
const GUILD_ID = '910000000000000003';
const TOKEN = 'series-bot-token';
const alice = { id: '110000000000000001', username: 'alice' };
const bob = { id: '110000000000000002', username: 'bob' };

const discord = useDiscordEmulator({
  applicationId: APP_ID,
  botId: BOT_ID,
  guilds: [{ id: GUILD_ID, name: 'Herald series server' }],
  token: TOKEN,
});

const h = useHarness({ server: 'dev' });

const bot = useDiscordBot(discord, h, { token: TOKEN, requiredPermission: 'ManageGuild', adminPermission: 'Administrator' });

async function run(name: string, options: Record<string, unknown>, user = alice, extra: Record<string, unknown> = {}) {
  const handle = discord.slashCommand({ name, options: options as never, user, ...extra });
  await handle.callback();
  return handle.waitForFinal();
}

type Message = APIMessage & { id: string };
const buttonsOf = (message: { components?: unknown[] }) =>
  ((message.components ?? []) as { components: { custom_id: string; label: string }[] }[]).flatMap((row) => row.components);
const fieldOf = (message: APIMessage, name: string) => message.embeds[0]?.fields?.find((f) => f.name === name)?.value;
const taskIdOf = (message: APIMessage) => /`([0-9a-f-]{36})`/.exec(fieldOf(message, 'Task') ?? JSON.stringify(message.embeds))![1]!;
const unix = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

const mail = (when: string, extra: Record<string, unknown> = {}) => ({
  template: 'reminder',
  to: 'team@example.com',
  when,
  vars: 'name=Team;event=Standup;when=9:00',
  description: 'standup',
  ...extra,
});

describe('/reserve repeat', () => {
  it('previews the cadence in autocomplete', async () => {
    const ac = discord.autocomplete({ name: 'reserve', options: mail('2027-01-04 9am', { repeat: '매주 월요일' }) as never, focused: 'repeat', user: alice, locale: 'ko' });
    const choices = (await ac.callback()).data!.choices as { name: string; value: string }[];
    expect(choices[0]!.value).toBe('매주 월요일');
    expect(choices[0]!.name).toBe('🔁 매주 월요일 09:00, 다음: 2027년 1월 4일 (월) 09:00 UTC');
  });

  it('makes a series with its Schedule, and the confirmation shows the next three runs as Discord timestamps', async () => {
    const message = await run('reserve', mail('2027-01-04 9am', { repeat: 'every monday', until: '2027-02-01' }));
    expect(message.embeds[0]!.title).toBe('Repeating mail reserved');
    expect(fieldOf(message, 'Repeats')).toBe('every Monday at 09:00, until 2027-02-01');
    const runs = ['2027-01-04T09:00:00Z', '2027-01-11T09:00:00Z', '2027-01-18T09:00:00Z'].map((iso) => `<t:${unix(iso)}:F> (<t:${unix(iso)}:R>)`);
    expect(fieldOf(message, 'Next runs')).toBe(runs.join('\n'));
    const id = taskIdOf(message);
    const described = await h.env.client.schedule.getHandle(seriesScheduleId(id)).describe();
    expect(described.info.nextActionTimes.map((d) => d.toISOString())).toEqual([
      '2027-01-04T09:00:00.000Z',
      '2027-01-11T09:00:00.000Z',
      '2027-01-18T09:00:00.000Z',
      '2027-01-25T09:00:00.000Z',
      '2027-02-01T09:00:00.000Z',
    ]);
    expect(buttonsOf(message).map((b) => b.label)).toEqual(['+10 min', '+1 hour', 'Tomorrow, same time', 'Cancel reservation']);

    // /pause and /resume.
    const paused = await run('pause', { task: id });
    expect(paused.embeds[0]!.title).toBe('Series paused');
    expect((await h.seriesRepository.findById(id))!.status).toBe('paused');
    const resumed = await run('resume', { task: id });
    expect(resumed.embeds[0]!.title).toBe('Series resumed');
    expect((await h.seriesRepository.findById(id))!.status).toBe('active');
    // Only a series pauses.
    const single = taskIdOf(await run('reserve', mail('2027-01-05 9am')));
    expect((await run('pause', { task: single })).content).toMatch(/^❌ /);
  });

  it('answers a Korean client in Korean', async () => {
    const jimin = { id: '110000000000000006', username: 'jimin' };
    const message = await run('reserve', mail('2027-01-04 오전 9시', { repeat: '격주 금요일', until: '2027-03-01' }), jimin, { locale: 'ko' });
    expect(message.embeds[0]!.title).toBe('반복 메일을 예약했습니다');
    expect(fieldOf(message, '반복')).toBe('격주 금요일 09:00, 2027년 3월 1일까지');
    const runs = ['2027-01-08T09:00:00Z', '2027-01-22T09:00:00Z', '2027-02-05T09:00:00Z'].map((iso) => `<t:${unix(iso)}:F> (<t:${unix(iso)}:R>)`);
    expect(fieldOf(message, '다음 발송')).toBe(runs.join('\n'));
    expect(buttonsOf(message).map((b) => b.label)).toEqual(['+10분', '+1시간', '내일 같은 시각', '예약 취소']);
    const paused = await run('pause', { task: taskIdOf(message) }, jimin, { locale: 'ko' });
    expect(paused.embeds[0]!.title).toBe('반복 예약을 일시 정지했습니다');
  });

  it('refuses a cadence more often than MIN_REPEAT_INTERVAL and an until without repeat, storing nothing', async () => {
    const before = await h.db.selectFrom('series').select('id').execute();
    expect((await run('reserve', mail('2027-01-04 9am', { repeat: 'every 10 minutes' }))).content).toMatch(/^❌ .*(1 hour|1h)/);
    expect((await run('reserve', mail('2027-01-04 9am', { until: '2027-02-01' }))).content).toMatch(/^❌ /);
    expect(await h.db.selectFrom('series').select('id').execute()).toEqual(before);
  });
});

describe('quick moves', () => {
  it('+1 hour and Tomorrow move the reservation; another user\'s click is refused; they work after a restart', async () => {
    const message = (await run('reserve', mail('2027-01-06 9am'))) as Message;
    const id = taskIdOf(message);
    const [tenMinutes, oneHour, tomorrow] = buttonsOf(message);
    expect(tenMinutes!.custom_id).toBe(`herald:move:10m:${id}:${alice.id}`);

    const refused = discord.button({ customId: oneHour!.custom_id, message, user: bob });
    const callback = await refused.callback();
    expect(callback.data!.content).toMatch(/^❌ /);
    expect((await h.tasks.findById(id))!.scheduled_at!.toISOString()).toBe('2027-01-06T09:00:00.000Z');

    const click = discord.button({ customId: oneHour!.custom_id, message, user: alice });
    await click.callback();
    const moved = await click.waitForFinal();
    expect(moved.embeds[0]!.title).toBe('Reservation moved');
    expect((await h.tasks.findById(id))!.scheduled_at!.toISOString()).toBe('2027-01-06T10:00:00.000Z');

    await bot.restart();
    const again = discord.button({ customId: tomorrow!.custom_id, message, user: alice });
    await again.callback();
    await again.waitForFinal();
    expect((await h.tasks.findById(id))!.scheduled_at!.toISOString()).toBe('2027-01-07T10:00:00.000Z');
  });
});

describe('/edit', () => {
  it('changes a reservation and says what changed; a reservation being sent is refused with "already sending"', async () => {
    const id = taskIdOf(await run('reserve', mail('2027-01-08 9am')));
    const edited = await run('edit', { task: id, vars: 'name=Crew', description: 'crew standup' });
    expect(edited.embeds[0]!.title).toBe('Reservation changed');
    expect(JSON.stringify(edited.embeds[0]!.fields)).toContain('Team → Crew');
    expect((await h.tasks.findById(id))!.payload.variables.name).toBe('Crew');

    // Claimed for sending (as the send step's conditional UPDATE does): the edit loses.
    await h.tasks.transition(id, 'running');
    const refused = await run('edit', { task: id, vars: 'name=Late' });
    expect(refused.content).toMatch(/already sending/i);
    expect((await h.tasks.findById(id))!.payload.variables.name).toBe('Crew');
  });
});

describe('/cancel task:all and /history', () => {
  it('asks first, changes nothing until the button, then cancels exactly the caller\'s open reservations', async () => {
    const carol = { id: '110000000000000003', username: 'carol' };
    const dan = { id: '110000000000000004', username: 'dan' };
    const mine = [taskIdOf(await run('reserve', mail('2027-02-01 9am'), carol)), taskIdOf(await run('reserve', mail('2027-02-01 9am', { repeat: 'every day' }), carol))];
    const other = taskIdOf(await run('reserve', mail('2027-02-01 9am'), dan));

    const question = (await run('cancel', { task: 'all' }, carol)) as Message;
    expect(JSON.stringify(question)).toContain('Cancel your 2 open reservations?');
    expect((await h.tasks.findById(mine[0]!))!.status).toBe('reserved');
    const [confirm] = buttonsOf(question);

    expect((await discord.button({ customId: confirm!.custom_id, message: question, user: dan }).callback()).data!.content).toMatch(/^❌ /);
    expect((await h.tasks.findById(mine[0]!))!.status).toBe('reserved');

    const click = discord.button({ customId: confirm!.custom_id, message: question, user: carol });
    await click.callback();
    expect(JSON.stringify(await click.waitForFinal())).toContain('2 canceled');
    expect((await h.tasks.findById(mine[0]!))!.status).toBe('canceled');
    expect((await h.seriesRepository.findById(mine[1]!))!.status).toBe('canceled');
    expect((await h.tasks.findById(other))!.status).toBe('reserved');

    // /history: a sent mail with its attempts, a failed one with its reason, the canceled ones with who canceled.
    const sent = await h.commands.sendmail({ userId: carol.id, guildId: GUILD_ID, locale: 'en', timeZone: 'UTC' }, { template: 'reminder', to: 'ok@example.com', vars: 'name=A;event=B;when=C' });
    if (sent.kind !== 'queued') throw new Error(JSON.stringify(sent));
    await h.workflow(sent.task.id).result();
    h.sink.failNext(3, 550);
    const failed = await h.commands.sendmail({ userId: carol.id, guildId: GUILD_ID, locale: 'en', timeZone: 'UTC' }, { template: 'reminder', to: 'bad@example.com', vars: 'name=A;event=B;when=C' });
    if (failed.kind !== 'queued') throw new Error(JSON.stringify(failed));
    await h.workflow(failed.task.id).result().catch(() => undefined);

    const history = JSON.stringify(await run('history', { limit: 10 }, carol));
    expect(history).toContain('Your history');
    expect(history).toContain(sent.task.id);
    expect(history).toContain('Attempts: 1');
    expect(history).toContain(failed.task.id);
    expect(history).toContain('the mail server refused');
    expect(history).toContain(mine[0]!);
    expect(history).toContain(mine[1]!);
    expect(history).not.toContain(other);
  }, 120_000);
});

describe('/reserved', () => {
  it('lists a series once with its cadence; its menu shows one reservation with the quick moves, which move a series\' next run', async () => {
    const erin = { id: '110000000000000005', username: 'erin' };
    const seriesId = taskIdOf(await run('reserve', mail('2027-03-01 9am', { repeat: 'every monday', description: 'erin weekly' }), erin));
    const list = (await run('reserved', {}, erin)) as Message;
    const text = JSON.stringify(list.embeds);
    expect(text.split(seriesId)).toHaveLength(2);
    expect(text).toContain('every Monday at 09:00');
    expect(text).toContain(`<t:${unix('2027-03-01T09:00:00Z')}:F>`);

    const menu = ((list.components ?? []) as { components: { type: number; custom_id: string }[] }[]).flatMap((row) => row.components).find((c) => c.type === 3)!;
    expect(menu.custom_id).toBe(`herald:pick:${erin.id}`);
    const picked = discord.selectMenu({ customId: menu.custom_id, values: [seriesId], message: list, user: erin });
    await picked.callback();
    const card = (await picked.waitForFinal()) as Message;
    expect(buttonsOf(card).map((b) => b.label)).toEqual(['+10 min', '+1 hour', 'Tomorrow, same time', 'Cancel reservation']);

    const move = discord.button({ customId: buttonsOf(card)[1]!.custom_id, message: card, user: erin });
    await move.callback();
    expect((await move.waitForFinal()).embeds[0]!.title).toBe('Next run moved');
    const runs = await h.db.selectFrom('tasks').selectAll().where('series_id', '=', seriesId).execute();
    expect(runs.map((r) => [r.run_at!.toISOString(), r.scheduled_at!.toISOString(), r.status])).toEqual([
      ['2027-03-01T09:00:00.000Z', '2027-03-01T10:00:00.000Z', 'reserved'],
    ]);
    // The series goes on from the run after the moved one.
    const again = JSON.stringify((await run('reserved', {}, erin)).embeds);
    expect(again).toContain(`<t:${unix('2027-03-08T09:00:00Z')}:F>`);
  });
});
