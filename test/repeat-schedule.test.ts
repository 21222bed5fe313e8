// toScheduleSpec against a real Temporal dev server: a paused Schedule made from the spec must fire
// (describe().info.nextActionTimes) on every run nextRuns lists, and on nothing else that
// isRunInstant accepts. This is what shows Herald's own run computation and Temporal's agree.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSeries,
  isRunInstant,
  nextRuns,
  parseRepeat,
  toScheduleSpec,
  type LocalDate,
  type RepeatSeries,
} from '../src/domain/repeat/index.js';
import { startLocalEnv } from './support/harness.js';

const LIMITS = { minIntervalMs: 3_600_000, maxDays: 366 };

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startLocalEnv();
});

afterAll(async () => {
  await env?.teardown();
});

function series(phrase: string, start: string, zone: string, until?: LocalDate): RepeatSeries {
  return buildSeries({ repeat: parseRepeat(phrase, { locale: 'en' }), start: new Date(start), zone, until }, LIMITS);
}

/** The next action times of a paused Schedule built from the series' spec (the server gives ten). */
async function firings(s: RepeatSeries): Promise<Date[]> {
  const handle = await env.client.schedule.create({
    scheduleId: `repeat-spec-${randomUUID()}`,
    spec: toScheduleSpec(s),
    // A workflow type no worker has: the Schedule stays paused, so it never starts anyway.
    action: { type: 'startWorkflow', workflowType: 'heraldRepeatSpecProbe', taskQueue: 'repeat-spec-probe', args: [] },
    state: { paused: true, note: 'repeat spec test' },
  });
  try {
    return (await handle.describe()).info.nextActionTimes;
  } finally {
    await handle.delete();
  }
}

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

/**
 * The firings filtered by isRunInstant equal nextRuns over the same stretch, and the Schedule starts
 * at the first run. Returns both lists for case-specific checks.
 */
async function agree(s: RepeatSeries): Promise<{ fired: string[]; runs: string[] }> {
  const times = await firings(s);
  expect(times.length).toBeGreaterThan(0);
  const last = times[times.length - 1] as Date;
  const runs = nextRuns(s, new Date(s.firstRun.getTime() - 1), 400).filter((r) => r <= last);
  expect(iso(times.filter((t) => isRunInstant(s, t)))).toEqual(iso(runs));
  expect(times[0]?.toISOString()).toBe(s.firstRun.toISOString());
  expect(runs.length).toBeGreaterThan(1);
  return { fired: iso(times), runs: iso(runs) };
}

describe('toScheduleSpec on a real Temporal server agrees with nextRuns', () => {
  it('weekly Monday 09:00 in New York across the March change (every firing is a run)', async () => {
    const { fired, runs } = await agree(series('every monday', '2027-03-01T14:00:00Z', 'America/New_York'));
    expect(fired).toEqual(runs);
    expect(runs.slice(0, 3)).toEqual(['2027-03-01T14:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z']);
  });

  it('weekly Monday 09:00 in New York across the November change', async () => {
    const { fired, runs } = await agree(series('매주 월요일', '2027-10-18T13:00:00Z', 'America/New_York'));
    expect(fired).toEqual(runs);
    expect(runs.slice(0, 4)).toEqual(['2027-10-18T13:00:00.000Z', '2027-10-25T13:00:00.000Z', '2027-11-01T13:00:00.000Z', '2027-11-08T14:00:00.000Z']);
  });

  it('every 2 weeks on Friday across the March change: the off weeks fire and are filtered out', async () => {
    const { fired, runs } = await agree(series('every 2 weeks on friday', '2027-02-26T14:00:00Z', 'America/New_York'));
    expect(fired.length).toBeGreaterThan(runs.length);
    expect(runs.slice(0, 4)).toEqual(['2027-02-26T14:00:00.000Z', '2027-03-12T14:00:00.000Z', '2027-03-26T13:00:00.000Z', '2027-04-09T13:00:00.000Z']);
  });

  it('the last day of the month through February 2028 (leap) in Seoul', async () => {
    const { fired, runs } = await agree(series('every month on the last day', '2027-12-31T09:00:00Z', 'Asia/Seoul'));
    expect(fired.length).toBeGreaterThan(runs.length);
    expect(runs.slice(0, 3)).toEqual(['2027-12-31T09:00:00.000Z', '2028-01-31T09:00:00.000Z', '2028-02-29T09:00:00.000Z']);
  });

  it('the last day of the month through February 2027 (common year) and the March change in New York', async () => {
    const { runs } = await agree(series('매달 말일', '2027-01-31T14:00:00Z', 'America/New_York'));
    expect(runs.slice(0, 3)).toEqual(['2027-01-31T14:00:00.000Z', '2027-02-28T14:00:00.000Z', '2027-03-31T13:00:00.000Z']);
  });

  it('the 31st, falling back to shorter months\' last day', async () => {
    const { runs } = await agree(series('every month on the 31st', '2027-01-31T09:00:00Z', 'UTC'));
    expect(runs.slice(0, 3)).toEqual(['2027-01-31T09:00:00.000Z', '2027-02-28T09:00:00.000Z', '2027-03-31T09:00:00.000Z']);
  });

  it('02:30 daily in New York: the run moved by the March gap fires (a single-shot interval)', async () => {
    const s = series('every day', '2027-03-10T07:30:00Z', 'America/New_York');
    const { runs } = await agree(s);
    expect(runs.slice(0, 6)).toEqual([
      '2027-03-10T07:30:00.000Z',
      '2027-03-11T07:30:00.000Z',
      '2027-03-12T07:30:00.000Z',
      '2027-03-13T07:30:00.000Z',
      '2027-03-14T07:30:00.000Z',
      '2027-03-15T06:30:00.000Z',
    ]);
  });

  it('01:30 daily in New York: the doubled 01:30 fires twice and only the first copy is a run', async () => {
    const { fired, runs } = await agree(series('every day', '2027-11-04T05:30:00Z', 'America/New_York'));
    expect(fired).toContain('2027-11-07T06:30:00.000Z');
    expect(runs.slice(0, 5)).toEqual([
      '2027-11-04T05:30:00.000Z',
      '2027-11-05T05:30:00.000Z',
      '2027-11-06T05:30:00.000Z',
      '2027-11-07T05:30:00.000Z',
      '2027-11-08T06:30:00.000Z',
    ]);
  });

  it('02:30 daily in Berlin: the doubled 02:30 (east of UTC) runs on its first copy', async () => {
    const { runs } = await agree(series('매일', '2027-10-28T00:30:00Z', 'Europe/Berlin'));
    expect(runs.slice(0, 5)).toEqual([
      '2027-10-28T00:30:00.000Z',
      '2027-10-29T00:30:00.000Z',
      '2027-10-30T00:30:00.000Z',
      '2027-10-31T00:30:00.000Z',
      '2027-11-01T01:30:00.000Z',
    ]);
  });

  it('02:30 daily in Berlin across the March gap', async () => {
    const { runs } = await agree(series('every day', '2027-03-26T01:30:00Z', 'Europe/Berlin'));
    // 2027-03-28 has no 02:30; the run is 03:30 CEST = 01:30Z, then 02:30 CEST = 00:30Z.
    expect(runs.slice(0, 4)).toEqual(['2027-03-26T01:30:00.000Z', '2027-03-27T01:30:00.000Z', '2027-03-28T01:30:00.000Z', '2027-03-29T00:30:00.000Z']);
  });

  it('02:15 daily on Lord Howe Island, whose clocks move by half an hour', async () => {
    // 2027-10-03 02:00 LHST (UTC+10:30) becomes 02:30 LHDT (UTC+11): 02:15 moves to 02:45 LHDT = 15:45Z the day before.
    const { runs } = await agree(series('every day', '2027-09-30T15:45:00Z', 'Australia/Lord_Howe'));
    expect(runs.slice(0, 5)).toEqual([
      '2027-09-30T15:45:00.000Z',
      '2027-10-01T15:45:00.000Z',
      '2027-10-02T15:45:00.000Z',
      '2027-10-03T15:15:00.000Z',
      '2027-10-04T15:15:00.000Z',
    ]);
  });

  it('every 3 hours (elapsed) across the March change', async () => {
    const { fired, runs } = await agree(series('every 3 hours', '2027-03-13T21:00:00Z', 'America/New_York'));
    expect(fired).toEqual(runs);
    expect(runs.slice(0, 4)).toEqual(['2027-03-13T21:00:00.000Z', '2027-03-14T00:00:00.000Z', '2027-03-14T03:00:00.000Z', '2027-03-14T06:00:00.000Z']);
  });

  const more: [phrase: string, start: string, zone: string][] = [
    ['every weekday', '2027-03-10T13:30:00Z', 'America/New_York'],
    ['every mon and thu', '2027-03-01T00:00:00Z', 'Asia/Seoul'],
    ['every first monday', '2027-01-04T09:00:00Z', 'Europe/Berlin'],
    ['every last friday', '2027-01-29T17:00:00Z', 'America/New_York'],
    ['every 3 months on the 1st', '2027-02-01T09:00:00Z', 'UTC'],
    ['every 5 months on the 10th', '2027-02-10T09:00:00Z', 'UTC'],
    ['every 3 days', '2027-03-10T13:00:00Z', 'America/New_York'],
    ['every other week', '2027-01-06T01:00:00Z', 'Asia/Kathmandu'],
  ];
  for (const [phrase, start, zone] of more) {
    it(`"${phrase}" in ${zone}`, async () => {
      await agree(series(phrase, start, zone));
    });
  }

  it('a count ends the Schedule at the last run (endAt), not by remainingActions', async () => {
    const s = series('every 2 weeks on friday, 3 times', '2027-02-26T14:00:00Z', 'America/New_York');
    const times = await firings(s);
    expect(iso(times.filter((t) => isRunInstant(s, t)))).toEqual(['2027-02-26T14:00:00.000Z', '2027-03-12T14:00:00.000Z', '2027-03-26T13:00:00.000Z']);
    expect(times[times.length - 1]?.toISOString()).toBe('2027-03-26T13:00:00.000Z');
  });
});
