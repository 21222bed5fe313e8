// Reads a user's "when" ("tomorrow 9am", "in 2 hours", "2026-12-01 09:00") in the user's IANA zone.
//
// chrono-node only understands fixed offsets, and an offset taken "now" is wrong on the far side of a
// DST change. So chrono parses on the user's wall clock (a reference whose UTC fields equal the local
// reading, offset 0), and the wall-clock result is turned into an instant with the zone rules of the
// target date. Durations with hours/minutes/seconds ("in 2 hours") are elapsed time, not wall time.
import * as chrono from 'chrono-node';
import { HeraldError } from './errors.js';
import { MAX_WHEN_LENGTH } from './limits.js';
import { instantOfWallClock, isValidTimeZone, wallClockAt } from './time-zone.js';

export interface ParsedWhen {
  instant: Date;
  /** The part of the input chrono understood. */
  text: string;
}

/** Parses `input` relative to `now` in `zone`. Throws HeraldError for anything it cannot read as one instant. */
export function parseWhen(input: string, options: { now: Date; zone: string }): ParsedWhen {
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
  const results = chrono.parse(trimmed, { instant: reference, timezone: 0 }, { forwardDate: true });
  const result = results[0];
  if (!result) throw new HeraldError('TIME_UNPARSEABLE', { input: trimmed });

  const rest = (trimmed.slice(0, result.index) + ' ' + trimmed.slice(result.index + result.text.length))
    .replace(/[\s,.!]+/g, ' ')
    .trim();
  if (rest.length > 0) throw new HeraldError('TIME_PARTIAL', { understood: result.text, rest });
  if (result.end) throw new HeraldError('TIME_RANGE', { input: trimmed });

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
    const again = chrono.parse(trimmed, { instant: now, timezone: offset }, { forwardDate: true })[0];
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
  if (Number.isNaN(instant.getTime())) throw new HeraldError('TIME_UNPARSEABLE', { input: trimmed });
  return { instant, text: result.text };
}
