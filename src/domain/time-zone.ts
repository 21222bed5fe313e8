// IANA time-zone helpers. Luxon reads the zone rules from the runtime's ICU data,
// so results never depend on the server's own TZ.
import { DateTime, IANAZone } from 'luxon';

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** Every IANA zone this runtime knows, for autocomplete. */
export function listTimeZones(): string[] {
  return Intl.supportedValuesOf('timeZone');
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The wall-clock reading in `zone` at `instant`. */
export function wallClockAt(instant: Date, zone: string): WallClock {
  const dt = DateTime.fromJSDate(instant, { zone });
  return {
    year: dt.year,
    month: dt.month,
    day: dt.day,
    hour: dt.hour,
    minute: dt.minute,
    second: dt.second,
    millisecond: dt.millisecond,
  };
}

/**
 * The instant a wall-clock reading means in `zone`, with the rules in force on that date.
 * A reading skipped by a DST change (02:30 on a spring-forward night) moves forward by the gap;
 * a reading that happens twice (01:30 on a fall-back night) means the first occurrence.
 * These are the "compatible" rules of RFC 5545 and TC39 Temporal.
 */
export function instantOfWallClock(wall: WallClock, zone: string): Date {
  const tz = IANAZone.create(zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  const dayMs = 86_400_000;
  const offsetBefore = tz.offset(asUtc - dayMs);
  const offsetAfter = tz.offset(asUtc + dayMs);
  const candidates = [offsetBefore, offsetAfter]
    .map((offsetMinutes) => asUtc - offsetMinutes * 60_000)
    .filter((instant) => wallMatches(instant, asUtc, tz));
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a gap: read the wall clock with the offset from before the change, which lands after the gap.
  return new Date(asUtc - offsetBefore * 60_000);
}

function wallMatches(instant: number, asUtc: number, tz: IANAZone): boolean {
  return instant + tz.offset(instant) * 60_000 === asUtc;
}

/** The day of an instant in a zone, as people write it: "25 Nov 2027", "2027년 11월 25일". */
export function formatDayInZone(instant: Date, zone: string, locale: string): string {
  const format = locale === 'ko' ? "yyyy'년' M'월' d'일'" : 'd LLL yyyy';
  return DateTime.fromJSDate(instant, { zone }).setLocale(locale).toFormat(format);
}

/**
 * A short human reading of an instant in a zone, e.g. "Tue, Dec 1, 2026, 9:00 AM GMT+9" or
 * "2026년 12월 1일 (화) 9:00 GMT+9". Korean gets the 24-hour clock: current ICU data writes "AM 9:00"
 * in Korean, and its day periods ("밤 12:05" for 00:05) would contradict how Herald reads 밤 12시.
 */
export function formatInZone(instant: Date, zone: string, locale: string): string {
  return DateTime.fromJSDate(instant, { zone })
    .setLocale(locale)
    .toLocaleString({ ...DateTime.DATETIME_MED_WITH_WEEKDAY, timeZoneName: 'short', ...(locale === 'ko' && { hourCycle: 'h23' }) });
}
