// Calendar arithmetic on zone-free dates. Day-based cadences are decided on the user's calendar
// (which day, which week, which month), and only the chosen date meets the zone, in time-zone.ts.
import type { IsoWeekday, LocalDate } from './types.js';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (which was a Thursday). */
export function epochDay(date: LocalDate): number {
  return Math.round(Date.UTC(date.year, date.month - 1, date.day) / DAY_MS);
}

export function fromEpochDay(days: number): LocalDate {
  const d = new Date(days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(epochDay(date) + days);
}

export function isoWeekday(date: LocalDate): IsoWeekday {
  return ((((epochDay(date) + 3) % 7) + 7) % 7 + 1) as IsoWeekday;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Months since January of year 0: a month index that subtracts across years. */
export function monthIndex(date: LocalDate): number {
  return date.year * 12 + (date.month - 1);
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return epochDay(a) - epochDay(b);
}

/** Zero-padded to two digits: 9 → "09". */
export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** The date, if year/month/day name a real day of a year from 1000 to 9999. */
export function makeDate(year: number, month: number, day: number): LocalDate | undefined {
  if (![year, month, day].every(Number.isInteger)) return undefined;
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** Reads "YYYY-MM-DD" exactly (what formatLocalDate writes). */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? makeDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}
