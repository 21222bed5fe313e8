// Reads the `repeat` and `until` options. Both grammars are tried, the user's language first (as
// for times): Korean first for `ko`, English first otherwise.
import * as chrono from 'chrono-node';
import { HeraldError } from '../errors.js';
import { MAX_REPEAT_LENGTH } from '../limits.js';
import { isValidTimeZone, wallClockAt } from '../time-zone.js';
import type { Locale } from '../../i18n/locale.js';
import { compareDates, makeDate } from './local-date.js';
import { parseEnglish } from './parse-en.js';
import { parseKorean } from './parse-ko.js';
import { checkRule } from './series.js';
import type { LocalDate, RepeatRequest } from './types.js';

// The longest `repeat` or `until` text read lives with the other limits (the Discord option builders cap at it).
export { MAX_REPEAT_LENGTH };

export interface ParsedRepeat extends RepeatRequest {
  /** The phrase as read (normalized: lower case, single spaces). */
  text: string;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function normalize(input: string): string {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/^[\s"'「『]+|[\s"'」』.!?。]+$/g, '');
}

// A time of day ("9am", "at 10", "09:00", "오전 9시") means the user put `when` into `repeat`.
const TIME_OF_DAY = /\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\bat\s+\d|\b(?:noon|midnight|morning|afternoon|evening|night)\b|오전|오후|아침|점심|저녁|새벽|정오|자정|\d+\s*시(?!간)|밤/;
// An end date inside the phrase belongs in `until`.
const END_DATE = /\b(?:until|till|untill|ending|ends)\b|까지/;

/** The grammars in the order they are tried: the user's language first. */
export function grammarsFor(locale: Locale): ((text: string) => RepeatRequest | undefined)[] {
  return locale === 'ko' ? [parseKorean, parseEnglish] : [parseEnglish, parseKorean];
}

/**
 * Reads a `repeat` phrase in English or Korean. Throws HeraldError: REPEAT_UNPARSEABLE,
 * REPEAT_HAS_TIME (a time of day belongs in `when`), REPEAT_HAS_UNTIL (an end date belongs in
 * `until`), REPEAT_INVALID_INTERVAL (a step of 0 or above MAX_REPEAT_STEP), REPEAT_INVALID_DAY
 * (day 0 or 32 of a month), REPEAT_INVALID_COUNT ("0 times").
 */
export function parseRepeat(input: string, options: { locale: Locale }): ParsedRepeat {
  const raw = typeof input === 'string' ? input.trim() : '';
  if (raw.length === 0 || raw.length > MAX_REPEAT_LENGTH || CONTROL.test(raw)) {
    throw new HeraldError('REPEAT_UNPARSEABLE', { input: raw.slice(0, MAX_REPEAT_LENGTH).replace(CONTROL, ' ') });
  }
  const text = normalize(raw);
  let firstError: HeraldError | undefined;
  for (const grammar of grammarsFor(options.locale)) {
    try {
      const request = grammar(text);
      if (!request) continue;
      const rule = checkRule(request.rule);
      if (request.count !== undefined && !(Number.isInteger(request.count) && request.count >= 1)) {
        throw new HeraldError('REPEAT_INVALID_COUNT', { count: request.count });
      }
      return request.count === undefined ? { rule, text } : { rule, count: request.count, text };
    } catch (err) {
      if (!(err instanceof HeraldError)) throw err;
      firstError ??= err;
    }
  }
  if (firstError) throw firstError;
  if (TIME_OF_DAY.test(text)) throw new HeraldError('REPEAT_HAS_TIME', { input: raw });
  if (END_DATE.test(text)) throw new HeraldError('REPEAT_HAS_UNTIL', { input: raw });
  throw new HeraldError('REPEAT_UNPARSEABLE', { input: raw });
}

/**
 * Reads an `until` date: "2027-03-01", "2027/3/1", "2027.3.1", "2027년 3월 1일", "3월 1일", or an
 * English date chrono reads without a time ("March 1, 2027", "next friday"). A date without a year
 * is its next occurrence from today in `zone`. The date is the last day of the series, inclusive.
 * Throws HeraldError REPEAT_UNTIL_UNPARSEABLE, or INVALID_TIME_ZONE.
 */
export function parseUntil(input: string, options: { now: Date; zone: string }): LocalDate {
  const { now, zone } = options;
  if (!isValidTimeZone(zone)) throw new HeraldError('INVALID_TIME_ZONE', { zone });
  const raw = typeof input === 'string' ? input.trim() : '';
  const fail = () => new HeraldError('REPEAT_UNTIL_UNPARSEABLE', { input: raw.slice(0, MAX_REPEAT_LENGTH).replace(CONTROL, ' ') });
  if (raw.length === 0 || raw.length > MAX_REPEAT_LENGTH || CONTROL.test(raw)) throw fail();
  const text = normalize(raw)
    .replace(/^(?:until|till|through|to)\s+/, '')
    .replace(/\s*까지$/, '');
  const wall = wallClockAt(now, zone);
  const today: LocalDate = { year: wall.year, month: wall.month, day: wall.day };

  let m = /^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\.?$/.exec(text);
  if (m) return makeDate(Number(m[1]), Number(m[2]), Number(m[3])) ?? throwIt(fail());
  m = /^(?:(\d{4})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일$/.exec(text);
  if (m) return withYear(m[1], Number(m[2]), Number(m[3]), today) ?? throwIt(fail());

  // English dates, read on the user's wall clock as parseWhen does.
  const reference = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
  const results = chrono.en.parse(text, { instant: reference, timezone: 0 }, { forwardDate: true });
  const result = results[0];
  if (results.length !== 1 || !result || result.end || result.index !== 0 || result.text.length !== text.length) throw fail();
  if (result.start.isCertain('hour')) throw fail();
  const date = makeDate(result.start.get('year') ?? NaN, result.start.get('month') ?? NaN, result.start.get('day') ?? NaN);
  return date ?? throwIt(fail());
}

function withYear(year: string | undefined, month: number, day: number, today: LocalDate): LocalDate | undefined {
  if (year !== undefined) return makeDate(Number(year), month, day);
  const thisYear = makeDate(today.year, month, day);
  if (thisYear && compareDates(thisYear, today) >= 0) return thisYear;
  // Feb 29 asked for in a year without one: the next leap year's.
  for (let y = today.year + 1; y <= today.year + 8; y++) {
    const next = makeDate(y, month, day);
    if (next) return next;
  }
  return undefined;
}

function throwIt(err: Error): never {
  throw err;
}
