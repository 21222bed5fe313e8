// A series: a cadence pinned to a first run, a zone and an end. Builds and checks one, lists its
// runs, and says whether an instant is one of them. See index.ts for the rules in one place.
import { MAX_REPEAT_STEP } from '../limits.js';
import { z } from 'zod';
import { HeraldError } from '../errors.js';
import { instantOfWallClock, isValidTimeZone, wallClockAt } from '../time-zone.js';
import {
  addDays,
  compareDates,
  daysInMonth,
  epochDay,
  formatLocalDate,
  isoWeekday,
  monthIndex,
  pad2,
  parseLocalDate,
} from './local-date.js';
import type {
  Cadence,
  IsoWeekday,
  LocalDate,
  MonthDay,
  RepeatLimits,
  RepeatRequest,
  RepeatRule,
  RepeatSeries,
  SeriesEnd,
  TimeOfDay,
} from './types.js';

// The largest step a cadence may have ("every 999 days/weeks/months/hours/minutes") is in limits.ts.
export { MAX_REPEAT_STEP };
/** Bounds of MAX_REPEAT_DAYS (config) and the sanity bound when a stored series is read back. */
export const MAX_REPEAT_DAYS_CEILING = 3660;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

type DayCadence = Exclude<Cadence, { kind: 'interval' }>;

// --- Checking a rule -----------------------------------------------------------------------------

function checkStep(value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_REPEAT_STEP) {
    throw new HeraldError('REPEAT_INVALID_INTERVAL', { value, max: MAX_REPEAT_STEP });
  }
}

function checkMonthDay(on: MonthDay): MonthDay {
  switch (on.kind) {
    case 'day':
      if (!Number.isInteger(on.day) || on.day < 1 || on.day > 31) throw new HeraldError('REPEAT_INVALID_DAY', { day: on.day });
      return { kind: 'day', day: on.day };
    case 'lastDay':
      return { kind: 'lastDay' };
    case 'weekday':
      if (![1, 2, 3, 4, 'last'].includes(on.nth) || !isWeekday(on.weekday)) throw new TypeError(`invalid month weekday ${JSON.stringify(on)}`);
      return { kind: 'weekday', nth: on.nth, weekday: on.weekday };
  }
}

function isWeekday(value: unknown): value is IsoWeekday {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 7;
}

function normalizeDays(days: readonly number[]): IsoWeekday[] {
  if (days.length === 0 || !days.every(isWeekday)) throw new TypeError(`invalid weekdays ${JSON.stringify(days)}`);
  return [...new Set(days)].sort((a, b) => a - b) as IsoWeekday[];
}

/**
 * Checks a rule's numbers (HeraldError for what a user can type wrong: a step of 0, day 32) and
 * returns a clean copy. The parser and buildSeries both go through here, so the rule lives once.
 */
export function checkRule(rule: RepeatRule): RepeatRule {
  switch (rule.kind) {
    case 'interval':
      if (!Number.isInteger(rule.minutes) || rule.minutes < 1 || rule.minutes > MAX_REPEAT_STEP * 60) {
        throw new HeraldError('REPEAT_INVALID_INTERVAL', { value: rule.minutes, max: MAX_REPEAT_STEP * 60 });
      }
      return { kind: 'interval', minutes: rule.minutes };
    case 'daily':
      checkStep(rule.every);
      return { kind: 'daily', every: rule.every };
    case 'weekly':
      checkStep(rule.every);
      return rule.days === undefined ? { kind: 'weekly', every: rule.every } : { kind: 'weekly', every: rule.every, days: normalizeDays(rule.days) };
    case 'monthly':
      checkStep(rule.every);
      return rule.on === undefined ? { kind: 'monthly', every: rule.every } : { kind: 'monthly', every: rule.every, on: checkMonthDay(rule.on) };
    default:
      throw new TypeError(`unknown repeat rule ${JSON.stringify(rule)}`);
  }
}

function checkLimits(limits: RepeatLimits): void {
  if (!(Number.isFinite(limits.minIntervalMs) && limits.minIntervalMs > 0)) throw new TypeError('RepeatLimits.minIntervalMs must be a positive number');
  if (!(Number.isInteger(limits.maxDays) && limits.maxDays >= 1 && limits.maxDays <= MAX_REPEAT_DAYS_CEILING)) {
    throw new TypeError(`RepeatLimits.maxDays must be a whole number from 1 to ${MAX_REPEAT_DAYS_CEILING}`);
  }
}

/**
 * The shortest time between two runs as the calendar lays them out, a day counted as 24 hours.
 * (A DST change can make one real gap of a day-based cadence shorter by the size of the change.)
 */
export function nominalGapMs(cadence: Cadence): number {
  switch (cadence.kind) {
    case 'interval':
      return cadence.minutes * MINUTE_MS;
    case 'daily':
      return cadence.every * DAY_MS;
    case 'weekly': {
      const days = cadence.days;
      const first = days[0] ?? 1;
      const last = days[days.length - 1] ?? 1;
      let gap = 7 * cadence.every - (last - first);
      for (let i = 1; i < days.length; i++) gap = Math.min(gap, (days[i] ?? 0) - (days[i - 1] ?? 0));
      return gap * DAY_MS;
    }
    case 'monthly':
      // The shortest month-to-month step of any MonthDay is 28 days (Jan 31 → Feb 28, last Friday → last Friday).
      return 28 * cadence.every * DAY_MS;
  }
}

// --- Which dates and instants are runs -------------------------------------------------------------

function onMonthDay(on: MonthDay, date: LocalDate): boolean {
  const last = daysInMonth(date.year, date.month);
  switch (on.kind) {
    case 'day':
      return date.day === Math.min(on.day, last);
    case 'lastDay':
      return date.day === last;
    case 'weekday':
      if (isoWeekday(date) !== on.weekday) return false;
      return on.nth === 'last' ? date.day + 7 > last : Math.ceil(date.day / 7) === on.nth;
  }
}

/** Whether the cadence runs on this date at all, ignoring its step. */
function onCadenceDay(cadence: DayCadence, date: LocalDate): boolean {
  switch (cadence.kind) {
    case 'daily':
      return true;
    case 'weekly':
      return cadence.days.includes(isoWeekday(date));
    case 'monthly':
      return onMonthDay(cadence.on, date);
  }
}

/** Monday of the ISO week holding `date`, as an epoch day. */
function weekStart(date: LocalDate): number {
  return epochDay(date) - (isoWeekday(date) - 1);
}

/** Whether `date` (not before the anchor, the first run's date) falls in a step of the cadence. */
function inStep(cadence: DayCadence, date: LocalDate, anchor: LocalDate): boolean {
  if (cadence.every === 1) return true;
  switch (cadence.kind) {
    case 'daily':
      return (epochDay(date) - epochDay(anchor)) % cadence.every === 0;
    case 'weekly':
      return ((weekStart(date) - weekStart(anchor)) / 7) % cadence.every === 0;
    case 'monthly':
      return (monthIndex(date) - monthIndex(anchor)) % cadence.every === 0;
  }
}

function isRunDate(cadence: DayCadence, date: LocalDate, anchor: LocalDate): boolean {
  return compareDates(date, anchor) >= 0 && onCadenceDay(cadence, date) && inStep(cadence, date, anchor);
}

/** The run on `date`: the time of day on that date in the zone, with instantOfWallClock's DST rules. */
function runOn(date: LocalDate, timeOfDay: TimeOfDay, zone: string): number {
  return instantOfWallClock({ ...date, ...timeOfDay, millisecond: 0 }, zone).getTime();
}

function wallDate(instant: number, zone: string): LocalDate {
  const w = wallClockAt(new Date(instant), zone);
  return { year: w.year, month: w.month, day: w.day };
}

/**
 * The calendar date whose run is `instant`, if any. Usually the instant's own local date; the day
 * before when a DST gap pushed that day's time of day past midnight.
 */
function runDateOf(cadence: DayCadence, timeOfDay: TimeOfDay, zone: string, instant: number, anchor: LocalDate | undefined): LocalDate | undefined {
  const own = wallDate(instant, zone);
  for (const date of [own, addDays(own, -1)]) {
    const matches = anchor ? isRunDate(cadence, date, anchor) : onCadenceDay(cadence, date);
    if (matches && runOn(date, timeOfDay, zone) === instant) return date;
  }
  return undefined;
}

function anchorOf(series: RepeatSeries & { cadence: DayCadence }): LocalDate {
  const anchor = runDateOf(series.cadence, series.timeOfDay, series.zone, series.firstRun.getTime(), undefined);
  if (!anchor) throw new Error('RepeatSeries: firstRun is not a run of its cadence');
  return anchor;
}

/**
 * The calendar date the first run belongs to, in the series' zone (its local date, unless a DST gap
 * pushed the time of day past midnight). Steps (every 2 weeks, every 3 months) count from it.
 */
export function firstRunDate(series: RepeatSeries): LocalDate {
  return isDayCadence(series) ? anchorOf(series) : wallDate(series.firstRun.getTime(), series.zone);
}

function isDayCadence(series: RepeatSeries): series is RepeatSeries & { cadence: DayCadence } {
  return series.cadence.kind !== 'interval';
}

/**
 * Runs strictly after `afterMs` whose date is `lastDate` at the latest, in order. nextRuns passes the
 * last run's date; buildSeries passes the until or limit date while it is still looking for the last run.
 */
function* runsBetween(
  core: { cadence: Cadence; zone: string; timeOfDay: TimeOfDay; firstRun: number; anchor: LocalDate },
  afterMs: number,
  lastDate: LocalDate,
): Generator<number> {
  const { cadence, zone, timeOfDay, firstRun, anchor } = core;
  if (cadence.kind === 'interval') {
    const every = cadence.minutes * MINUTE_MS;
    const endExclusive = runOn(addDays(lastDate, 1), { hour: 0, minute: 0, second: 0 }, zone);
    let k = afterMs < firstRun ? 0 : Math.floor((afterMs - firstRun) / every) + 1;
    for (let t = firstRun + k * every; t < endExclusive; t = firstRun + ++k * every) yield t;
    return;
  }
  // A run belongs to its nominal date, and can only land on that date or (after a DST gap) the next.
  const fromAfter = addDays(wallDate(Math.max(afterMs, firstRun), zone), -1);
  let date = compareDates(fromAfter, anchor) > 0 ? fromAfter : anchor;
  for (; compareDates(date, lastDate) <= 0; date = addDays(date, 1)) {
    if (!isRunDate(cadence, date, anchor)) continue;
    const t = runOn(date, timeOfDay, zone);
    if (t > afterMs && t >= firstRun) yield t;
  }
}

function coreOf(series: RepeatSeries) {
  const anchor = firstRunDate(series);
  return { cadence: series.cadence, zone: series.zone, timeOfDay: series.timeOfDay, firstRun: series.firstRun.getTime(), anchor };
}

/**
 * The next `n` runs strictly after `after`, in order (fewer when the series ends first). Day-based
 * runs are at the series' local time of day in its zone on every date, whatever the offset.
 */
export function nextRuns(series: RepeatSeries, after: Date, n: number): Date[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('nextRuns: n must be a whole number ≥ 0');
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('nextRuns: after is an invalid Date');
  const lastMs = series.lastRun.getTime();
  const out: Date[] = [];
  if (n === 0 || afterMs >= lastMs) return out;
  const core = coreOf(series);
  for (const t of runsBetween(core, afterMs, runDateOfLast(series, core.anchor))) {
    if (t > lastMs || out.length >= n) break;
    out.push(new Date(t));
  }
  return out;
}

function runDateOfLast(series: RepeatSeries, anchor: LocalDate): LocalDate {
  const last = series.lastRun.getTime();
  if (series.cadence.kind === 'interval') return wallDate(last, series.zone);
  return runDateOf(series.cadence as DayCadence, series.timeOfDay, series.zone, last, anchor) ?? wallDate(last, series.zone);
}

/**
 * Whether `instant` is exactly one of the series' runs. A Schedule firing (its nominal time, the
 * workflow's TemporalScheduledStartTime) that is not a run must do nothing: see toScheduleSpec.
 */
export function isRunInstant(series: RepeatSeries, instant: Date): boolean {
  const t = instant.getTime();
  if (!Number.isFinite(t) || t < series.firstRun.getTime() || t > series.lastRun.getTime()) return false;
  if (series.cadence.kind === 'interval') return (t - series.firstRun.getTime()) % (series.cadence.minutes * MINUTE_MS) === 0;
  const s = series as RepeatSeries & { cadence: DayCadence };
  return runDateOf(s.cadence, s.timeOfDay, s.zone, t, anchorOf(s)) !== undefined;
}

// --- Building a series ----------------------------------------------------------------------------

export interface SeriesRequest {
  /** The parsed repeat phrase (parseRepeat), or a cadence kept from an existing series. */
  repeat: RepeatRequest;
  /** `when`: the earliest first run, and the time of day of every day-based run. */
  start: Date;
  /** The requester's IANA zone. */
  zone: string;
  /** Last day of the series in the zone, inclusive (parseUntil). Not together with repeat.count. */
  until?: LocalDate;
}

/** A fully resolved cadence: weekday and day of month taken from the first run where the rule left them open. */
function resolveCadence(rule: RepeatRule, first: LocalDate): Cadence {
  switch (rule.kind) {
    case 'interval':
    case 'daily':
      return rule;
    case 'weekly':
      return { kind: 'weekly', every: rule.every, days: rule.days ?? [isoWeekday(first)] };
    case 'monthly':
      return { kind: 'monthly', every: rule.every, on: rule.on ?? { kind: 'day', day: first.day } };
  }
}

/**
 * Validates a repeat request against the limits and pins it to its first run. Throws HeraldError for
 * what the user can fix (INVALID_TIME_ZONE, REPEAT_INVALID_*, REPEAT_TOO_OFTEN, REPEAT_TOO_LONG,
 * REPEAT_UNTIL_BEFORE_FIRST, REPEAT_BOTH_ENDS), TypeError for a caller's mistake. Does not check that
 * `start` is in the future: the reservation rules (lead time) do that for `when`, as for one mail.
 */
export function buildSeries(request: SeriesRequest, limits: RepeatLimits): RepeatSeries {
  checkLimits(limits);
  const { zone } = request;
  if (!isValidTimeZone(zone)) throw new HeraldError('INVALID_TIME_ZONE', { zone });
  const startMs = Math.floor(request.start.getTime() / 1000) * 1000;
  if (!Number.isFinite(startMs)) throw new TypeError('buildSeries: start is an invalid Date');
  if (request.until !== undefined && request.repeat.count !== undefined) throw new HeraldError('REPEAT_BOTH_ENDS', {});
  const rule = checkRule(request.repeat.rule);

  const wall = wallClockAt(new Date(startMs), zone);
  const timeOfDay: TimeOfDay = { hour: wall.hour, minute: wall.minute, second: wall.second };
  const cadence = resolveCadence(rule, { year: wall.year, month: wall.month, day: wall.day });
  if (nominalGapMs(cadence) < limits.minIntervalMs) throw new HeraldError('REPEAT_TOO_OFTEN', { minSeconds: limits.minIntervalMs / 1000 });

  const { firstRun, anchor } = findFirstRun(cadence, timeOfDay, zone, startMs);
  let end: SeriesEnd;
  if (request.until !== undefined) end = { kind: 'until', date: formatLocalDate(request.until) };
  else if (request.repeat.count !== undefined) end = { kind: 'count', count: request.repeat.count };
  else end = { kind: 'limit', date: formatLocalDate(addDays(anchor, limits.maxDays)) };
  return finish({ cadence, zone, timeOfDay, firstRun, anchor }, end, limits.maxDays);
}

function findFirstRun(cadence: Cadence, timeOfDay: TimeOfDay, zone: string, startMs: number): { firstRun: number; anchor: LocalDate } {
  const startDate = wallDate(startMs, zone);
  if (cadence.kind === 'interval') return { firstRun: startMs, anchor: startDate };
  // Every day-based cadence has a run day within 31 days (a month); a doubled hour may skip one.
  for (let i = 0; i <= 62; i++) {
    const date = addDays(startDate, i);
    if (!onCadenceDay(cadence, date)) continue;
    const t = runOn(date, timeOfDay, zone);
    if (t >= startMs) return { firstRun: t, anchor: date };
  }
  throw new Error(`no run of ${JSON.stringify(cadence)} within 62 days`);
}

/** Works out the last run and run count of a series whose first run is known, and brands it. */
function finish(
  core: { cadence: Cadence; zone: string; timeOfDay: TimeOfDay; firstRun: number; anchor: LocalDate },
  end: SeriesEnd,
  maxDays: number,
): RepeatSeries {
  const limitDate = addDays(core.anchor, maxDays);
  const tooLong = () => new HeraldError('REPEAT_TOO_LONG', { maxDays, lastDate: formatLocalDate(limitDate) });
  let endDate: LocalDate;
  let wantedCount: number | undefined;
  if (end.kind === 'count') {
    if (!Number.isInteger(end.count) || end.count < 1) throw new HeraldError('REPEAT_INVALID_COUNT', { count: end.count });
    endDate = limitDate;
    wantedCount = end.count;
  } else {
    const date = parseLocalDate(end.date);
    if (!date) throw new TypeError(`invalid series end date ${end.date}`);
    if (compareDates(date, core.anchor) < 0) {
      throw new HeraldError('REPEAT_UNTIL_BEFORE_FIRST', { until: end.date, firstRun: formatLocalDate(core.anchor) });
    }
    if (compareDates(date, limitDate) > 0) throw tooLong();
    endDate = date;
  }

  let lastRun = core.firstRun;
  let runCount = 0;
  if (core.cadence.kind === 'interval') {
    // Arithmetic rather than a walk: a minute-step series over a year has half a million runs.
    const every = core.cadence.minutes * MINUTE_MS;
    const endExclusive = runOn(addDays(endDate, 1), { hour: 0, minute: 0, second: 0 }, core.zone);
    const fitting = Math.floor((endExclusive - 1 - core.firstRun) / every) + 1;
    if (wantedCount !== undefined && wantedCount > fitting) throw tooLong();
    runCount = wantedCount ?? fitting;
    lastRun = core.firstRun + (runCount - 1) * every;
  } else {
    for (const t of runsBetween(core, core.firstRun - 1, endDate)) {
      lastRun = t;
      if (++runCount === wantedCount) break;
    }
    if (wantedCount !== undefined && runCount < wantedCount) throw tooLong();
  }
  const series = {
    cadence: core.cadence,
    zone: core.zone,
    timeOfDay: core.timeOfDay,
    firstRun: new Date(core.firstRun),
    lastRun: new Date(lastRun),
    end,
    runCount,
  };
  return Object.freeze(series) as unknown as RepeatSeries;
}

// --- Storing a series -------------------------------------------------------------------------------

/** The stored form of a series (JSON): what defines it. lastRun and runCount are worked out again on reading. */
export interface SeriesJson {
  version: 1;
  cadence: Cadence;
  zone: string;
  /** "HH:MM:SS" */
  timeOfDay: string;
  /** ISO instant */
  firstRun: string;
  end: SeriesEnd;
}

export function seriesToJson(series: RepeatSeries): SeriesJson {
  const t = series.timeOfDay;
  return {
    version: 1,
    cadence: series.cadence,
    zone: series.zone,
    timeOfDay: `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`,
    firstRun: series.firstRun.toISOString(),
    end: series.end,
  };
}

const weekdaySchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7)]);
const monthDaySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('day'), day: z.number().int() }),
  z.object({ kind: z.literal('lastDay') }),
  z.object({ kind: z.literal('weekday'), nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal('last')]), weekday: weekdaySchema }),
]);
const seriesJsonSchema = z.object({
  version: z.literal(1),
  cadence: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('interval'), minutes: z.number().int() }),
    z.object({ kind: z.literal('daily'), every: z.number().int() }),
    z.object({ kind: z.literal('weekly'), every: z.number().int(), days: z.array(weekdaySchema).min(1) }),
    z.object({ kind: z.literal('monthly'), every: z.number().int(), on: monthDaySchema }),
  ]),
  zone: z.string(),
  timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/),
  firstRun: z.iso.datetime(),
  end: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('until'), date: z.string() }),
    z.object({ kind: z.literal('count'), count: z.number().int() }),
    z.object({ kind: z.literal('limit'), date: z.string() }),
  ]),
});

/**
 * Reads a stored series back (seriesToJson's output), checking it is still consistent. The limits
 * are not applied again: a series accepted under older limits stays valid. Throws Error if the data
 * is not a series.
 */
export function seriesFromJson(value: unknown): RepeatSeries {
  const parsed = seriesJsonSchema.safeParse(value);
  if (!parsed.success) throw new Error(`not a stored repeat series: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const json = parsed.data;
  if (!isValidTimeZone(json.zone)) throw new Error(`stored repeat series has an unknown zone ${json.zone}`);
  const cadence = checkRule(json.cadence) as Cadence;
  const [hour, minute, second] = json.timeOfDay.split(':').map(Number) as [number, number, number];
  const timeOfDay = { hour, minute, second };
  const firstRun = Date.parse(json.firstRun);
  const anchor =
    cadence.kind === 'interval' ? wallDate(firstRun, json.zone) : runDateOf(cadence, timeOfDay, json.zone, firstRun, undefined);
  if (!anchor) throw new Error('stored repeat series: firstRun is not a run of its cadence');
  return finish({ cadence, zone: json.zone, timeOfDay, firstRun, anchor }, json.end, MAX_REPEAT_DAYS_CEILING);
}
