// Series: first run, ends, limits, nextRuns and isRunInstant. Every expected instant below is written
// by hand. America/New_York is UTC−4 (EDT) until 2026-11-01 06:00Z and from 2027-03-14 07:00Z to
// 2027-11-07 06:00Z, UTC−5 (EST) between; Asia/Seoul is UTC+9 all year; Europe/Berlin is UTC+1,
// UTC+2 from 2027-03-28 01:00Z to 2027-10-31 01:00Z.
import { describe, expect, it } from 'vitest';
import {
  buildSeries,
  describeCadence,
  describeEnd,
  describePreview,
  describeSeries,
  isRunInstant,
  nextRuns,
  parseRepeat,
  seriesFromJson,
  seriesToJson,
  type LocalDate,
  type RepeatLimits,
  type RepeatSeries,
} from '../../src/domain/repeat/index.js';
import { codeOf } from './helpers.js';

const LIMITS: RepeatLimits = { minIntervalMs: 3_600_000, maxDays: 366 };
const NY = 'America/New_York';
const SEOUL = 'Asia/Seoul';

function series(phrase: string, start: string, zone: string, options: { until?: LocalDate; limits?: RepeatLimits } = {}): RepeatSeries {
  return buildSeries({ repeat: parseRepeat(phrase, { locale: 'en' }), start: new Date(start), zone, until: options.until }, options.limits ?? LIMITS);
}

function runs(s: RepeatSeries, after: string, n: number): string[] {
  return nextRuns(s, new Date(after), n).map((d) => d.toISOString());
}

const date = (year: number, month: number, day: number): LocalDate => ({ year, month, day });

describe('nextRuns: weekly in America/New_York across both DST changes', () => {
  // Monday 2026-10-19 09:00 EDT.
  const s = series('every monday', '2026-10-19T13:00:00Z', NY);

  it('stays at 09:00 local across the November fall-back', () => {
    expect(runs(s, '2026-10-19T12:00:00Z', 4)).toEqual([
      '2026-10-19T13:00:00.000Z',
      '2026-10-26T13:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
      '2026-11-09T14:00:00.000Z',
    ]);
  });

  it('stays at 09:00 local across the March spring-forward', () => {
    expect(runs(s, '2027-03-01T00:00:00Z', 3)).toEqual(['2027-03-01T14:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z']);
  });

  it('lists runs strictly after `after`', () => {
    expect(runs(s, '2026-10-26T13:00:00Z', 1)).toEqual(['2026-11-02T14:00:00.000Z']);
    expect(runs(s, '2026-10-26T12:59:59Z', 1)).toEqual(['2026-10-26T13:00:00.000Z']);
  });

  it('is bounded to MAX_REPEAT_DAYS without an end: the last Monday on or before 2027-10-20', () => {
    expect(s.end).toEqual({ kind: 'limit', date: '2027-10-20' });
    expect(s.lastRun.toISOString()).toBe('2027-10-18T13:00:00.000Z');
    expect(s.runCount).toBe(53);
    expect(runs(s, '2027-10-11T14:00:00Z', 5)).toEqual(['2027-10-18T13:00:00.000Z']);
  });
});

describe('nextRuns: the last day of the month', () => {
  it('February of a leap year (2028, Seoul 18:00 = 09:00Z)', () => {
    const s = series('every month on the last day', '2028-01-31T09:00:00Z', SEOUL);
    expect(runs(s, '2028-01-01T00:00:00Z', 4)).toEqual([
      '2028-01-31T09:00:00.000Z',
      '2028-02-29T09:00:00.000Z',
      '2028-03-31T09:00:00.000Z',
      '2028-04-30T09:00:00.000Z',
    ]);
  });

  it('February of a common year (2027, New York 09:00, across spring-forward)', () => {
    const s = series('매달 말일', '2027-01-31T14:00:00Z', NY);
    expect(runs(s, '2027-01-01T00:00:00Z', 4)).toEqual([
      '2027-01-31T14:00:00.000Z',
      '2027-02-28T14:00:00.000Z',
      '2027-03-31T13:00:00.000Z',
      '2027-04-30T13:00:00.000Z',
    ]);
  });

  it('the 31st falls back to a short month\'s last day', () => {
    const s = series('every month on the 31st', '2027-01-10T09:00:00Z', 'UTC');
    expect(runs(s, '2027-01-01T00:00:00Z', 4)).toEqual([
      '2027-01-31T09:00:00.000Z',
      '2027-02-28T09:00:00.000Z',
      '2027-03-31T09:00:00.000Z',
      '2027-04-30T09:00:00.000Z',
    ]);
  });

  it('"monthly" takes the day from when: the 31st', () => {
    const s = series('monthly', '2027-01-31T09:00:00Z', 'UTC');
    expect(s.cadence).toEqual({ kind: 'monthly', every: 1, on: { kind: 'day', day: 31 } });
    expect(runs(s, '2027-01-31T09:00:00Z', 2)).toEqual(['2027-02-28T09:00:00.000Z', '2027-03-31T09:00:00.000Z']);
  });

  it('the first Monday and the last Friday', () => {
    const first = series('every first monday', '2027-01-01T09:00:00Z', 'UTC');
    expect(runs(first, '2027-01-01T00:00:00Z', 4)).toEqual([
      '2027-01-04T09:00:00.000Z',
      '2027-02-01T09:00:00.000Z',
      '2027-03-01T09:00:00.000Z',
      '2027-04-05T09:00:00.000Z',
    ]);
    const last = series('every last friday', '2027-01-01T09:00:00Z', 'UTC');
    expect(runs(last, '2027-01-01T00:00:00Z', 4)).toEqual([
      '2027-01-29T09:00:00.000Z',
      '2027-02-26T09:00:00.000Z',
      '2027-03-26T09:00:00.000Z',
      '2027-04-30T09:00:00.000Z',
    ]);
  });

  it('every 3 months counts from the first run\'s month', () => {
    const s = series('every 3 months on the 1st', '2027-02-01T09:00:00Z', 'UTC');
    expect(runs(s, '2027-01-01T00:00:00Z', 3)).toEqual(['2027-02-01T09:00:00.000Z', '2027-05-01T09:00:00.000Z', '2027-08-01T09:00:00.000Z']);
  });

  it('yearly from Feb 29 falls back to Feb 28, and is on the 29th again in 2032', () => {
    const s = series('yearly', '2028-02-29T09:00:00Z', 'UTC', { limits: { ...LIMITS, maxDays: 1500 } });
    expect(runs(s, '2028-01-01T00:00:00Z', 5)).toEqual([
      '2028-02-29T09:00:00.000Z',
      '2029-02-28T09:00:00.000Z',
      '2030-02-28T09:00:00.000Z',
      '2031-02-28T09:00:00.000Z',
      '2032-02-29T09:00:00.000Z',
    ]);
  });
});

describe('nextRuns: every two weeks across DST', () => {
  // Friday 2027-02-26 09:00 EST.
  const s = series('every 2 weeks on friday', '2027-02-26T14:00:00Z', NY);

  it('across the March change', () => {
    expect(runs(s, '2027-02-01T00:00:00Z', 4)).toEqual([
      '2027-02-26T14:00:00.000Z',
      '2027-03-12T14:00:00.000Z',
      '2027-03-26T13:00:00.000Z',
      '2027-04-09T13:00:00.000Z',
    ]);
  });

  it('across the November change (Oct 22 is 34 weeks after Feb 26)', () => {
    expect(runs(s, '2027-10-16T00:00:00Z', 3)).toEqual(['2027-10-22T13:00:00.000Z', '2027-11-05T13:00:00.000Z', '2027-11-19T14:00:00.000Z']);
  });

  it('the off weeks are not runs', () => {
    expect(isRunInstant(s, new Date('2027-03-05T14:00:00Z'))).toBe(false);
    expect(isRunInstant(s, new Date('2027-03-12T14:00:00Z'))).toBe(true);
    expect(isRunInstant(s, new Date('2027-03-19T13:00:00Z'))).toBe(false);
  });

  it('"every other friday" and "격주 금요일" are the same series', () => {
    const a = series('every other friday', '2027-02-26T14:00:00Z', NY);
    const b = buildSeries({ repeat: parseRepeat('격주 금요일', { locale: 'ko' }), start: new Date('2027-02-26T14:00:00Z'), zone: NY }, LIMITS);
    expect(seriesToJson(a)).toEqual(seriesToJson(s));
    expect(seriesToJson(b)).toEqual(seriesToJson(s));
  });
});

describe('nextRuns: local times DST skips or doubles', () => {
  it('02:30 daily: on 2027-03-14 02:30 does not exist, so that run is 03:30 EDT (07:30Z)', () => {
    const s = series('every day', '2027-03-12T07:30:00Z', NY);
    expect(runs(s, '2027-03-12T00:00:00Z', 4)).toEqual([
      '2027-03-12T07:30:00.000Z',
      '2027-03-13T07:30:00.000Z',
      '2027-03-14T07:30:00.000Z',
      '2027-03-15T06:30:00.000Z',
    ]);
    expect(isRunInstant(s, new Date('2027-03-14T07:30:00Z'))).toBe(true);
    expect(isRunInstant(s, new Date('2027-03-14T06:30:00Z'))).toBe(false);
  });

  it('01:30 daily: on 2027-11-07 01:30 happens twice, the run is the first (EDT, 05:30Z)', () => {
    const s = series('every day', '2027-11-05T05:30:00Z', NY);
    expect(runs(s, '2027-11-05T00:00:00Z', 4)).toEqual([
      '2027-11-05T05:30:00.000Z',
      '2027-11-06T05:30:00.000Z',
      '2027-11-07T05:30:00.000Z',
      '2027-11-08T06:30:00.000Z',
    ]);
    expect(isRunInstant(s, new Date('2027-11-07T05:30:00Z'))).toBe(true);
    expect(isRunInstant(s, new Date('2027-11-07T06:30:00Z'))).toBe(false);
  });

  it('02:30 daily in Berlin: the doubled 02:30 on 2027-10-31 runs on its first copy (CEST, 00:30Z)', () => {
    const s = series('매일', '2027-10-30T00:30:00Z', 'Europe/Berlin');
    expect(runs(s, '2027-10-30T00:00:00Z', 3)).toEqual(['2027-10-30T00:30:00.000Z', '2027-10-31T00:30:00.000Z', '2027-11-01T01:30:00.000Z']);
    expect(isRunInstant(s, new Date('2027-10-31T01:30:00Z'))).toBe(false);
  });

  it('every 3 hours counts elapsed time: local times move by the DST change', () => {
    // 2027-03-13 22:00 EST = 2027-03-14T03:00Z; then 01:00 EST, then 05:00 EDT.
    const s = series('every 3 hours', '2027-03-14T03:00:00Z', NY);
    expect(runs(s, '2027-03-14T00:00:00Z', 3)).toEqual(['2027-03-14T03:00:00.000Z', '2027-03-14T06:00:00.000Z', '2027-03-14T09:00:00.000Z']);
  });
});

describe('the first run', () => {
  it('"every monday" asked on a Wednesday starts the next Monday at when\'s time', () => {
    // Wednesday 2026-12-02 09:00 in Seoul.
    const s = series('매주 월요일', '2026-12-02T00:00:00Z', SEOUL);
    expect(s.firstRun.toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });

  it('"every 2 weeks on friday" asked on a Wednesday starts that week\'s Friday, then every other week', () => {
    const s = series('every 2 weeks on friday', '2027-02-24T14:00:00Z', NY);
    expect(runs(s, '2027-02-24T00:00:00Z', 2)).toEqual(['2027-02-26T14:00:00.000Z', '2027-03-12T14:00:00.000Z']);
  });

  it('"every month on the 1st" asked on the 2nd starts next month', () => {
    const s = series('every month on the 1st', '2027-01-02T08:15:00Z', 'UTC');
    expect(s.firstRun.toISOString()).toBe('2027-02-01T08:15:00.000Z');
  });

  it('keeps seconds and drops milliseconds', () => {
    const s = series('every day', '2027-01-02T08:15:30.789Z', 'UTC');
    expect(s.firstRun.toISOString()).toBe('2027-01-02T08:15:30.000Z');
    expect(s.timeOfDay).toEqual({ hour: 8, minute: 15, second: 30 });
  });
});

describe('ends: until and count', () => {
  it('until is a date in the user\'s zone and includes that day', () => {
    // Mondays 09:00 in Seoul from 2027-01-04; 2027-01-25 is the last Monday.
    const s = series('every monday', '2027-01-04T00:00:00Z', SEOUL, { until: date(2027, 1, 25) });
    expect(s.end).toEqual({ kind: 'until', date: '2027-01-25' });
    expect(s.runCount).toBe(4);
    expect(runs(s, '2027-01-01T00:00:00Z', 10)).toEqual([
      '2027-01-04T00:00:00.000Z',
      '2027-01-11T00:00:00.000Z',
      '2027-01-18T00:00:00.000Z',
      '2027-01-25T00:00:00.000Z',
    ]);
    expect(series('every monday', '2027-01-04T00:00:00Z', SEOUL, { until: date(2027, 1, 24) }).runCount).toBe(3);
  });

  it('the until day is judged on the local calendar, not UTC (Monday 08:00 KST is Sunday 23:00Z)', () => {
    const s = series('every monday', '2027-01-03T23:00:00Z', SEOUL, { until: date(2027, 1, 25) });
    expect(s.lastRun.toISOString()).toBe('2027-01-24T23:00:00.000Z');
    expect(nextRuns(s, new Date('2027-01-24T23:00:00Z'), 5)).toEqual([]);
  });

  it('until on the first run\'s day gives a single run', () => {
    const s = series('every day', '2027-01-04T09:00:00Z', 'UTC', { until: date(2027, 1, 4) });
    expect(s.runCount).toBe(1);
    expect(runs(s, '2027-01-01T00:00:00Z', 3)).toEqual(['2027-01-04T09:00:00.000Z']);
  });

  it('a count ends the series after that many runs', () => {
    const s = buildSeries({ repeat: parseRepeat('매일 4회', { locale: 'ko' }), start: new Date('2027-03-12T07:30:00Z'), zone: NY }, LIMITS);
    expect(s.end).toEqual({ kind: 'count', count: 4 });
    expect(s.runCount).toBe(4);
    expect(s.lastRun.toISOString()).toBe('2027-03-15T06:30:00.000Z');
    expect(runs(s, '2027-03-01T00:00:00Z', 10)).toEqual([
      '2027-03-12T07:30:00.000Z',
      '2027-03-13T07:30:00.000Z',
      '2027-03-14T07:30:00.000Z',
      '2027-03-15T06:30:00.000Z',
    ]);
  });

  it('a count on an interval cadence', () => {
    const s = series('every 3 hours, 3 times', '2027-05-01T12:00:00Z', 'UTC');
    expect(s.lastRun.toISOString()).toBe('2027-05-01T18:00:00.000Z');
    expect(runs(s, '2027-05-01T12:00:00Z', 5)).toEqual(['2027-05-01T15:00:00.000Z', '2027-05-01T18:00:00.000Z']);
  });

  it('an interval series without an end stops on its limit day', () => {
    // 366 days after 2027-01-01 is 2028-01-02 (2027 is not a leap year); the last 6-hourly run is 18:00 that day.
    const s = series('every 6 hours', '2027-01-01T00:00:00Z', 'UTC');
    expect(s.lastRun.toISOString()).toBe('2028-01-02T18:00:00.000Z');
    expect(s.runCount).toBe(367 * 4);
  });
});

describe('limits', () => {
  it('refuses cadences more often than MIN_REPEAT_INTERVAL', () => {
    expect(codeOf(() => series('every 30 minutes', '2027-01-04T09:00:00Z', 'UTC'))).toBe('REPEAT_TOO_OFTEN');
    expect(series('every hour', '2027-01-04T09:00:00Z', 'UTC').cadence).toEqual({ kind: 'interval', minutes: 60 });
    const twoHours = { ...LIMITS, minIntervalMs: 2 * 3_600_000 };
    expect(codeOf(() => series('every 90 minutes', '2027-01-04T09:00:00Z', 'UTC', { limits: twoHours }))).toBe('REPEAT_TOO_OFTEN');
    const day = { ...LIMITS, minIntervalMs: 86_400_000 };
    expect(series('every day', '2027-01-04T09:00:00Z', 'UTC', { limits: day }).runCount).toBeGreaterThan(1);
    expect(codeOf(() => series('every day', '2027-01-04T09:00:00Z', 'UTC', { limits: { ...LIMITS, minIntervalMs: 86_400_001 } }))).toBe('REPEAT_TOO_OFTEN');
    // Saturday and Sunday are one day apart, even every other week; Sunday to the next Monday too.
    const twoDays = { ...LIMITS, minIntervalMs: 2 * 86_400_000 };
    expect(codeOf(() => series('every other sat and sun', '2027-01-04T09:00:00Z', 'UTC', { limits: twoDays }))).toBe('REPEAT_TOO_OFTEN');
    expect(codeOf(() => series('every sun and mon', '2027-01-04T09:00:00Z', 'UTC', { limits: twoDays }))).toBe('REPEAT_TOO_OFTEN');
    // Every other week, Monday to Sunday of the same ISO week is 6 days, Sunday to the Monday after next 8.
    expect(series('every other sun and mon', '2027-01-04T09:00:00Z', 'UTC', { limits: twoDays }).cadence).toEqual({ kind: 'weekly', every: 2, days: [1, 7] });
  });

  it('the message names the minimum in both languages', () => {
    try {
      series('every 30 minutes', '2027-01-04T09:00:00Z', 'UTC');
    } catch (err) {
      expect((err as { messageFor(l: string): string }).messageFor('en')).toContain('once every 1 hour');
      expect((err as { messageFor(l: string): string }).messageFor('ko')).toContain('최소 1시간');
    }
    expect.assertions(2);
  });

  it('refuses an until more than MAX_REPEAT_DAYS after the first run, accepts one exactly that far', () => {
    // First run Monday 2026-10-19; 366 days later is 2027-10-20.
    expect(codeOf(() => series('every monday', '2026-10-19T13:00:00Z', NY, { until: date(2027, 10, 21) }))).toBe('REPEAT_TOO_LONG');
    expect(series('every monday', '2026-10-19T13:00:00Z', NY, { until: date(2027, 10, 20) }).lastRun.toISOString()).toBe('2027-10-18T13:00:00.000Z');
  });

  it('refuses a count whose last run would be beyond MAX_REPEAT_DAYS', () => {
    // The 53rd Monday from 2026-10-19 is 2027-10-18 (inside); the 54th, 2027-10-25, is not.
    expect(series('every monday, 53 times', '2026-10-19T13:00:00Z', NY).lastRun.toISOString()).toBe('2027-10-18T13:00:00.000Z');
    expect(codeOf(() => series('every monday, 54 times', '2026-10-19T13:00:00Z', NY))).toBe('REPEAT_TOO_LONG');
    expect(codeOf(() => series('every hour, 100000 times', '2026-10-19T13:00:00Z', NY))).toBe('REPEAT_TOO_LONG');
  });

  it('refuses an until before the first run, and until together with a count', () => {
    expect(codeOf(() => series('every monday', '2026-10-19T13:00:00Z', NY, { until: date(2026, 10, 18) }))).toBe('REPEAT_UNTIL_BEFORE_FIRST');
    // Asked on Wednesday 2026-10-21 with until Thursday: the first Monday (10-26) is already past it.
    expect(codeOf(() => series('every monday', '2026-10-21T13:00:00Z', NY, { until: date(2026, 10, 22) }))).toBe('REPEAT_UNTIL_BEFORE_FIRST');
    expect(codeOf(() => series('every monday, 3 times', '2026-10-19T13:00:00Z', NY, { until: date(2026, 12, 1) }))).toBe('REPEAT_BOTH_ENDS');
  });

  it('refuses an unknown zone', () => {
    expect(codeOf(() => series('every monday', '2026-10-19T13:00:00Z', 'Mars/Base'))).toBe('INVALID_TIME_ZONE');
  });

  it('checks a hand-made rule as the parser does', () => {
    const start = new Date('2027-01-04T09:00:00Z');
    expect(codeOf(() => buildSeries({ repeat: { rule: { kind: 'daily', every: 0 } }, start, zone: 'UTC' }, LIMITS))).toBe('REPEAT_INVALID_INTERVAL');
    expect(codeOf(() => buildSeries({ repeat: { rule: { kind: 'monthly', every: 1, on: { kind: 'day', day: 32 } } }, start, zone: 'UTC' }, LIMITS))).toBe(
      'REPEAT_INVALID_DAY',
    );
    expect(codeOf(() => buildSeries({ repeat: { rule: { kind: 'daily', every: 1 }, count: 0 }, start, zone: 'UTC' }, LIMITS))).toBe('REPEAT_INVALID_COUNT');
    expect(() => buildSeries({ repeat: { rule: { kind: 'weekly', every: 1, days: [] } }, start, zone: 'UTC' }, LIMITS)).toThrow(TypeError);
    expect(() => buildSeries({ repeat: { rule: { kind: 'daily', every: 1 } }, start, zone: 'UTC' }, { minIntervalMs: 0, maxDays: 366 })).toThrow(TypeError);
  });
});

describe('isRunInstant', () => {
  const s = series('every month on the last day', '2028-01-31T09:00:00Z', SEOUL, { until: date(2028, 6, 30) });

  it('is true exactly on the runs', () => {
    expect(isRunInstant(s, new Date('2028-02-29T09:00:00Z'))).toBe(true);
    expect(isRunInstant(s, new Date('2028-02-28T09:00:00Z'))).toBe(false);
    expect(isRunInstant(s, new Date('2028-02-29T09:00:01Z'))).toBe(false);
    expect(isRunInstant(s, new Date('2028-02-29T08:59:59.999Z'))).toBe(false);
    expect(isRunInstant(s, new Date('2028-03-30T09:00:00Z'))).toBe(false);
  });

  it('is false before the first run and after the last', () => {
    expect(isRunInstant(s, new Date('2027-12-31T09:00:00Z'))).toBe(false);
    expect(isRunInstant(s, new Date('2028-06-30T09:00:00Z'))).toBe(true);
    expect(isRunInstant(s, new Date('2028-07-31T09:00:00Z'))).toBe(false);
    expect(isRunInstant(s, new Date(Number.NaN))).toBe(false);
  });
});

describe('describing a series', () => {
  const cases: [phrase: string, start: string, zone: string, en: string, ko: string][] = [
    ['every monday', '2026-10-19T13:00:00Z', NY, 'every Monday at 09:00', '매주 월요일 09:00'],
    ['every weekday', '2026-10-19T13:00:00Z', NY, 'every weekday at 09:00', '평일마다 09:00'],
    ['every day', '2026-10-19T13:00:00Z', NY, 'every day at 09:00', '매일 09:00'],
    ['every other day', '2026-10-19T13:00:00Z', NY, 'every other day at 09:00', '격일 09:00'],
    ['every mon, wed and fri', '2026-10-19T13:00:00Z', NY, 'every Monday, Wednesday and Friday at 09:00', '매주 월요일·수요일·금요일 09:00'],
    ['every 2 weeks on friday', '2027-02-26T14:00:00Z', NY, 'every other Friday at 09:00', '격주 금요일 09:00'],
    ['every 3 weeks on friday', '2027-02-26T14:00:00Z', NY, 'every 3 weeks on Friday at 09:00', '3주마다 금요일 09:00'],
    ['every month on the 1st', '2027-02-01T00:30:00Z', SEOUL, 'every month on the 1st at 09:30', '매월 1일 09:30'],
    ['every month on the last day', '2027-01-31T09:00:00Z', SEOUL, 'every month on the last day at 18:00', '매월 말일 18:00'],
    ['every month on the 30th', '2027-01-30T09:00:00Z', 'UTC', "every month on the 30th (or the month's last day) at 09:00", '매월 30일(없는 달은 말일) 09:00'],
    ['every first monday', '2027-01-04T09:00:00Z', 'UTC', 'every month on the first Monday at 09:00', '매월 첫째 월요일 09:00'],
    ['quarterly', '2027-01-22T09:00:00Z', 'UTC', 'every 3 months on the 22nd at 09:00', '3개월마다 22일 09:00'],
    ['yearly', '2027-03-01T09:00:00Z', 'UTC', 'every year on March 1 at 09:00', '매년 3월 1일 09:00'],
    ['every hour', '2027-01-04T09:15:00Z', 'UTC', 'every hour from 09:15', '09:15부터 매시간'],
    ['every 90 minutes', '2027-01-04T09:15:00Z', 'UTC', 'every 90 minutes from 09:15', '09:15부터 1시간 30분마다'],
    ['every day', '2027-01-04T09:15:30Z', 'UTC', 'every day at 09:15:30', '매일 09:15:30'],
  ];
  for (const [phrase, start, zone, en, ko] of cases) {
    it(`"${phrase}" → "${en}" / "${ko}"`, () => {
      const s = series(phrase, start, zone);
      expect(describeCadence(s, 'en')).toBe(en);
      expect(describeCadence(s, 'ko')).toBe(ko);
    });
  }

  it('describes the end', () => {
    const counted = series('every monday, 10 times', '2026-10-19T13:00:00Z', NY);
    expect(describeSeries(counted, 'en')).toBe('every Monday at 09:00, 10 times');
    expect(describeSeries(counted, 'ko')).toBe('매주 월요일 09:00, 10회');
    const until = series('every monday', '2026-10-19T13:00:00Z', NY, { until: date(2027, 3, 1) });
    expect(describeEnd(until, 'en')).toBe('until 2027-03-01');
    expect(describeEnd(until, 'ko')).toBe('2027년 3월 1일까지');
  });
});

describe('the autocomplete preview', () => {
  it('adds the next run, read in the series\' zone', () => {
    const s = series('every monday', '2026-10-19T13:00:00Z', NY, { until: date(2026, 12, 1) });
    expect(describePreview(s, new Date('2026-11-24T12:00:00Z'), 'en')).toBe('every Monday at 09:00, next: Mon, Nov 30, 2026, 9:00 AM EST');
    const seoul = series('매주 월요일', '2026-11-30T00:00:00Z', SEOUL);
    expect(describePreview(seoul, new Date('2026-11-26T20:00:00Z'), 'ko')).toBe('매주 월요일 09:00, 다음: 2026년 11월 30일 (월) 09:00 GMT+9');
  });

  it('says when no run is left', () => {
    const s = series('every monday', '2026-10-19T13:00:00Z', NY, { until: date(2026, 12, 1) });
    expect(describePreview(s, new Date('2026-12-01T00:00:00Z'), 'en')).toBe('every Monday at 09:00 (no runs left)');
    expect(describePreview(s, new Date('2026-12-01T00:00:00Z'), 'ko')).toBe('매주 월요일 09:00 (남은 발송 없음)');
  });
});

describe('stored form', () => {
  it('round-trips through JSON and keeps every run', () => {
    const s = series('every 2 weeks on mon and thu', '2027-02-25T14:00:00Z', NY, { until: date(2027, 6, 30) });
    const back = seriesFromJson(JSON.parse(JSON.stringify(seriesToJson(s))));
    expect(back).toEqual(s);
    expect(nextRuns(back, new Date(0), 100)).toEqual(nextRuns(s, new Date(0), 100));
  });

  it('keeps the time of day a DST gap moved the first run away from', () => {
    // "every sunday" at 02:30 asked on Saturday 2027-03-13: the first Sunday has no 02:30.
    const s = series('every sunday', '2027-03-13T07:30:00Z', NY);
    expect(s.firstRun.toISOString()).toBe('2027-03-14T07:30:00.000Z');
    const back = seriesFromJson(seriesToJson(s));
    expect(back.timeOfDay).toEqual({ hour: 2, minute: 30, second: 0 });
    expect(runs(back, '2027-03-14T07:30:00Z', 1)).toEqual(['2027-03-21T06:30:00.000Z']);
  });

  it('refuses data that is not a series', () => {
    expect(() => seriesFromJson({ version: 1 })).toThrow(/not a stored repeat series/);
    const s = seriesToJson(series('every monday', '2026-10-19T13:00:00Z', NY));
    expect(() => seriesFromJson({ ...s, firstRun: '2026-10-20T13:00:00.000Z' })).toThrow(/not a run/);
    expect(() => seriesFromJson({ ...s, zone: 'Mars/Base' })).toThrow(/unknown zone/);
  });
});
