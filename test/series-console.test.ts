// Repeating and editable reservations (issue 11) at the console: reserve --repeat/--until, list,
// edit, pause, resume, cancel all (asks first) and history, through HeraldCommands, PostgreSQL and
// the Temporal dev server's Schedules.
import { PassThrough } from 'node:stream';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleFrontEnd } from '../src/console/console.js';
import { seriesScheduleId } from '../src/domain/series-ids.js';
import { useHarness } from './support/use-harness.js';

const h = useHarness({ server: 'dev' });

let frontEnd: ConsoleFrontEnd;
let printed = '';

beforeAll(() => {
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  frontEnd = new ConsoleFrontEnd({ commands: h.commands, input: new PassThrough(), output, userId: 'console-series' });
});
afterAll(() => frontEnd?.close());

async function type(line: string): Promise<string> {
  printed = '';
  await frontEnd.handle(line);
  return printed;
}

const seriesRows = () => h.db.selectFrom('series').selectAll().where('requester_id', '=', 'console-series').orderBy('created_at').execute();
const schedulePaused = async (id: string) => (await h.env.client.schedule.getHandle(seriesScheduleId(id)).describe()).state.paused;

describe('a weekly series at the console', () => {
  let id = '';

  it('reserve --repeat --until makes the series and its Schedule, and shows the next three runs', async () => {
    const out = await type(
      'reserve reminder ada@example.com "2027-01-04 9am" name=Ada event=Standup "when=9:00" --repeat "every monday" --until 2027-03-01 -d "weekly standup"',
    );
    expect(out).toContain('✔ Repeating mail reserved');
    expect(out).toMatch(/Repeats: .*Monday.*09:00/);
    const nextRuns = /Next runs: (.*)/.exec(out)?.[1] ?? '';
    expect(nextRuns.split('; ').map((run) => /^[A-Za-z]{3}, ([A-Za-z]{3} \d+, \d{4})/.exec(run)?.[1])).toEqual(['Jan 4, 2027', 'Jan 11, 2027', 'Jan 18, 2027']);
    expect(out).toContain('Description: weekly standup');

    const [row] = await seriesRows();
    expect(row).toMatchObject({ status: 'active', guild_id: null, description: 'weekly standup' });
    expect(row!.first_run_at.toISOString()).toBe('2027-01-04T09:00:00.000Z');
    expect(row!.last_run_at.toISOString()).toBe('2027-03-01T09:00:00.000Z');
    expect(await schedulePaused(row!.id)).toBe(false);
    id = row!.id;
    expect(out).toContain(`Task: ${id}`);
  });

  it('list shows the series once, with its cadence and next runs', async () => {
    const out = await type('list');
    expect(out.split(id)).toHaveLength(2);
    expect(out).toContain('Repeats: every Monday at 09:00, until 2027-03-01');
    expect(out).toMatch(/Next runs: Mon, Jan 4, 2027, 9:00\sAM UTC/); // Intl puts a narrow space before AM
    await type('lang ko');
    const ko = await type('list');
    await type('lang en');
    expect(ko).toContain('반복: 매주 월요일 09:00, 2027년 3월 1일까지');
    expect(ko).toContain('다음 발송: 2027년 1월 4일 (월) 09:00 UTC');
  });

  it('edit changes the next runs\' mail and says what changed', async () => {
    const out = await type(`edit ${id.slice(0, 8)} name=Grace -d "weekly standup (Grace)"`);
    expect(out).toContain('Series changed');
    expect(out).toContain('name: Ada → Grace');
    expect(out).toContain('Description: weekly standup → weekly standup (Grace)');
    const [row] = await seriesRows();
    expect(row!.payload.variables).toMatchObject({ name: 'Grace', event: 'Standup' });
    expect(row!.edit_count).toBe(1);
  });

  it('pause and resume change the row and the Schedule', async () => {
    expect(await type(`pause ${id.slice(0, 8)}`)).toContain('✔ Series paused');
    expect(await schedulePaused(id)).toBe(true);
    expect(await type(`pause ${id.slice(0, 8)}`)).toMatch(/already paused/i);
    expect(await type(`resume ${id.slice(0, 8)}`)).toContain('✔ Series resumed');
    expect(await schedulePaused(id)).toBe(false);
    expect((await seriesRows())[0]!.status).toBe('active');
  });

  it('a cadence more often than MIN_REPEAT_INTERVAL is refused, and nothing is stored', async () => {
    const out = await type('reserve reminder ada@example.com "2027-01-04 9am" name=Ada event=X "when=9" --repeat "every 5 minutes" -d "too often"');
    expect(out).toMatch(/^✖ /);
    expect(out).toMatch(/1 hour|1h|60 minutes/);
    expect(await seriesRows()).toHaveLength(1);
  });

  it('cancel all asks first: "n" keeps everything, "y" cancels the series and the reservation, and history shows them', async () => {
    await type('reserve reminder ada@example.com "2027-01-05 9am" name=Ada event=Once "when=9:00" -d "once"');
    expect(await type('cancel all')).toContain('Cancel your 2 open reservations? [y/N]');
    expect(await type('n')).toContain('Nothing was canceled.');
    expect((await seriesRows())[0]!.status).toBe('active');

    expect(await type('cancel all')).toContain('Cancel your 2 open reservations?');
    expect(await type('y')).toContain('2 canceled');
    expect((await seriesRows())[0]).toMatchObject({ status: 'canceled', canceled_by: 'console-series' });
    await expect(h.env.client.schedule.getHandle(seriesScheduleId(id)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    const open = await h.db.selectFrom('tasks').select('status').where('requester_id', '=', 'console-series').execute();
    expect(open.map((t) => t.status)).toEqual(['canceled']);
    expect(await type('cancel all')).toContain('You have no open reservations here.');

    const history = await type('history 5');
    expect(history).toContain('Your history');
    expect(history.match(/Canceled by: console-series/g)).toHaveLength(2);
    expect(history).toContain(id);
  });
});
