// Generated phrases (fast-check) built from the pieces of the Korean and English time grammar,
// valid and invalid alike, read at any moment in zones with and without DST, as TaskService reads
// them (parseWhen, then the lead rule). Each either becomes an instant at least a minute and at
// most MAX_LEAD_DAYS ahead, or a HeraldError with a TIME_ code and a message in both languages.
// Never NaN, never the past, never any other exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeraldError } from '../../src/domain/errors.js';
import { assertSchedulable } from '../../src/domain/lead-time.js';
import { MAX_LEAD_DAYS, MIN_LEAD_MS } from '../../src/domain/limits.js';
import { wallClockAt } from '../../src/domain/time-zone.js';
import { parseWhen } from '../../src/domain/when.js';

const ZONES = ['Asia/Seoul', 'America/New_York', 'Europe/Berlin', 'UTC', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham'];
const zone = fc.constantFrom(...ZONES);
const moment = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true });
const locale = fc.constantFrom('ko' as const, 'en' as const);

const pick = (...words: string[]) => fc.constantFrom(...words);
const optional = (arb: fc.Arbitrary<string>) => fc.oneof(fc.constant(''), arb);
const nativeHour = pick('한', '두', '세', '네', '다섯', '여섯', '일곱', '여덟', '아홉', '열', '열한', '열두');
const count = fc.oneof(fc.integer({ min: 0, max: 400 }).map(String), nativeHour, pick('삼십', '십오', '이', '오', '스물네', '석', '넉'));

const koDay = pick('오늘', '내일', '모레', '내일모레', '글피', '그글피', '어제', '그저께', '낼');
const koWeekday = fc
  .tuple(optional(pick('이번 주 ', '다음 주 ', '다다음 주 ', '지난주 ', '다음 ', '이번 ', '저번 주 ')), pick('월', '화', '수', '목', '금', '토', '일'))
  .map(([modifier, day]) => `${modifier}${day}요일`);
const koWeekend = pick('주말', '이번 주말', '다음 주말', '다다음 주말');
const koDate = fc.oneof(
  fc
    .tuple(optional(pick('2026년 ', '2027년 ', '27년 ', '내년 ', '올해 ')), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 }))
    .map(([year, month, day]) => `${year}${month}월 ${day}일`),
  fc.tuple(fc.integer({ min: 2025, max: 2028 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${y}. ${m}. ${d}.`),
  fc.tuple(pick('이번 달', '다음 달', '다다음 달'), fc.integer({ min: 0, max: 32 })).map(([month, day]) => `${month} ${day}일`),
  fc.integer({ min: 0, max: 35 }).map((day) => `${day}일`),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([m, d]) => `${m}/${d}`),
);
const koTime = fc.oneof(
  fc
    .tuple(
      optional(pick('오전 ', '오후 ', '새벽 ', '아침 ', '점심 ', '낮 ', '저녁 ', '밤 ')),
      fc.oneof(fc.integer({ min: 0, max: 26 }).map(String), nativeHour),
      optional(fc.oneof(fc.integer({ min: 0, max: 70 }).map((m) => ` ${m}분`), fc.constant(' 반'), pick(' 삼십 분', ' 십오 분'))),
      optional(pick('에', '쯤', ' 정각')),
    )
    .map(([part, hour, minute, tail]) => `${part}${hour}시${minute}${tail}`),
  fc.tuple(pick('오전 ', '오후 ', '저녁 ', '밤 ', ''), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 })).map(([p, h, m]) => `${p}${h}:${String(m).padStart(2, '0')}`),
  pick('정오', '자정', '오전', '오후', '새벽', '아침', '점심', '점심시간', '저녁', '밤', '퇴근 전', '퇴근 시간'),
);
const koDuration = fc
  .tuple(
    fc.array(fc.tuple(count, pick('초', '분', '시간', '일', '주', '주일', '개월', '달', '년'), optional(fc.constant(' 반'))), { minLength: 1, maxLength: 3 }),
    pick('후', '뒤', '뒤에', '전', '있다가', '이후'),
  )
  .map(([pieces, direction]) => `${pieces.map(([n, unit, half]) => `${n} ${unit}${half}`).join(' ')} ${direction}`);
const koDayWordDuration = fc
  .tuple(pick('하루', '이틀', '사흘', '나흘', '닷새', '열흘', '보름', '일주일', '하루 이틀'), pick('후', '뒤', '전'))
  .map(([word, direction]) => `${word} ${direction}`);

const enDay = pick('today', 'tomorrow', 'yesterday', 'next monday', 'friday', 'this weekend', 'next weekend', 'nov 25', 'dec 31', 'jan 5', '2027-01-15');
const enTime = pick('9am', '3pm', '21:00', '9:30', 'noon', 'midnight', 'at 10', 'eod', 'end of day', '12am');
const enDuration = fc
  .tuple(fc.integer({ min: -5, max: 500 }), pick('seconds', 'minutes', 'hours', 'days', 'weeks', 'months'))
  .map(([n, unit]) => `in ${n} ${unit}`);

const joiner = pick(' ', ' ', ' ', '');
const korean = fc.oneof(
  fc.tuple(optional(fc.oneof(koDay, koWeekday, koWeekend, koDate)), joiner, optional(koTime)).map(([d, j, t]) => `${d}${j}${t}`),
  koDuration,
  koDayWordDuration,
);
const english = fc.oneof(
  fc.tuple(optional(enDay), optional(enTime)).map(([d, t]) => `${d} ${t}`),
  enDuration,
);
const mixed = fc.oneof(
  fc.tuple(koDay, enTime).map(([d, t]) => `${d} ${t}`),
  fc.tuple(enDay, koTime).map(([d, t]) => `${d} ${t}`),
  fc.tuple(korean, pick('보내줘', 'please', '9', '~', '부터 10시까지')).map(([p, extra]) => `${p} ${extra}`),
);

type Outcome = { ok: true; instant: Date } | { ok: false; error: HeraldError };

function reserve(input: string, now: Date, zoneName: string, lang: 'ko' | 'en'): Outcome {
  try {
    const { instant } = parseWhen(input, { now, zone: zoneName, locale: lang });
    assertSchedulable(instant, now);
    return { ok: true, instant };
  } catch (err) {
    if (err instanceof HeraldError) return { ok: false, error: err };
    throw err;
  }
}

function expectSchedulableOrPrecise(outcome: Outcome, now: Date): void {
  if (outcome.ok) {
    const lead = outcome.instant.getTime() - now.getTime();
    expect(Number.isNaN(lead)).toBe(false);
    expect(lead).toBeGreaterThanOrEqual(MIN_LEAD_MS);
    expect(lead).toBeLessThanOrEqual(MAX_LEAD_DAYS * 86_400_000);
  } else {
    expect(outcome.error.code).toMatch(/^TIME_[A-Z_]+$/);
    for (const lang of ['en', 'ko'] as const) {
      const message = outcome.error.messageFor(lang);
      expect(message.length).toBeGreaterThan(10);
      expect(message).not.toMatch(/undefined|NaN|\[object Object\]/);
    }
  }
}

describe('generated times', () => {
  it('Korean phrases: a schedulable instant or a precise refusal', () => {
    fc.assert(
      fc.property(korean, moment, zone, locale, (input, now, z, lang) => expectSchedulableOrPrecise(reserve(input, now, z, lang), now)),
      { numRuns: 3_000 },
    );
  });

  it('English phrases: a schedulable instant or a precise refusal', () => {
    fc.assert(
      fc.property(english, moment, zone, locale, (input, now, z, lang) => expectSchedulableOrPrecise(reserve(input, now, z, lang), now)),
      { numRuns: 1_500 },
    );
  });

  it('mixed and padded phrases: a schedulable instant or a precise refusal', () => {
    fc.assert(
      fc.property(mixed, moment, zone, locale, (input, now, z, lang) => expectSchedulableOrPrecise(reserve(input, now, z, lang), now)),
      { numRuns: 1_500 },
    );
  });

  it('a bare hour (1시–12시) is the next h:00 or (h+12):00 outside 00:00–06:59, within a day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), moment, zone, (hour, now, z) => {
        const outcome = reserve(`${hour}시`, now, z, 'ko');
        if (!outcome.ok) {
          // Less than a minute before the hour, the hour is too soon for the lead rule.
          expect(outcome.error.code).toBe('TIME_TOO_SOON');
          return;
        }
        const wall = wallClockAt(outcome.instant, z);
        expect([hour % 12, (hour % 12) + 12].filter((h) => h >= 7)).toContain(wall.hour);
        expect(wall.minute).toBe(0);
        expect(outcome.instant.getTime() - now.getTime()).toBeLessThanOrEqual(26 * 3_600_000);
      }),
      { numRuns: 1_000 },
    );
  });
});
