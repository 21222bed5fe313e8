// Reads a user's "when" ("tomorrow 9am", "in 2 hours", "2026-12-01 09:00", "내일 오전 9시") in the
// user's IANA zone.
//
// chrono-node only understands fixed offsets, and an offset taken "now" is wrong on the far side of a
// DST change. So chrono parses on the user's wall clock (a reference whose UTC fields equal the local
// reading, offset 0), and the wall-clock result is turned into an instant with the zone rules of the
// target date. Durations with hours/minutes/seconds ("in 2 hours") are elapsed time, not wall time.
//
// Two readings exist: English (chrono's casual English plus when-en.ts) and Korean (when-ko/, which
// also keeps the English parsers for mixed input). Korean users get the Korean one first, everyone
// else the English one; the second is tried when the first does not read the whole text.
import type { Chrono, ParsedResult } from 'chrono-node';
import { HeraldError } from './errors.js';
import { MAX_WHEN_LENGTH } from './limits.js';
import { DEFAULT_END_OF_DAY_HOUR, type HeraldParsingOption, refusalOf } from './when-calendar.js';
import { createEnglishChrono } from './when-en.js';
import { createKoreanChrono } from './when-ko/index.js';
import { type WallClock, instantOfWallClock, isValidTimeZone, wallClockAt } from './time-zone.js';
import type { Locale } from '../i18n/locale.js';

export { DEFAULT_END_OF_DAY_HOUR };

const english = createEnglishChrono();
const korean = createKoreanChrono(english);

export interface ParsedWhen {
  instant: Date;
  /** The part of the input chrono understood. */
  text: string;
  /**
   * A date written without a year ("nov 25", "12월 24일", "15일") that has passed this year, so it
   * means next year's: the confirmation says so.
   */
  nextYear: boolean;
}

export interface WhenOptions {
  now: Date;
  zone: string;
  /** Which reading is tried first (default English). */
  locale?: Locale;
  /** The hour "end of day" / "eod" / 퇴근 means (EOD_HOUR). */
  endOfDayHour?: number;
}

/** Parses `input` relative to `now` in `zone`. Throws HeraldError for anything it cannot read as one instant. */
export function parseWhen(input: string, options: WhenOptions): ParsedWhen {
  const { now, zone } = options;
  if (!isValidTimeZone(zone)) throw new HeraldError('INVALID_TIME_ZONE', { zone });
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_WHEN_LENGTH || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new HeraldError('TIME_UNPARSEABLE', { input: trimmed.slice(0, MAX_WHEN_LENGTH) });
  }

  const wallNow = wallClockAt(now, zone);
  const reference = new Date(
    Date.UTC(wallNow.year, wallNow.month - 1, wallNow.day, wallNow.hour, wallNow.minute, wallNow.second, wallNow.millisecond),
  );
  const parsingOption: HeraldParsingOption = { forwardDate: true, endOfDayHour: options.endOfDayHour ?? DEFAULT_END_OF_DAY_HOUR };
  const readers = options.locale === 'ko' ? [korean, english] : [english, korean];
  let failure: { error: HeraldError; understood: number } | undefined;
  for (const reader of readers) {
    const result = reader.parse(trimmed, { instant: reference, timezone: 0 }, parsingOption)[0];
    if (!result) {
      failure ??= { error: new HeraldError('TIME_UNPARSEABLE', { input: trimmed }), understood: 0 };
      continue;
    }
    const refused = refusalOf(result.start);
    if (refused) throw refused;
    const rest = (trimmed.slice(0, result.index) + ' ' + trimmed.slice(result.index + result.text.length))
      .replace(/[\s,.!]+/g, ' ')
      .trim();
    if (rest.length > 0) {
      // Keep the reading that understood the most, to say precisely what was not understood.
      if (!failure || result.text.length > failure.understood) {
        failure = { error: new HeraldError('TIME_PARTIAL', { understood: result.text, rest }), understood: result.text.length };
      }
      continue;
    }
    if (result.end) throw new HeraldError('TIME_RANGE', { input: trimmed });
    return instantOf(result, reader, { trimmed, now, zone, wallNow, reference, parsingOption });
  }
  throw failure!.error;
}

function instantOf(
  result: ParsedResult,
  reader: Chrono,
  p: { trimmed: string; now: Date; zone: string; wallNow: WallClock; reference: Date; parsingOption: HeraldParsingOption },
): ParsedWhen {
  const { now, zone, wallNow, reference } = p;
  const start = result.start;
  const tags = start.tags();
  let instant: Date;
  if (tags.has('result/relativeDateAndTime')) {
    // "in 90 minutes": the same elapsed time from now, whatever the clocks do meanwhile.
    instant = new Date(now.getTime() + (start.date().getTime() - reference.getTime()));
  } else if (start.isCertain('timezoneOffset')) {
    // The text named its own zone ("9am KST", "…Z"): read it again against the real instant in that
    // zone, so the implied day and "the next 9am" are judged on that zone's clock, not the user's.
    const offset = start.get('timezoneOffset') ?? 0;
    const again = reader.parse(p.trimmed, { instant: now, timezone: offset }, p.parsingOption)[0];
    instant = (again ?? result).start.date();
  } else {
    instant = instantOfWallClock(
      {
        year: start.get('year') ?? wallNow.year,
        month: start.get('month') ?? wallNow.month,
        day: start.get('day') ?? wallNow.day,
        hour: start.get('hour') ?? 0,
        minute: start.get('minute') ?? 0,
        second: start.get('second') ?? 0,
        millisecond: start.get('millisecond') ?? 0,
      },
      zone,
    );
  }
  if (Number.isNaN(instant.getTime())) throw new HeraldError('TIME_UNPARSEABLE', { input: p.trimmed });
  const nextYear =
    !start.isCertain('year') && (start.isCertain('month') || start.isCertain('day')) && (start.get('year') ?? wallNow.year) > wallNow.year;
  return { instant, text: result.text, nextYear };
}
