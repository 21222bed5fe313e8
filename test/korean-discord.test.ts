// A Korean user end to end: a real discord.js client with a Korean locale against the local Discord
// emulator, and the console front end with `lang ko`, through HeraldCommands, TaskService,
// PostgreSQL and the Temporal dev server. The service's clock is fixed at
// 2026-12-30T14:30:00Z = Wednesday 30 December 2026, 23:30 in Seoul, so every expected instant
// below is worked out by hand from it:
//   내일 오전 9시      = Thu 31 Dec 2026 09:00 KST = 2026-12-31T00:00:00Z = unix 1798675200
//   1월 2일 오후 3시   = Sat  2 Jan 2027 15:00 KST = 2027-01-02T06:00:00Z = unix 1798869600
//                       (a date without a year: January 2026 has passed, so it is next year's)
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleFrontEnd } from '../src/console/console.js';
import { useDiscordBot, useDiscordEmulator } from './support/use-discord.js';
import { useHarness } from './support/use-harness.js';

const APP_ID = '910000000000000001';
const BOT_ID = '910000000000000002';
const GUILD_ID = '910000000000000003';
const TOKEN = 'test-bot-token';
const NOW = new Date('2026-12-30T14:30:00.000Z');
const jimin = { id: '510000000000000001', username: 'jimin' };

const discord = useDiscordEmulator({
  applicationId: APP_ID,
  botId: BOT_ID,
  guilds: [{ id: GUILD_ID, name: 'Herald 한국어 서버' }],
  token: TOKEN,
});

const h = useHarness({ server: 'dev', clock: () => NOW });

const bot = useDiscordBot(discord, h, { token: TOKEN, requiredPermission: 'ManageGuild' });

async function run(name: string, options: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const handle = discord.slashCommand({ name, options: options as never, user: jimin, locale: 'ko', ...extra });
  await handle.callback();
  return handle.waitForFinal();
}

async function preview(when: string) {
  const ac = discord.autocomplete({ name: 'reserve', options: reminder(when) as never, focused: 'when', user: jimin, locale: 'ko' });
  return (await ac.callback()).data!.choices as { name: string; value: string }[];
}

const reminder = (when: string) => ({
  template: 'reminder',
  to: 'team@example.com',
  when,
  vars: 'name=팀;event=스탠드업;when=9:30',
  description: '스탠드업 알림',
});
const taskIdIn = (message: { embeds: unknown[] }) => /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds))![1]!;
const whenField = (message: { embeds: { fields?: { name: string; value: string }[] }[] }) =>
  message.embeds[0]!.fields!.find((f) => f.name === '시각')!.value;

describe('a Korean Discord user in Seoul', () => {
  it('sets the time zone, previews and reserves "내일 오전 9시", and is shown the right <t:…>', async () => {
    const set = await run('timezone', { zone: 'Asia/Seoul' }, { subcommand: 'set' });
    expect(set.content).toBe('🕘 시간대를 다음으로 설정했습니다: **Asia/Seoul**');

    expect(await preview('내일 오전 9시')).toEqual([{ name: '발송 시각: 2026년 12월 31일 (목) 09:00 GMT+9', value: '내일 오전 9시' }]);

    const message = await run('reserve', reminder('내일 오전 9시'));
    expect(message.embeds[0]!.title).toBe('메일을 예약했습니다');
    expect(whenField(message)).toBe('<t:1798675200:F> (<t:1798675200:R>)');
    const row = (await h.tasks.findById(taskIdIn(message)))!;
    expect(row.scheduled_at!.toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(row.status).toBe('reserved');
  });

  it('previews a date that means next year with a note, and a refusal with its reason', async () => {
    expect(await preview('1월 2일 오후 3시')).toEqual([
      { name: '발송 시각: 2027년 1월 2일 (토) 15:00 GMT+9 · 내년: 2027년 1월 2일', value: '1월 2일 오후 3시' },
    ]);
    expect(await preview('저녁 3시')).toEqual([
      { name: '⚠ "저녁 3시"은(는) 읽을 수 없는 시각입니다. 저녁에는 5시부터 11시까지 쓸 수 있습니다.', value: '저녁 3시' },
    ]);
  });

  it('/reschedule accepts Korean, and says the new date is next year', async () => {
    const reserved = await run('reserve', reminder('모레 오후 2시'));
    const id = taskIdIn(reserved);
    // Friday 1 January 2027 14:00 KST.
    expect((await h.tasks.findById(id))!.scheduled_at!.toISOString()).toBe('2027-01-01T05:00:00.000Z');

    const moved = await run('reschedule', { task: id, when: '1월 2일 오후 3시' });
    expect(moved.embeds[0]!.title).toBe('예약 시각을 바꿨습니다');
    expect(whenField(moved)).toBe('<t:1798869600:F> (<t:1798869600:R>)\n📅 내년: 2027년 1월 2일');
    expect((await h.tasks.findById(id))!.scheduled_at!.toISOString()).toBe('2027-01-02T06:00:00.000Z');
  });

  it('refuses a past or unreadable Korean time in Korean, and stores nothing', async () => {
    const before = await h.service.listReserved({ userId: jimin.id, guildId: GUILD_ID }, 25);
    expect((await run('reserve', reminder('어제 9시'))).content).toBe('❌ 이미 지난 시각입니다. 앞으로의 시각을 골라 주세요.');
    expect((await run('reserve', reminder('30초 후'))).content).toBe(
      '❌ 예약은 지금부터 최소 1분 뒤여야 합니다. 바로 보내려면 /sendmail 을 쓰세요.',
    );
    expect((await run('reserve', reminder('언젠가 보내줘'))).content).toBe(
      '❌ "언젠가 보내줘"을(를) 시각으로 읽을 수 없습니다. "내일 오전 9시", "30분 후", "12월 24일 오후 3시" 같은 형식을 써 주세요.',
    );
    expect(await h.service.listReserved({ userId: jimin.id, guildId: GUILD_ID }, 25)).toHaveLength(before.length);
  });

  it('an English-locale user can write Korean too (English is tried first, then Korean)', async () => {
    const sam = { id: '510000000000000002', username: 'sam' };
    await run('timezone', { zone: 'Asia/Seoul' }, { subcommand: 'set', user: sam, locale: 'en-US' });
    const message = await run('reserve', reminder('내일 오전 9시'), { user: sam, locale: 'en-US' });
    expect(message.embeds[0]!.title).toBe('Mail reserved');
    expect(message.embeds[0]!.fields!.find((f) => f.name === 'When')!.value).toBe('<t:1798675200:F> (<t:1798675200:R>)');
  });

  it('the emulator saw only routes it knows', () => {
    expect(discord.unhandledRequests).toEqual([]);
  });
});

describe('the console with lang ko', () => {
  it('reserves "내일 오전 9시" and reschedules to a date that means next year', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    const frontEnd = new ConsoleFrontEnd({ commands: h.commands, input: new PassThrough(), output, userId: 'console-ko' });
    const type = async (line: string) => {
      printed = '';
      await frontEnd.handle(line);
      return printed;
    };
    try {
      expect(await type('lang ko')).toBe('✔ ko\n');
      expect(await type('tz Asia/Seoul')).toBe('시간대를 다음으로 설정했습니다: Asia/Seoul\n');

      const reserved = await type('reserve reminder ada@example.com "내일 오전 9시" name=Ada event=Standup "when=9:30" -d "스탠드업"');
      expect(reserved).toMatch(/^✔ 메일을 예약했습니다\n/);
      expect(reserved).toContain('  시각: 2026년 12월 31일 (목) 09:00 GMT+9 (');
      expect(reserved).not.toContain('내년');
      const id = /작업: ([0-9a-f-]{36})/.exec(reserved)![1]!;
      expect((await h.tasks.findById(id))!.scheduled_at!.toISOString()).toBe('2026-12-31T00:00:00.000Z');

      const moved = await type(`reschedule ${id.slice(0, 8)} "1월 2일 오후 3시"`);
      expect(moved).toMatch(/^✔ 예약 시각을 바꿨습니다\n/);
      expect(moved).toContain('  시각: 2027년 1월 2일 (토) 15:00 GMT+9 (');
      expect(moved).toContain('\n  📅 내년: 2027년 1월 2일\n');
      expect((await h.tasks.findById(id))!.scheduled_at!.toISOString()).toBe('2027-01-02T06:00:00.000Z');

      expect(await type('reserve reminder ada@example.com "저녁 3시" name=Ada event=Standup "when=9:30" -d x')).toBe(
        '✖ "저녁 3시"은(는) 읽을 수 없는 시각입니다. 저녁에는 5시부터 11시까지 쓸 수 있습니다.\n',
      );
    } finally {
      frontEnd.close();
    }
  });
});
