// Generated cases (fast-check) for the repeat domain: parsing never throws anything but a
// HeraldError, and every series that builds has runs that are in order, recognised by isRunInstant,
// far enough apart, and inside its end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSeries,
  describeCadence,
  describeSeries,
  isRunInstant,
  nextRuns,
  parseRepeat,
  parseUntil,
  seriesFromJson,
  seriesToJson,
  toScheduleSpec,
  type IsoWeekday,
  type LocalDate,
  type MonthDay,
  type RepeatRule,
  type RepeatSeries,
} from '../../src/domain/repeat/index.js';
import { instantOfWallClock, wallClockAt } from '../../src/domain/time-zone.js';
import { outcome } from './helpers.js';

// Zones with 1 h, 30 min (Lord Howe) and 2 h (Troll) DST, DST at midnight (Santiago, Havana),
// none (Seoul, Kathmandu's +05:45), and the far east/west.
const ZONES = [
  'UTC', 'Asia/Seoul', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Antarctica/Troll',
  'America/Santiago', 'America/Havana', 'Asia/Kathmandu', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Pacific/Pago_Pago',
];

describe('parseRepeat and parseUntil: any input', () => {
  const fragments = fc.constantFrom(
    'every', 'each', 'other', '2', '0', '999', '1000', 'day', 'days', 'week', 'weeks', 'month', 'months', 'monday', 'mon', 'fri',
    'and', ',', '/', '-', 'to', 'on', 'the', '1st', '31st', 'last', 'first', 'of', 'hours', 'minutes', 'times', 'x', 'until', '9am',
    '매일', '매주', '격주', '매월', '매달', '말일', '월', '수', '금요일', '마다', '1일', '32일', '회', '번', '시간', '분', '평일', '주말',
    '~', '·', '첫째', '마지막', '오전', '까지', ' ', '\n', '\u0000', '😀', 'ﬁ', '한', '두',
  );
  const phrase = fc.oneof(
    fc.array(fragments, { maxLength: 8 }).map((parts) => parts.join(' ')),
    fc.array(fragments, { maxLength: 8 }).map((parts) => parts.join('')),
    fc.string({ maxLength: 120 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
  );

  it('parseRepeat returns a rule or throws a REPEAT_* HeraldError, never anything else', () => {
    fc.assert(
      fc.property(phrase, fc.constantFrom('en' as const, 'ko' as const), (input, locale) => {
        const result = outcome(() => parseRepeat(input, { locale }));
        if (result.ok) expect(['interval', 'daily', 'weekly', 'monthly']).toContain(result.value.rule.kind);
        else expect(result.error.code).toMatch(/^REPEAT_/);
      }),
      { numRuns: 4_000 },
    );
  });

  it('parseUntil returns a real date or throws REPEAT_UNTIL_UNPARSEABLE', () => {
    fc.assert(
      fc.property(phrase, fc.constantFrom(...ZONES), fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }), (input, zone, now) => {
        const result = outcome(() => parseUntil(input, { now, zone }));
        if (result.ok) expect(Number.isNaN(Date.UTC(result.value.year, result.value.month - 1, result.value.day))).toBe(false);
        else expect(result.error.code).toBe('REPEAT_UNTIL_UNPARSEABLE');
      }),
      { numRuns: 1_500 },
    );
  });
});

describe('series: runs are ordered, recognised, far enough apart and inside the end', () => {
  const weekday = fc.integer({ min: 1, max: 7 }) as fc.Arbitrary<IsoWeekday>;
  const monthDay: fc.Arbitrary<MonthDay> = fc.oneof(
    fc.integer({ min: 1, max: 31 }).map((day) => ({ kind: 'day' as const, day })),
    fc.constant({ kind: 'lastDay' as const }),
    fc.record({ kind: fc.constant('weekday' as const), nth: fc.constantFrom(1, 2, 3, 4, 'last') as fc.Arbitrary<1 | 2 | 3 | 4 | 'last'>, weekday }),
  );
  const rule: fc.Arbitrary<RepeatRule> = fc.oneof(
    fc.constantFrom(1, 15, 30, 45, 60, 90, 120, 180, 360, 720, 1440, 2880).map((minutes) => ({ kind: 'interval' as const, minutes })),
    fc.integer({ min: 1, max: 10 }).map((every) => ({ kind: 'daily' as const, every })),
    fc.record({ kind: fc.constant('weekly' as const), every: fc.integer({ min: 1, max: 4 }), days: fc.uniqueArray(weekday, { minLength: 1, maxLength: 7 }) }),
    fc.record({ kind: fc.constant('weekly' as const), every: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('monthly' as const), every: fc.integer({ min: 1, max: 13 }), on: monthDay }),
    fc.record({ kind: fc.constant('monthly' as const), every: fc.integer({ min: 1, max: 13 }) }),
  );
  // Local times near DST changes (00:00–03:59, 23:xx) come up often; any time otherwise.
  const start = fc
    .record({
      zone: fc.constantFrom(...ZONES),
      day: fc.integer({ min: 0, max: 5 * 366 }),
      hour: fc.oneof(fc.constantFrom(0, 1, 2, 3, 23), fc.integer({ min: 0, max: 23 })),
      minute: fc.constantFrom(0, 15, 30, 45, 59),
      second: fc.constantFrom(0, 0, 0, 30),
      ms: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ zone, day, hour, minute, second, ms }) => {
      const date = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
      const wall = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute, second, millisecond: ms };
      return { zone, start: instantOfWallClock(wall, zone) };
    });
  const end = fc.oneof(
    fc.constant({}),
    fc.integer({ min: -3, max: 420 }).map((days) => ({ untilDays: days })),
    fc.integer({ min: 1, max: 80 }).map((count) => ({ count })),
  );
  const limits = fc.record({
    minIntervalMs: fc.constantFrom(60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 12 * 3_600_000),
    maxDays: fc.constantFrom(30, 100, 366),
  });

  function untilDate(startAt: Date, zone: string, days: number): LocalDate {
    const w = wallClockAt(startAt, zone);
    const d = new Date(Date.UTC(w.year, w.month - 1, w.day) + days * 86_400_000);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }

  const localDateOf = (t: Date, zone: string) => {
    const w = wallClockAt(t, zone);
    return w.year * 10_000 + w.month * 100 + w.day;
  };

  it('holds for generated series in many zones', () => {
    fc.assert(
      fc.property(rule, start, end, limits, fc.double({ min: -0.05, max: 1.05, noNaN: true }), fc.integer({ min: 1, max: 25 }), (r, { zone, start: startAt }, e, lim, where, n) => {
        const until = 'untilDays' in e ? untilDate(startAt, zone, e.untilDays) : undefined;
        const count = 'count' in e ? e.count : undefined;
        const built = outcome(() => buildSeries({ repeat: { rule: r, count }, start: startAt, zone, until }, lim));
        if (!built.ok) {
          expect(['REPEAT_TOO_OFTEN', 'REPEAT_TOO_LONG', 'REPEAT_UNTIL_BEFORE_FIRST']).toContain(built.error.code);
          return;
        }
        const s: RepeatSeries = built.value;
        const first = s.firstRun.getTime();
        const last = s.lastRun.getTime();
        expect(first).toBeGreaterThanOrEqual(Math.floor(startAt.getTime() / 1000) * 1000);
        expect(first).toBeLessThan(startAt.getTime() + 63 * 86_400_000);
        expect(last).toBeGreaterThanOrEqual(first);

        // A window somewhere around the series.
        const after = new Date(first - 86_400_000 + where * (last - first + 2 * 86_400_000));
        const runs = nextRuns(s, after, n);
        expect(runs.length).toBeLessThanOrEqual(n);
        let previous = after.getTime();
        for (const [i, run] of runs.entries()) {
          const t = run.getTime();
          expect(t).toBeGreaterThan(previous);
          if (i > 0) expect(t - previous).toBeGreaterThanOrEqual(lim.minIntervalMs);
          expect(t).toBeGreaterThanOrEqual(first);
          expect(t).toBeLessThanOrEqual(last);
          expect(t % 1000).toBe(0);
          expect(isRunInstant(s, run)).toBe(true);
          expect(isRunInstant(s, new Date(t + 1000))).toBe(false);
          expect(isRunInstant(s, new Date(t - 1000))).toBe(false);
          if (until) expect(localDateOf(run, zone)).toBeLessThanOrEqual(until.year * 10_000 + until.month * 100 + until.day);
          previous = t;
        }
        // Fewer than n only when the series has ended.
        if (runs.length < n) {
          const tail = runs.length > 0 ? (runs[runs.length - 1] as Date).getTime() : after.getTime();
          expect(tail).toBeGreaterThanOrEqual(last);
        }

        // The whole series: runCount runs from firstRun to lastRun; a count is exact.
        if (s.runCount <= 400) {
          const all = nextRuns(s, new Date(first - 1), s.runCount + 5);
          expect(all.length).toBe(s.runCount);
          expect(all[0]?.getTime()).toBe(first);
          expect(all[all.length - 1]?.getTime()).toBe(last);
        }
        if (count !== undefined) expect(s.runCount).toBe(count);

        // Any whole second that isRunInstant accepts is the run nextRuns lists there.
        const probe = Math.floor((first + where * (last - first)) / 1000) * 1000;
        if (isRunInstant(s, new Date(probe))) expect(nextRuns(s, new Date(probe - 1), 1)[0]?.getTime()).toBe(probe);

        // The other views of the same series never throw and stay consistent.
        expect(describeCadence(s, 'en').length).toBeGreaterThan(5);
        expect(describeSeries(s, 'ko').length).toBeGreaterThan(3);
        expect(seriesFromJson(JSON.parse(JSON.stringify(seriesToJson(s))))).toEqual(s);
        const spec = toScheduleSpec(s);
        expect(spec.startAt).toEqual(s.firstRun);
        expect(spec.endAt).toEqual(s.lastRun);
        for (const interval of spec.intervals ?? []) expect(Number(interval.offset)).toBeLessThan(Number(interval.every));
      }),
      { numRuns: 1_500 },
    );
  });
});
