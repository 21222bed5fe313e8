import { describe, it, expect } from 'vitest';
import { MAX_WHEN_LENGTH } from '../../src/domain/limits.js';
import { parseWhen } from '../../src/domain/when.js';
import { HeraldError } from '../../src/domain/errors.js';
import { codeOf, heraldErrorOf } from './helpers.js';

// Thursday 2026-11-26 20:00 UTC = Fri 05:00 in Seoul, Thu 15:00 in New York, Thu 21:00 in Berlin.
const NOW = new Date('2026-11-26T20:00:00Z');

function at(input: string, zone: string, now: Date = NOW): string {
  return parseWhen(input, { now, zone }).instant.toISOString();
}

describe('parseWhen: common phrases in several zones (exact instants)', () => {
  const cases: [input: string, zone: string, expected: string][] = [
    // Seoul is already on Friday 27th, so "tomorrow" is Saturday 28th 09:00 KST.
    ['tomorrow 9am', 'Asia/Seoul', '2026-11-28T00:00:00.000Z'],
    ['tomorrow 9am', 'America/New_York', '2026-11-27T14:00:00.000Z'],
    ['tomorrow 9am', 'Europe/Berlin', '2026-11-27T08:00:00.000Z'],
    ['tomorrow 9am', 'UTC', '2026-11-27T09:00:00.000Z'],
    ['in 2 hours', 'Asia/Seoul', '2026-11-26T22:00:00.000Z'],
    ['in 2 hours', 'America/New_York', '2026-11-26T22:00:00.000Z'],
    ['in 90 minutes', 'Europe/Berlin', '2026-11-26T21:30:00.000Z'],
    ['in 90 minutes', 'UTC', '2026-11-26T21:30:00.000Z'],
    ['2026-12-01 09:00', 'Asia/Seoul', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01 09:00', 'America/New_York', '2026-12-01T14:00:00.000Z'],
    ['2026-12-01 09:00', 'Europe/Berlin', '2026-12-01T08:00:00.000Z'],
    ['2026-12-01 09:00', 'UTC', '2026-12-01T09:00:00.000Z'],
    ['2026-12-01 09:00:30', 'UTC', '2026-12-01T09:00:30.000Z'],
    ['2026-12-01 09:00:30', 'Asia/Seoul', '2026-12-01T00:00:30.000Z'],
    ['next monday at 10', 'Asia/Seoul', '2026-11-30T01:00:00.000Z'],
    ['next monday at 10', 'America/New_York', '2026-11-30T15:00:00.000Z'],
    ['next monday at 10', 'Europe/Berlin', '2026-11-30T09:00:00.000Z'],
    ['in 2 days', 'Asia/Seoul', '2026-11-28T20:00:00.000Z'],
    ['in 2 days', 'UTC', '2026-11-28T20:00:00.000Z'],
  ];
  for (const [input, zone, expected] of cases) {
    it(`"${input}" in ${zone}`, () => {
      expect(at(input, zone)).toBe(expected);
    });
  }

  it('returns the text chrono understood', () => {
    expect(parseWhen('  tomorrow 9am  ', { now: NOW, zone: 'UTC' })).toEqual({
      instant: new Date('2026-11-27T09:00:00.000Z'),
      text: 'tomorrow 9am',
      nextYear: false,
    });
  });

  it('a bare time already passed today means tomorrow; one still ahead means today', () => {
    expect(at('9am', 'UTC')).toBe('2026-11-27T09:00:00.000Z');
    expect(at('9am', 'UTC', new Date('2026-11-26T08:00:00Z'))).toBe('2026-11-26T09:00:00.000Z');
  });

  it('ignores punctuation around the understood text', () => {
    expect(at('tomorrow, 9am!', 'UTC')).toBe('2026-11-27T09:00:00.000Z');
  });

  it('does not depend on the process time zone (the zone argument alone decides)', () => {
    // The same wall-clock text in two zones is exactly the zones' offset apart.
    const seoul = Date.parse(at('2026-12-01 09:00', 'Asia/Seoul'));
    const utc = Date.parse(at('2026-12-01 09:00', 'UTC'));
    expect(utc - seoul).toBe(9 * 3_600_000);
  });
});

describe('parseWhen: DST in America/New_York and Europe/Berlin', () => {
  it('spring-forward: 02:30 on 2026-03-08 does not exist, it becomes 03:30 EDT (07:30Z)', () => {
    expect(at('2026-03-08 02:30', 'America/New_York', new Date('2026-03-01T00:00:00Z'))).toBe('2026-03-08T07:30:00.000Z');
    expect(at('tomorrow 2:30am', 'America/New_York', new Date('2026-03-07T12:00:00Z'))).toBe('2026-03-08T07:30:00.000Z');
  });

  it('fall-back: 01:30 on 2026-11-01 happens twice, the first (EDT, 05:30Z) is chosen', () => {
    expect(at('2026-11-01 01:30', 'America/New_York', new Date('2026-10-25T00:00:00Z'))).toBe('2026-11-01T05:30:00.000Z');
    expect(at('tomorrow 1:30am', 'America/New_York', new Date('2026-10-31T12:00:00Z'))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('"tomorrow 9am" asked the evening before spring-forward is 9am EDT (13:00Z), not 9am EST', () => {
    // 2026-03-08T00:00Z is Saturday 19:00 EST.
    expect(at('tomorrow 9am', 'America/New_York', new Date('2026-03-08T00:00:00Z'))).toBe('2026-03-08T13:00:00.000Z');
  });

  it('"tomorrow 9am" asked the evening before fall-back is 9am EST (14:00Z), not 9am EDT', () => {
    // 2026-10-31T23:00Z is Saturday 19:00 EDT.
    expect(at('tomorrow 9am', 'America/New_York', new Date('2026-10-31T23:00:00Z'))).toBe('2026-11-01T14:00:00.000Z');
  });

  it('"tomorrow 9am" across the Berlin changes (2026-03-29 and 2026-10-25)', () => {
    expect(at('tomorrow 9am', 'Europe/Berlin', new Date('2026-03-28T20:00:00Z'))).toBe('2026-03-29T07:00:00.000Z');
    expect(at('tomorrow 9am', 'Europe/Berlin', new Date('2026-10-24T20:00:00Z'))).toBe('2026-10-25T08:00:00.000Z');
  });

  it('Berlin gap and overlap: 02:30 on 2026-03-29 → 03:30 CEST; 02:30 on 2026-10-25 → first (CEST)', () => {
    expect(at('2026-03-29 02:30', 'Europe/Berlin', new Date('2026-03-20T12:00:00Z'))).toBe('2026-03-29T01:30:00.000Z');
    expect(at('2026-10-25 02:30', 'Europe/Berlin', new Date('2026-10-20T12:00:00Z'))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('"in 2 hours" across spring-forward is 2 elapsed hours', () => {
    // 06:30Z = 01:30 EST; two hours later it is 04:30 EDT = 08:30Z.
    expect(at('in 2 hours', 'America/New_York', new Date('2026-03-08T06:30:00Z'))).toBe('2026-03-08T08:30:00.000Z');
  });

  it('"in 2 hours" across fall-back is 2 elapsed hours', () => {
    // 05:00Z = 01:00 EDT; two hours later it is 01:00 EST = 07:00Z.
    expect(at('in 2 hours', 'America/New_York', new Date('2026-11-01T05:00:00Z'))).toBe('2026-11-01T07:00:00.000Z');
  });

  it('"in 24 hours" is elapsed time, "in 1 day" / "in 2 days" keep the wall-clock time', () => {
    const sat = new Date('2026-03-07T12:00:00Z'); // 07:00 EST
    expect(at('in 24 hours', 'America/New_York', sat)).toBe('2026-03-08T12:00:00.000Z');
    expect(at('in 1 day', 'America/New_York', sat)).toBe('2026-03-08T11:00:00.000Z'); // 07:00 EDT
    expect(at('in 2 days', 'America/New_York', new Date('2026-10-31T12:00:00Z'))).toBe('2026-11-02T13:00:00.000Z'); // 08:00 EST
  });
});

describe('parseWhen: zones written in the text', () => {
  it('"9am KST" is honoured for a user in New York', () => {
    // Now is Fri 05:00 in Seoul, so the next 9am KST is Fri 27th 00:00Z.
    expect(at('9am KST', 'America/New_York')).toBe('2026-11-27T00:00:00.000Z');
  });

  it('an ISO instant with Z ignores the user zone', () => {
    expect(at('2026-12-01T09:00:00Z', 'Asia/Seoul')).toBe('2026-12-01T09:00:00.000Z');
    expect(at('2026-12-01T09:00:00Z', 'America/New_York')).toBe('2026-12-01T09:00:00.000Z');
  });

  it('a numeric offset is honoured', () => {
    expect(at('2026-12-01 09:00 +09:00', 'UTC')).toBe('2026-12-01T00:00:00.000Z');
    expect(at('2026-12-01 09:00 KST', 'America/New_York')).toBe('2026-12-01T00:00:00.000Z');
  });

  // With an explicit zone, "the next 9am" is judged on that zone's clock, not the user's.
  it('"9am KST" asked at 08:00 KST by a Seoul user is one hour away, not tomorrow', () => {
    // 2026-11-26T23:00Z = Fri 27th 08:00 KST.
    expect(at('9am KST', 'Asia/Seoul', new Date('2026-11-26T23:00:00Z'))).toBe('2026-11-27T00:00:00.000Z');
  });

  it('"9am UTC" asked at 12:00Z by a New York user is tomorrow 09:00Z, not 3 hours ago', () => {
    expect(at('9am UTC', 'America/New_York', new Date('2026-11-26T12:00:00Z'))).toBe('2026-11-27T09:00:00.000Z');
  });
});

describe('parseWhen: errors', () => {
  it('"blah 9am" is TIME_PARTIAL naming what was understood and what was not', () => {
    const err = heraldErrorOf(() => parseWhen('blah 9am', { now: NOW, zone: 'UTC' }));
    expect(err.code).toBe('TIME_PARTIAL');
    expect(err.params).toEqual({ understood: '9am', rest: 'blah' });
  });

  it('trailing words are TIME_PARTIAL too', () => {
    const err = heraldErrorOf(() => parseWhen('tomorrow 9am, please', { now: NOW, zone: 'UTC' }));
    expect(err.code).toBe('TIME_PARTIAL');
    expect(err.params).toEqual({ understood: 'tomorrow 9am', rest: 'please' });
  });

  it('empty, blank and gibberish input are TIME_UNPARSEABLE', () => {
    expect(codeOf(() => parseWhen('', { now: NOW, zone: 'UTC' }))).toBe('TIME_UNPARSEABLE');
    expect(codeOf(() => parseWhen('   ', { now: NOW, zone: 'UTC' }))).toBe('TIME_UNPARSEABLE');
    expect(codeOf(() => parseWhen('asdkjh qwe', { now: NOW, zone: 'UTC' }))).toBe('TIME_UNPARSEABLE');
  });

  it('an impossible calendar date is TIME_UNPARSEABLE', () => {
    expect(codeOf(() => parseWhen('2026-02-30 09:00', { now: NOW, zone: 'UTC' }))).toBe('TIME_UNPARSEABLE');
  });

  it('control characters inside the input are TIME_UNPARSEABLE', () => {
    expect(codeOf(() => parseWhen('tomorrow\n9am', { now: NOW, zone: 'UTC' }))).toBe('TIME_UNPARSEABLE');
  });

  it(`input longer than ${MAX_WHEN_LENGTH} characters is TIME_UNPARSEABLE; trailing spaces do not count`, () => {
    expect(codeOf(() => parseWhen('a'.repeat(MAX_WHEN_LENGTH + 1), { now: NOW, zone: 'UTC' }))).toBe('TIME_UNPARSEABLE');
    expect(at('tomorrow 9am' + ' '.repeat(MAX_WHEN_LENGTH), 'UTC')).toBe('2026-11-27T09:00:00.000Z');
  });

  it('ranges are TIME_RANGE', () => {
    expect(codeOf(() => parseWhen('from 9 to 10', { now: NOW, zone: 'UTC' }))).toBe('TIME_RANGE');
    expect(codeOf(() => parseWhen('9am to 10am', { now: NOW, zone: 'UTC' }))).toBe('TIME_RANGE');
  });

  it('an unknown zone is INVALID_TIME_ZONE, checked before the text', () => {
    const err = heraldErrorOf(() => parseWhen('tomorrow 9am', { now: NOW, zone: 'Mars/Base' }));
    expect(err.code).toBe('INVALID_TIME_ZONE');
    expect(err.params).toEqual({ zone: 'Mars/Base' });
    expect(codeOf(() => parseWhen('', { now: NOW, zone: 'Mars/Base' }))).toBe('INVALID_TIME_ZONE');
    expect(codeOf(() => parseWhen('tomorrow 9am', { now: NOW, zone: '+09:00' }))).toBe('INVALID_TIME_ZONE');
  });

  it('errors are HeraldError instances with an English message', () => {
    const err = heraldErrorOf(() => parseWhen('from 9 to 10', { now: NOW, zone: 'UTC' }));
    expect(err).toBeInstanceOf(HeraldError);
    expect(err.message).toBe('Give one point in time, not a range.');
  });
});
