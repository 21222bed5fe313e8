import { describe, expect, it } from 'vitest';
import { HeraldError } from '../../src/domain/errors.js';
import { MAX_REPEAT_LENGTH, parseRepeat, parseUntil, type RepeatRule } from '../../src/domain/repeat/index.js';
import { grammarsFor } from '../../src/domain/repeat/parse.js';
import { parseEnglish } from '../../src/domain/repeat/parse-en.js';
import { parseKorean } from '../../src/domain/repeat/parse-ko.js';
import { codeOf, heraldErrorOf } from './helpers.js';

const day = (...days: number[]) => days;
const WEEKDAYS = day(1, 2, 3, 4, 5);

// Phrase → the rule it must give, read with an English and with a Korean locale (both must agree).
const ACCEPTED: [phrase: string, rule: RepeatRule, count?: number][] = [
  // The list.
  ['every day', { kind: 'daily', every: 1 }],
  ['every weekday', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['every monday', { kind: 'weekly', every: 1, days: [1] }],
  ['every 2 weeks on friday', { kind: 'weekly', every: 2, days: [5] }],
  ['every month on the 1st', { kind: 'monthly', every: 1, on: { kind: 'day', day: 1 } }],
  ['every month on the last day', { kind: 'monthly', every: 1, on: { kind: 'lastDay' } }],
  ['매일', { kind: 'daily', every: 1 }],
  ['평일마다', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['매주 월요일', { kind: 'weekly', every: 1, days: [1] }],
  ['격주 금요일', { kind: 'weekly', every: 2, days: [5] }],
  ['매월 1일', { kind: 'monthly', every: 1, on: { kind: 'day', day: 1 } }],
  // English neighbours.
  ['Daily', { kind: 'daily', every: 1 }],
  ['everyday', { kind: 'daily', every: 1 }],
  ['every other day', { kind: 'daily', every: 2 }],
  ['every 3 days', { kind: 'daily', every: 3 }],
  ['weekly', { kind: 'weekly', every: 1 }],
  ['every week', { kind: 'weekly', every: 1 }],
  ['every other week', { kind: 'weekly', every: 2 }],
  ['biweekly', { kind: 'weekly', every: 2 }],
  ['fortnightly', { kind: 'weekly', every: 2 }],
  ['every other Friday', { kind: 'weekly', every: 2, days: [5] }],
  ['every two weeks on Fri', { kind: 'weekly', every: 2, days: [5] }],
  ['friday every 2 weeks', { kind: 'weekly', every: 2, days: [5] }],
  ['every mon and thu', { kind: 'weekly', every: 1, days: [1, 4] }],
  ['every Monday, Wednesday, and Friday', { kind: 'weekly', every: 1, days: [1, 3, 5] }],
  ['every mon/wed/fri', { kind: 'weekly', every: 1, days: [1, 3, 5] }],
  ['weekly on tue & thu', { kind: 'weekly', every: 1, days: [2, 4] }],
  ['biweekly on mon and thu', { kind: 'weekly', every: 2, days: [1, 4] }],
  ['mondays', { kind: 'weekly', every: 1, days: [1] }],
  ['on Sundays', { kind: 'weekly', every: 1, days: [7] }],
  ['weekdays', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['on weekdays', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['every working day', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['every business day', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['mon-fri', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['every monday to friday', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['every weekend', { kind: 'weekly', every: 1, days: [6, 7] }],
  ['monthly', { kind: 'monthly', every: 1 }],
  ['every 3 months', { kind: 'monthly', every: 3 }],
  ['quarterly', { kind: 'monthly', every: 3 }],
  ['every other month on the 15th', { kind: 'monthly', every: 2, on: { kind: 'day', day: 15 } }],
  ['monthly on day 10', { kind: 'monthly', every: 1, on: { kind: 'day', day: 10 } }],
  ['every month on the 31st', { kind: 'monthly', every: 1, on: { kind: 'day', day: 31 } }],
  ['every month on the first', { kind: 'monthly', every: 1, on: { kind: 'day', day: 1 } }],
  ['the 1st of every month', { kind: 'monthly', every: 1, on: { kind: 'day', day: 1 } }],
  ['last day of each month', { kind: 'monthly', every: 1, on: { kind: 'lastDay' } }],
  ['every last day of the month', { kind: 'monthly', every: 1, on: { kind: 'lastDay' } }],
  ['every month on the first monday', { kind: 'monthly', every: 1, on: { kind: 'weekday', nth: 1, weekday: 1 } }],
  ['every first monday', { kind: 'monthly', every: 1, on: { kind: 'weekday', nth: 1, weekday: 1 } }],
  ['every last friday', { kind: 'monthly', every: 1, on: { kind: 'weekday', nth: 'last', weekday: 5 } }],
  ['the third wednesday of every month', { kind: 'monthly', every: 1, on: { kind: 'weekday', nth: 3, weekday: 3 } }],
  ['yearly', { kind: 'monthly', every: 12 }],
  ['every year', { kind: 'monthly', every: 12 }],
  ['every hour', { kind: 'interval', minutes: 60 }],
  ['hourly', { kind: 'interval', minutes: 60 }],
  ['every 3 hours', { kind: 'interval', minutes: 180 }],
  ['every 90 minutes', { kind: 'interval', minutes: 90 }],
  ['every half hour', { kind: 'interval', minutes: 30 }],
  ['every monday, 10 times', { kind: 'weekly', every: 1, days: [1] }, 10],
  ['every day for 5 times.', { kind: 'daily', every: 1 }, 5],
  ['every day x5', { kind: 'daily', every: 1 }, 5],
  ['  EVERY   Monday  ', { kind: 'weekly', every: 1, days: [1] }],
  // Korean neighbours.
  ['매일매일', { kind: 'daily', every: 1 }],
  ['날마다', { kind: 'daily', every: 1 }],
  ['격일', { kind: 'daily', every: 2 }],
  ['이틀마다', { kind: 'daily', every: 2 }],
  ['3일마다', { kind: 'daily', every: 3 }],
  ['평일', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['매주 평일', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['주중', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['월~금', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['월요일부터 금요일까지', { kind: 'weekly', every: 1, days: WEEKDAYS as never }],
  ['주말마다', { kind: 'weekly', every: 1, days: [6, 7] }],
  ['매주', { kind: 'weekly', every: 1 }],
  ['매주월요일', { kind: 'weekly', every: 1, days: [1] }],
  ['매 주 월요일', { kind: 'weekly', every: 1, days: [1] }],
  ['월요일마다', { kind: 'weekly', every: 1, days: [1] }],
  ['매주 월요일마다', { kind: 'weekly', every: 1, days: [1] }],
  ['매주 월요일에', { kind: 'weekly', every: 1, days: [1] }],
  ['매주 월,수', { kind: 'weekly', every: 1, days: [1, 3] }],
  ['매주 월·수·금', { kind: 'weekly', every: 1, days: [1, 3, 5] }],
  ['매주 월수금', { kind: 'weekly', every: 1, days: [1, 3, 5] }],
  ['매주 월요일과 목요일', { kind: 'weekly', every: 1, days: [1, 4] }],
  ['매주 토,일', { kind: 'weekly', every: 1, days: [6, 7] }],
  ['격주', { kind: 'weekly', every: 2 }],
  ['격주로 금요일', { kind: 'weekly', every: 2, days: [5] }],
  ['격주 금요일마다', { kind: 'weekly', every: 2, days: [5] }],
  ['금요일마다 격주로', { kind: 'weekly', every: 2, days: [5] }],
  ['2주마다 금요일', { kind: 'weekly', every: 2, days: [5] }],
  ['2주에 한 번 금요일', { kind: 'weekly', every: 2, days: [5] }],
  ['3주마다', { kind: 'weekly', every: 3 }],
  ['매월', { kind: 'monthly', every: 1 }],
  ['매달', { kind: 'monthly', every: 1 }],
  ['매달 1일', { kind: 'monthly', every: 1, on: { kind: 'day', day: 1 } }],
  ['매월 15일마다', { kind: 'monthly', every: 1, on: { kind: 'day', day: 15 } }],
  ['매달 말일', { kind: 'monthly', every: 1, on: { kind: 'lastDay' } }],
  ['매월 마지막 날', { kind: 'monthly', every: 1, on: { kind: 'lastDay' } }],
  ['매월 첫째 월요일', { kind: 'monthly', every: 1, on: { kind: 'weekday', nth: 1, weekday: 1 } }],
  ['매월 첫 번째 월요일', { kind: 'monthly', every: 1, on: { kind: 'weekday', nth: 1, weekday: 1 } }],
  ['매월 마지막 주 금요일', { kind: 'monthly', every: 1, on: { kind: 'weekday', nth: 'last', weekday: 5 } }],
  ['3개월마다 1일', { kind: 'monthly', every: 3, on: { kind: 'day', day: 1 } }],
  ['석 달마다', { kind: 'monthly', every: 3 }],
  ['격월', { kind: 'monthly', every: 2 }],
  ['분기마다', { kind: 'monthly', every: 3 }],
  ['매년', { kind: 'monthly', every: 12 }],
  ['매시간', { kind: 'interval', minutes: 60 }],
  ['3시간마다', { kind: 'interval', minutes: 180 }],
  ['두 시간마다', { kind: 'interval', minutes: 120 }],
  ['30분마다', { kind: 'interval', minutes: 30 }],
  ['1시간 30분마다', { kind: 'interval', minutes: 90 }],
  ['매주 월요일 10회', { kind: 'weekly', every: 1, days: [1] }, 10],
  ['매일, 5번', { kind: 'daily', every: 1 }, 5],
  ['매월 1일 총 3회만', { kind: 'monthly', every: 1, on: { kind: 'day', day: 1 } }, 3],
];

describe('parseRepeat: accepted phrases', () => {
  for (const [phrase, rule, count] of ACCEPTED) {
    it(`"${phrase}"`, () => {
      for (const locale of ['en', 'ko'] as const) {
        const parsed = parseRepeat(phrase, { locale });
        expect(parsed.rule).toEqual(rule);
        expect(parsed.count).toBe(count);
      }
    });
  }

  it('returns the normalized phrase it read', () => {
    expect(parseRepeat('  Every   MONDAY! ', { locale: 'en' }).text).toBe('every monday');
  });
});

// Phrase → the error code, in both locales.
const REFUSED: [phrase: string, code: string][] = [
  ['', 'REPEAT_UNPARSEABLE'],
  ['   ', 'REPEAT_UNPARSEABLE'],
  ['every blue moon', 'REPEAT_UNPARSEABLE'],
  ['sometimes', 'REPEAT_UNPARSEABLE'],
  ['every second monday', 'REPEAT_UNPARSEABLE'],
  ['twice a week', 'REPEAT_UNPARSEABLE'],
  ['every monday except holidays', 'REPEAT_UNPARSEABLE'],
  ['every friday to monday', 'REPEAT_UNPARSEABLE'],
  ['1일', 'REPEAT_UNPARSEABLE'],
  ['매주 월요일 그리고 가끔', 'REPEAT_UNPARSEABLE'],
  ['every monday\nevery tuesday', 'REPEAT_UNPARSEABLE'],
  ['every day'.padEnd(MAX_REPEAT_LENGTH + 1, ' x'), 'REPEAT_UNPARSEABLE'],
  ['every monday 9am', 'REPEAT_HAS_TIME'],
  ['every day at 10', 'REPEAT_HAS_TIME'],
  ['weekdays 09:00', 'REPEAT_HAS_TIME'],
  ['매주 월요일 오전 9시', 'REPEAT_HAS_TIME'],
  ['매일 9시', 'REPEAT_HAS_TIME'],
  ['every monday until march', 'REPEAT_HAS_UNTIL'],
  ['매주 월요일 3월까지', 'REPEAT_HAS_UNTIL'],
  ['every 0 days', 'REPEAT_INVALID_INTERVAL'],
  ['every 1000 weeks', 'REPEAT_INVALID_INTERVAL'],
  ['0시간마다', 'REPEAT_INVALID_INTERVAL'],
  ['매월 32일', 'REPEAT_INVALID_DAY'],
  ['every month on the 0th', 'REPEAT_INVALID_DAY'],
  ['monthly on day 40', 'REPEAT_INVALID_DAY'],
  ['every monday, 0 times', 'REPEAT_INVALID_COUNT'],
  ['매일 0회', 'REPEAT_INVALID_COUNT'],
];

describe('parseRepeat: refused phrases', () => {
  for (const [phrase, code] of REFUSED) {
    it(`${JSON.stringify(phrase.slice(0, 40))} → ${code}`, () => {
      expect(codeOf(() => parseRepeat(phrase, { locale: 'en' }))).toBe(code);
      expect(codeOf(() => parseRepeat(phrase, { locale: 'ko' }))).toBe(code);
    });
  }

  it('words the refusal in English and Korean, quoting the input', () => {
    const err = heraldErrorOf(() => parseRepeat('every blue moon', { locale: 'ko' }));
    expect(err.messageFor('en')).toContain('"every blue moon"');
    expect(err.messageFor('en')).toContain('every 2 weeks on friday');
    expect(err.messageFor('ko')).toContain('"every blue moon"');
    expect(err.messageFor('ko')).toContain('격주 금요일');
  });

  it('tells the user where a time of day belongs', () => {
    expect(heraldErrorOf(() => parseRepeat('every monday 9am', { locale: 'en' })).messageFor('en')).toContain('the time comes from when');
  });

  it('refuses a non-string without crashing', () => {
    expect(codeOf(() => parseRepeat(undefined as unknown as string, { locale: 'en' }))).toBe('REPEAT_UNPARSEABLE');
  });
});

describe('parseRepeat: locale order', () => {
  it('Korean first for ko, English first otherwise', () => {
    expect(grammarsFor('ko')).toEqual([parseKorean, parseEnglish]);
    expect(grammarsFor('en')).toEqual([parseEnglish, parseKorean]);
  });
});

describe('parseUntil', () => {
  // Thursday 2026-11-26 20:00 UTC = Friday 2026-11-27 05:00 in Seoul, Thursday 15:00 in New York.
  const now = new Date('2026-11-26T20:00:00Z');
  const cases: [input: string, zone: string, expected: string][] = [
    ['2027-03-01', 'UTC', '2027-03-01'],
    ['2027/3/1', 'UTC', '2027-03-01'],
    ['2027.3.1.', 'UTC', '2027-03-01'],
    ['until 2027-03-01', 'UTC', '2027-03-01'],
    ['2027-03-01까지', 'UTC', '2027-03-01'],
    ['2027년 3월 1일', 'Asia/Seoul', '2027-03-01'],
    ['2027년3월1일까지', 'Asia/Seoul', '2027-03-01'],
    ['3월 1일', 'Asia/Seoul', '2027-03-01'],
    ['12월 31일', 'Asia/Seoul', '2026-12-31'],
    // "Today" is the 27th in Seoul but still the 26th in New York.
    ['11월 26일', 'Asia/Seoul', '2027-11-26'],
    ['11월 26일', 'America/New_York', '2026-11-26'],
    ['2월 29일', 'UTC', '2028-02-29'],
    ['March 1, 2027', 'UTC', '2027-03-01'],
    ['1 March 2027', 'UTC', '2027-03-01'],
    ['Dec 24', 'America/New_York', '2026-12-24'],
  ];
  for (const [input, zone, expected] of cases) {
    it(`"${input}" in ${zone} → ${expected}`, () => {
      const d = parseUntil(input, { now, zone });
      expect(`${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`).toBe(expected);
    });
  }

  for (const input of ['', 'someday', '2027-02-30', '2027-13-01', 'tomorrow 5pm', '2027-03-01 09:00', 'from march 1 to march 5', 'x'.repeat(200)]) {
    it(`refuses ${JSON.stringify(input.slice(0, 30))}`, () => {
      expect(codeOf(() => parseUntil(input, { now, zone: 'UTC' }))).toBe('REPEAT_UNTIL_UNPARSEABLE');
    });
  }

  it('refuses an unknown zone', () => {
    expect(codeOf(() => parseUntil('2027-03-01', { now, zone: 'Mars/Base' }))).toBe('INVALID_TIME_ZONE');
  });

  it('throws only HeraldErrors', () => {
    expect(() => parseUntil('🙂', { now, zone: 'UTC' })).toThrow(HeraldError);
  });
});
