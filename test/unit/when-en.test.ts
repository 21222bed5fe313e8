// English words chrono-node lacked or read oddly: "end of day" / "eod", "this weekend", and the
// note that a date without a year which has passed this year means next year's. Expected instants
// are written out by hand from the fixed "now" of each case.
import { describe, expect, it } from 'vitest';
import { assertSchedulable } from '../../src/domain/lead-time.js';
import { parseWhen } from '../../src/domain/when.js';
import { heraldErrorOf } from './helpers.js';

function reserveAt(input: string, now: string, zone = 'UTC', endOfDayHour?: number) {
  const parsed = parseWhen(input, { now: new Date(now), zone, endOfDayHour });
  assertSchedulable(parsed.instant, new Date(now));
  return parsed;
}
const at = (input: string, now: string, zone = 'UTC', endOfDayHour?: number) => reserveAt(input, now, zone, endOfDayHour).instant.toISOString();

// Thursday 2026-11-26 10:00 UTC.
const THURSDAY_MORNING = '2026-11-26T10:00:00.000Z';

describe('end of day', () => {
  it.each([
    ['eod'],
    ['EOD'],
    ['end of day'],
    ['by end of day'],
    ['end of the day'],
    ['end of the business day'],
    ['cob'],
    ['close of business'],
    ['end of today'],
    ['today eod'],
  ])('"%s" is today 17:00', (phrase) => {
    expect(at(phrase, THURSDAY_MORNING)).toBe('2026-11-26T17:00:00.000Z');
  });

  it('a named day moves it: tomorrow, friday, end of tomorrow', () => {
    expect(at('tomorrow eod', THURSDAY_MORNING)).toBe('2026-11-27T17:00:00.000Z');
    expect(at('eod tomorrow', THURSDAY_MORNING)).toBe('2026-11-27T17:00:00.000Z');
    expect(at('end of tomorrow', THURSDAY_MORNING)).toBe('2026-11-27T17:00:00.000Z');
    expect(at('friday eod', THURSDAY_MORNING)).toBe('2026-11-27T17:00:00.000Z');
  });

  it('EOD_HOUR changes the hour, read on the user\'s clock', () => {
    expect(at('eod', THURSDAY_MORNING, 'UTC', 18)).toBe('2026-11-26T18:00:00.000Z');
    expect(heraldErrorOf(() => reserveAt('eod', THURSDAY_MORNING, 'UTC', 9)).code).toBe('TIME_IN_PAST');
    // 17:00 in Seoul on Thursday 26th is 08:00 UTC, and Seoul's 26th is already at 19:00 KST now.
    expect(heraldErrorOf(() => reserveAt('eod', THURSDAY_MORNING, 'Asia/Seoul')).code).toBe('TIME_IN_PAST');
    expect(at('tomorrow eod', THURSDAY_MORNING, 'Asia/Seoul')).toBe('2026-11-27T08:00:00.000Z');
  });

  it('once today\'s end of day has passed, "eod" is refused as past rather than moved to tomorrow', () => {
    const err = heraldErrorOf(() => reserveAt('eod', '2026-11-26T18:00:00.000Z'));
    expect(err.code).toBe('TIME_IN_PAST');
  });

  it('the Korean 퇴근 means the same hour', () => {
    expect(at('퇴근 전', THURSDAY_MORNING, 'UTC', 18)).toBe('2026-11-26T18:00:00.000Z');
  });
});

describe('the weekend', () => {
  it('"this weekend" on a weekday is Saturday, at noon like any date without a time', () => {
    expect(at('this weekend', THURSDAY_MORNING)).toBe('2026-11-28T12:00:00.000Z');
    expect(at('this weekend 10am', THURSDAY_MORNING)).toBe('2026-11-28T10:00:00.000Z');
    expect(at('weekend', THURSDAY_MORNING)).toBe('2026-11-28T12:00:00.000Z');
    expect(at('next weekend', THURSDAY_MORNING)).toBe('2026-12-05T12:00:00.000Z');
  });

  it('on Saturday it is still this weekend, not next week (chrono alone said Dec 5)', () => {
    expect(at('this weekend', '2026-11-28T09:00:00.000Z')).toBe('2026-11-28T12:00:00.000Z');
    expect(at('this weekend', '2026-11-28T15:00:00.000Z')).toBe('2026-11-29T12:00:00.000Z');
    expect(at('this weekend 10am', '2026-11-28T11:00:00.000Z')).toBe('2026-11-29T10:00:00.000Z');
    expect(at('next weekend', '2026-11-28T15:00:00.000Z')).toBe('2026-12-05T12:00:00.000Z');
  });

  it('on Sunday evening "this weekend" is over; "weekend" means the next one', () => {
    expect(at('this weekend', '2026-11-29T10:00:00.000Z')).toBe('2026-11-29T12:00:00.000Z');
    expect(heraldErrorOf(() => reserveAt('this weekend', '2026-11-29T15:00:00.000Z')).code).toBe('TIME_IN_PAST');
    expect(at('weekend', '2026-11-29T15:00:00.000Z')).toBe('2026-12-05T12:00:00.000Z');
    expect(at('next weekend', '2026-11-29T15:00:00.000Z')).toBe('2026-12-05T12:00:00.000Z');
  });
});

describe('a date that has passed this year', () => {
  // Thursday 2026-11-26 12:00 UTC.
  const now = '2026-11-26T12:00:00.000Z';

  it('"nov 25" on Nov 26 is 25 Nov 2027, and says so', () => {
    expect(reserveAt('nov 25', now)).toEqual({ instant: new Date('2027-11-25T12:00:00.000Z'), text: 'nov 25', nextYear: true });
    expect(reserveAt('nov 25 9am', now).nextYear).toBe(true);
    expect(reserveAt('jan 5', now)).toMatchObject({ instant: new Date('2027-01-05T12:00:00.000Z'), nextYear: true });
    expect(reserveAt('1/15', now).nextYear).toBe(true);
  });

  it('says nothing when the year was written, the date is still ahead, or no date was given', () => {
    for (const phrase of ['dec 1', '2027-11-25 09:00', 'nov 25 2027', 'tomorrow 9am', 'in 40 days', 'next monday', 'eod']) {
      expect(reserveAt(phrase, now).nextYear, phrase).toBe(false);
    }
  });
});
