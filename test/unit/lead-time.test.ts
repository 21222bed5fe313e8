import { describe, it, expect } from 'vitest';
import { assertSchedulable, reservationTime } from '../../src/domain/lead-time.js';
import { MAX_LEAD_DAYS, MIN_LEAD_MS } from '../../src/domain/limits.js';
import { heraldErrorOf } from './helpers.js';

const NOW = new Date('2026-11-26T20:00:00Z');
const after = (ms: number) => new Date(NOW.getTime() + ms);
const DAY = 86_400_000;

describe('assertSchedulable', () => {
  it('has the documented limits', () => {
    expect(MIN_LEAD_MS).toBe(60_000);
    expect(MAX_LEAD_DAYS).toBe(366);
  });

  it('accepts exactly 60 000 ms ahead', () => {
    expect(assertSchedulable(after(60_000), NOW)).toBeUndefined();
  });

  it('refuses 59 999 ms ahead with TIME_TOO_SOON', () => {
    const err = heraldErrorOf(() => assertSchedulable(after(59_999), NOW));
    expect(err.code).toBe('TIME_TOO_SOON');
    expect(err.params).toEqual({ minSeconds: 60 });
  });

  it('refuses "right now" (0 ms) as TIME_TOO_SOON, not as past', () => {
    expect(heraldErrorOf(() => assertSchedulable(after(0), NOW)).code).toBe('TIME_TOO_SOON');
  });

  it('refuses 1 ms in the past with TIME_IN_PAST', () => {
    const err = heraldErrorOf(() => assertSchedulable(after(-1), NOW));
    expect(err.code).toBe('TIME_IN_PAST');
    expect(err.params).toEqual({ when: '2026-11-26T19:59:59.999Z' });
  });

  it('accepts exactly 366 days ahead and refuses 1 ms more with TIME_TOO_FAR', () => {
    expect(assertSchedulable(after(366 * DAY), NOW)).toBeUndefined();
    const err = heraldErrorOf(() => assertSchedulable(after(366 * DAY + 1), NOW));
    expect(err.code).toBe('TIME_TOO_FAR');
    expect(err.params).toEqual({ maxDays: 366 });
  });

  it('accepts an ordinary lead such as one day', () => {
    expect(assertSchedulable(after(DAY), NOW)).toBeUndefined();
  });

  // An Invalid Date makes every comparison false; it must not slip through.
  it('refuses an Invalid Date', () => {
    expect(() => assertSchedulable(new Date(Number.NaN), NOW)).toThrow();
  });
});

describe('reservationTime', () => {
  // Thursday 2030-03-07 03:00 UTC is noon in Seoul.
  const now = new Date('2030-03-07T03:00:00Z');

  it("reads the user's words in their zone", () => {
    expect(reservationTime('tomorrow 9am', { now, zone: 'Asia/Seoul' }).instant.toISOString()).toBe('2030-03-08T00:00:00.000Z');
    expect(reservationTime('tomorrow 9am', { now, zone: 'UTC' }).instant.toISOString()).toBe('2030-03-08T09:00:00.000Z');
  });

  it('takes an instant as it is', () => {
    expect(reservationTime(new Date('2030-03-07T04:00:00Z'), { now, zone: 'Asia/Seoul' }).instant.toISOString()).toBe('2030-03-07T04:00:00.000Z');
  });

  it('applies the lead rule to both', () => {
    expect(heraldErrorOf(() => reservationTime('in 30 seconds', { now, zone: 'UTC' })).code).toBe('TIME_TOO_SOON');
    expect(heraldErrorOf(() => reservationTime(new Date('2030-03-07T02:00:00Z'), { now, zone: 'UTC' })).code).toBe('TIME_IN_PAST');
    expect(heraldErrorOf(() => reservationTime('2032-01-01 09:00', { now, zone: 'UTC' })).code).toBe('TIME_TOO_FAR');
  });
});
