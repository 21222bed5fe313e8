// Compiles a series into the ScheduleSpec of its Temporal Schedule. The spec fires on a superset of
// the runs (candidates); the started workflow asks isRunInstant(series, scheduledTime) and does
// nothing for a candidate that is not a run. Why a superset, and where it comes from, is in index.ts.
import type { CalendarSpec, DayOfWeek, IntervalSpec, Month, ScheduleSpec } from '@temporalio/client';
import { IANAZone } from 'luxon';
import { describeCadence } from './describe.js';
import { firstRunDate, nextRuns } from './series.js';
import type { Cadence, RepeatSeries } from './types.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Indexed by ISO weekday - 1. */
const TEMPORAL_DAYS: readonly DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const TEMPORAL_MONTHS: readonly Month[] = [
  'JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER',
];

/** The candidate days of a day-based cadence as calendar fields (hour, minute and second are added later). */
function candidateDays(cadence: Exclude<Cadence, { kind: 'interval' }>, firstMonth: number): CalendarSpec {
  switch (cadence.kind) {
    case 'daily':
      return {};
    case 'weekly':
      return { dayOfWeek: cadence.days.map((d) => TEMPORAL_DAYS[d - 1] as DayOfWeek) };
    case 'monthly': {
      // A step that divides the year picks the same months every year, so only those months fire.
      const months: CalendarSpec =
        cadence.every > 1 && 12 % cadence.every === 0
          ? { month: Array.from({ length: 12 / cadence.every }, (_, k) => TEMPORAL_MONTHS[(firstMonth - 1 + k * cadence.every) % 12] as Month) }
          : {};
      const on = cadence.on;
      switch (on.kind) {
        case 'day':
          // The 29th–31st fall back to a short month's last day, so the 28th onwards are candidates.
          return { ...months, dayOfMonth: on.day <= 28 ? on.day : { start: 28, end: on.day } };
        case 'lastDay':
          return { ...months, dayOfMonth: { start: 28, end: 31 } };
        case 'weekday':
          return {
            ...months,
            dayOfWeek: TEMPORAL_DAYS[on.weekday - 1] as DayOfWeek,
            dayOfMonth: on.nth === 'last' ? { start: 22, end: 31 } : { start: on.nth * 7 - 6, end: on.nth * 7 },
          };
      }
    }
  }
}

/**
 * The ScheduleSpec (`@temporalio/client` 1.24) of a series' Schedule: startAt = first run,
 * endAt = last run (both inclusive), timezone = the series' zone, no jitter.
 *
 * - `interval` cadences are one IntervalSpec (every N minutes, offset = the first run modulo N):
 *   it fires exactly on the runs.
 * - day-based cadences are one CalendarSpec firing on every candidate day at the time of day, plus
 *   one single-shot IntervalSpec for each run within a day of a UTC-offset change (a DST gap moves
 *   the run; a doubled hour makes Temporal fire on the second copy, or both, while Herald runs on the
 *   first). Candidates that are not runs (the other weeks of "every 2 weeks", the 28th–30th for "the
 *   last day", a doubled hour's second copy) must be dropped with isRunInstant.
 */
export function toScheduleSpec(series: RepeatSeries): ScheduleSpec {
  const base: ScheduleSpec = { startAt: series.firstRun, endAt: series.lastRun, timezone: series.zone, jitter: 0 };
  const cadence = series.cadence;
  const first = series.firstRun.getTime();
  if (cadence.kind === 'interval') {
    const every = cadence.minutes * MINUTE_MS;
    return { ...base, intervals: [{ every, offset: first % every }] };
  }

  const { hour, minute, second } = series.timeOfDay;
  const calendar: CalendarSpec = {
    ...candidateDays(cadence, firstRunDate(series).month),
    hour,
    minute,
    second,
    comment: `Herald: ${describeCadence(series, 'en')}. Each firing is checked with isRunInstant.`.slice(0, 200),
  };
  // An interval longer than the whole series fires once inside [startAt, endAt]: a single shot.
  const once = Math.ceil((series.lastRun.getTime() - first) / DAY_MS + 1) * DAY_MS;
  const zone = IANAZone.create(series.zone);
  const oneShots: IntervalSpec[] = nextRuns(series, new Date(first - 1), series.runCount)
    .map((run) => run.getTime())
    .filter((t) => zone.offset(t - DAY_MS) !== zone.offset(t + DAY_MS))
    .map((t) => ({ every: once, offset: t % once }));
  return oneShots.length > 0 ? { ...base, calendars: [calendar], intervals: oneShots } : { ...base, calendars: [calendar] };
}
