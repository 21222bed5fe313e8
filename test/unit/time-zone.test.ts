import { describe, it, expect } from 'vitest';
import { formatDayInZone, formatInZone, instantOfWallClock, isValidTimeZone, wallClockAt, type WallClock } from '../../src/domain/time-zone.js';

const wall = (year: number, month: number, day: number, hour: number, minute = 0, second = 0, millisecond = 0): WallClock => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
  millisecond,
});

describe('isValidTimeZone', () => {
  it('accepts IANA names and UTC', () => {
    expect(['Asia/Seoul', 'America/New_York', 'Europe/Berlin', 'UTC', 'Etc/UTC'].map(isValidTimeZone)).toEqual([true, true, true, true, true]);
  });
  it('rejects unknown names, empty strings and bare offsets', () => {
    expect(['Mars/Base', '', '+09:00', 'UTC+9', 'local'].map(isValidTimeZone)).toEqual([false, false, false, false, false]);
  });
});

describe('wallClockAt', () => {
  it('reads the wall clock of each zone at one instant', () => {
    const instant = new Date('2026-11-26T20:00:00.123Z');
    expect(wallClockAt(instant, 'Asia/Seoul')).toEqual(wall(2026, 11, 27, 5, 0, 0, 123));
    expect(wallClockAt(instant, 'America/New_York')).toEqual(wall(2026, 11, 26, 15, 0, 0, 123));
    expect(wallClockAt(instant, 'Europe/Berlin')).toEqual(wall(2026, 11, 26, 21, 0, 0, 123));
    expect(wallClockAt(instant, 'UTC')).toEqual(wall(2026, 11, 26, 20, 0, 0, 123));
  });

  it('uses summer time in summer', () => {
    expect(wallClockAt(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toEqual(wall(2026, 7, 1, 8));
    expect(wallClockAt(new Date('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toEqual(wall(2026, 7, 1, 14));
  });

  it('distinguishes the two 01:30s of the New York fall-back night', () => {
    expect(wallClockAt(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toEqual(wall(2026, 11, 1, 1, 30));
    expect(wallClockAt(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toEqual(wall(2026, 11, 1, 1, 30));
  });
});

describe('instantOfWallClock', () => {
  it('converts ordinary readings with the offset of that date', () => {
    expect(instantOfWallClock(wall(2026, 12, 1, 9), 'Asia/Seoul').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(instantOfWallClock(wall(2026, 12, 1, 9), 'America/New_York').toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(instantOfWallClock(wall(2026, 7, 1, 9), 'America/New_York').toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(instantOfWallClock(wall(2026, 7, 1, 9), 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(instantOfWallClock(wall(2026, 12, 1, 9, 0, 30, 250), 'UTC').toISOString()).toBe('2026-12-01T09:00:30.250Z');
  });

  it('a reading inside the spring-forward gap moves forward by the gap', () => {
    expect(instantOfWallClock(wall(2026, 3, 8, 2, 30), 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(instantOfWallClock(wall(2026, 3, 8, 2, 0), 'America/New_York').toISOString()).toBe('2026-03-08T07:00:00.000Z');
    expect(instantOfWallClock(wall(2026, 3, 29, 2, 30), 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('the readings around the gap are exact', () => {
    expect(instantOfWallClock(wall(2026, 3, 8, 1, 59), 'America/New_York').toISOString()).toBe('2026-03-08T06:59:00.000Z');
    expect(instantOfWallClock(wall(2026, 3, 8, 3, 0), 'America/New_York').toISOString()).toBe('2026-03-08T07:00:00.000Z');
  });

  it('a repeated reading on the fall-back night means the first occurrence', () => {
    expect(instantOfWallClock(wall(2026, 11, 1, 1, 30), 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(instantOfWallClock(wall(2026, 10, 25, 2, 30), 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('round-trips with wallClockAt', () => {
    const instant = new Date('2026-05-17T03:04:05.006Z');
    for (const zone of ['Asia/Seoul', 'America/New_York', 'Europe/Berlin', 'UTC']) {
      expect(instantOfWallClock(wallClockAt(instant, zone), zone).toISOString()).toBe(instant.toISOString());
    }
  });
});

describe('formatInZone', () => {
  const instant = new Date('2026-12-01T00:00:00Z');
  it('formats in English', () => {
    expect(formatInZone(instant, 'America/New_York', 'en')).toBe('Mon, Nov 30, 2026, 7:00 PM EST');
    // For the zone "UTC" (only) the English output has U+202F before AM, as newer ICU does; other zones give a plain space.
    expect(formatInZone(instant, 'UTC', 'en').replace(/\u202f/g, ' ')).toBe('Tue, Dec 1, 2026, 12:00 AM UTC');
    expect(formatInZone(instant, 'Etc/UTC', 'en')).toBe('Tue, Dec 1, 2026, 12:00 AM UTC');
    expect(formatInZone(new Date('2026-07-01T13:00:00Z'), 'America/New_York', 'en')).toBe('Wed, Jul 1, 2026, 9:00 AM EDT');
    // ICU's short name for Asia/Seoul in English is "GMT+9" (the doc comment's "KST" is not what it prints).
    expect(formatInZone(instant, 'Asia/Seoul', 'en')).toBe('Tue, Dec 1, 2026, 9:00 AM GMT+9');
  });
  it('formats in Korean, on the 24-hour clock (not "AM 9:00")', () => {
    expect(formatInZone(instant, 'Asia/Seoul', 'ko')).toBe('2026년 12월 1일 (화) 09:00 GMT+9');
    expect(formatInZone(new Date('2026-12-01T15:05:00Z'), 'Asia/Seoul', 'ko')).toBe('2026년 12월 2일 (수) 00:05 GMT+9');
    expect(formatInZone(new Date('2026-12-01T10:30:00Z'), 'Asia/Seoul', 'ko')).toBe('2026년 12월 1일 (화) 19:30 GMT+9');
  });
});

describe('formatDayInZone', () => {
  it('writes the day as people do, in the zone', () => {
    expect(formatDayInZone(new Date('2027-11-25T03:00:00Z'), 'Asia/Seoul', 'en')).toBe('25 Nov 2027');
    expect(formatDayInZone(new Date('2027-11-25T03:00:00Z'), 'Asia/Seoul', 'ko')).toBe('2027년 11월 25일');
    expect(formatDayInZone(new Date('2027-11-25T03:00:00Z'), 'America/New_York', 'en')).toBe('24 Nov 2027');
  });
});
