// Calendar arithmetic on the user's wall clock, shared by Herald's English and Korean chrono parsers.
//
// chrono hands a parser its reference as a Date whose local fields show the wall clock. Dates are
// moved here as plain year/month/day numbers (through Date.UTC), so the process's own zone and its
// DST changes never shift a day; the instant is worked out later by instantOfWallClock.
import { Meridiem, type ParsingComponents, type ParsingContext, type ParsingOption, type ParsingResult } from 'chrono-node';
import { HeraldError } from './errors.js';
import type { ErrorCode, ErrorParams } from '../i18n/messages.js';

/** "end of day" without EOD_HOUR: 17:00. */
export const DEFAULT_END_OF_DAY_HOUR = 17;

/** The options Herald passes to chrono: its own plus the end-of-day hour its parsers read. */
export interface HeraldParsingOption extends ParsingOption {
  endOfDayHour?: number;
}

export interface WallDate {
  year: number;
  month: number;
  day: number;
}

export interface WallDateTime extends WallDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Tags Herald puts on chrono results, read by its refiners and by parseWhen. */
export const TAG = {
  /** "end of day": today at the end-of-day hour unless a day is named. */
  endOfDay: 'herald/endOfDay',
  /** A weekend: Saturday, or Sunday once Saturday's time has passed. */
  weekend: 'herald/weekend',
  /** A weekend without "this": moves on to next weekend once this one is over. */
  weekendRolls: 'herald/weekendRolls',
} as const;

const REFUSAL = 'herald/refusal:';

/**
 * Components that stand for text Herald recognizes but refuses ("25시", "2월 30일", "오전 12시").
 * The refusal travels as a tag, so it only reaches the user if no longer reading covers that text.
 */
export function refusal<C extends ErrorCode>(context: ParsingContext, code: C, params: ErrorParams<C>): ParsingComponents {
  return context.createParsingComponents().addTag(REFUSAL + JSON.stringify({ code, params }));
}

/** The HeraldError a result carries from refusal(), if any. */
export function refusalOf(components: { tags(): Set<string> }): HeraldError | undefined {
  for (const tag of components.tags()) {
    if (!tag.startsWith(REFUSAL)) continue;
    const { code, params } = JSON.parse(tag.slice(REFUSAL.length)) as { code: ErrorCode; params: ErrorParams<ErrorCode> };
    return new HeraldError(code, params);
  }
  return undefined;
}

/** The wall-clock "now" of a parse. */
export function referenceNow(context: ParsingContext): WallDateTime {
  const ref = context.reference.getDateWithAdjustedTimezone();
  return {
    year: ref.getFullYear(),
    month: ref.getMonth() + 1,
    day: ref.getDate(),
    hour: ref.getHours(),
    minute: ref.getMinutes(),
    second: ref.getSeconds(),
    millisecond: ref.getMilliseconds(),
  };
}

export function addDays(date: WallDate, days: number): WallDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The month `months` after the month of `date`. */
export function monthsLater(date: WallDate, months: number): { year: number; month: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1 + months, 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** The same day of month `months` later, or null when that month has no such day (31 → April). */
export function addMonthsExact(date: WallDate, months: number): WallDate | null {
  const candidate = { ...monthsLater(date, months), day: date.day };
  return isCalendarDate(candidate) ? candidate : null;
}

export function isCalendarDate(date: WallDate): boolean {
  if (!Number.isInteger(date.year) || date.month < 1 || date.month > 12 || date.day < 1) return false;
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day));
  return d.getUTCFullYear() === date.year && d.getUTCMonth() === date.month - 1 && d.getUTCDate() === date.day;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: WallDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** Monday of the week `date` is in: Herald's weeks run Monday to Sunday (ISO 8601, as in Korea). */
export function mondayOf(date: WallDate): WallDate {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

export function compareDates(a: WallDate, b: WallDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export function compareWall(a: WallDateTime, b: WallDateTime): number {
  return compareDates(a, b) || a.hour - b.hour || a.minute - b.minute || a.second - b.second || a.millisecond - b.millisecond;
}

export function wallOf(components: ParsingComponents): WallDateTime {
  return {
    year: components.get('year') ?? 0,
    month: components.get('month') ?? 1,
    day: components.get('day') ?? 1,
    hour: components.get('hour') ?? 0,
    minute: components.get('minute') ?? 0,
    second: components.get('second') ?? 0,
    millisecond: components.get('millisecond') ?? 0,
  };
}

/** Puts `date` into the components, as known values or as implied ones. */
export function setDate(components: ParsingComponents, date: WallDate, certain: boolean): void {
  const set = (c: 'year' | 'month' | 'day' | 'weekday', v: number) => (certain ? components.assign(c, v) : components.imply(c, v));
  set('year', date.year);
  set('month', date.month);
  set('day', date.day);
  if (certain) components.assign('weekday', weekdayOf(date));
  else components.delete('weekday');
}

/** The end-of-day hour of this parse. */
export function endOfDayHour(context: ParsingContext): number {
  return (context.option as HeraldParsingOption).endOfDayHour ?? DEFAULT_END_OF_DAY_HOUR;
}

/** Time-only components at the end of the day (hour certain, day left to the refiners). */
export function endOfDayComponents(context: ParsingContext): ParsingComponents {
  const hour = endOfDayHour(context);
  return context
    .createParsingComponents({ hour, minute: 0, meridiem: hour < 12 ? Meridiem.AM : Meridiem.PM })
    .imply('second', 0)
    .imply('millisecond', 0)
    .addTag(TAG.endOfDay);
}

/**
 * Saturday of the current Monday-to-Sunday week, `weeksAhead` weeks on, at the implied 12:00 of a
 * date. Herald's refiner moves it to Sunday once Saturday's time has passed (and, when `rolls`,
 * on to the next weekend once Sunday's has too).
 */
export function weekendComponents(context: ParsingContext, weeksAhead: number, rolls: boolean): ParsingComponents {
  const saturday = addDays(mondayOf(referenceNow(context)), 5 + 7 * weeksAhead);
  const components = context.createParsingComponents().addTag(TAG.weekend);
  if (rolls) components.addTag(TAG.weekendRolls);
  setDate(components, saturday, true);
  return components;
}

/** Whether the text names a day (a date, a weekday, "tomorrow"), not only a time of day. */
export function namesADay(components: ParsingComponents): boolean {
  return components.isCertain('day') || components.isCertain('weekday');
}

/** Whether the result is still ahead of the reference on the wall clock (equal counts as ahead). */
export function isAhead(result: ParsingResult, now: WallDateTime): boolean {
  return compareWall(wallOf(result.start), now) >= 0;
}
