// Korean times, read as a Korean user types them. Every expected instant is written out by hand
// from the fixed "now" above its table (KST = UTC+9; New York EDT = UTC-4, EST = UTC-5; Berlin CET =
// UTC+1), never computed by the code under test. A phrase is read the way TaskService reads it:
// parseWhen, then the lead rule.
import { describe, expect, it } from 'vitest';
import { HeraldError } from '../../src/domain/errors.js';
import { assertSchedulable } from '../../src/domain/lead-time.js';
import { parseWhen } from '../../src/domain/when.js';
import type { Locale } from '../../src/i18n/locale.js';
import { heraldErrorOf } from './helpers.js';

function reserveAt(input: string, now: Date, zone: string, locale: Locale = 'ko') {
  const parsed = parseWhen(input, { now, zone, locale });
  assertSchedulable(parsed.instant, now);
  return parsed;
}

type Row = [phrase: string, expected: string];

function table(title: string, now: string, zone: string, rows: Row[]) {
  describe(`${title} (now ${now}, ${zone})`, () => {
    for (const [phrase, expected] of rows) {
      it(`"${phrase}" → ${expected}`, () => {
        expect(reserveAt(phrase, new Date(now), zone).instant.toISOString()).toBe(expected);
      });
    }
  });
}

// Friday 2026-11-27 10:30 KST.
const SEOUL_MORNING = '2026-11-27T01:30:00.000Z';

table('Seoul, Friday morning: durations', SEOUL_MORNING, 'Asia/Seoul', [
  ['30분 후', '2026-11-27T02:00:00.000Z'],
  ['30분 뒤에', '2026-11-27T02:00:00.000Z'],
  ['30분후', '2026-11-27T02:00:00.000Z'],
  ['3시간 뒤', '2026-11-27T04:30:00.000Z'],
  ['한 시간 후', '2026-11-27T02:30:00.000Z'],
  ['두 시간 반 뒤', '2026-11-27T04:00:00.000Z'],
  ['1시간 30분 후', '2026-11-27T03:00:00.000Z'],
  ['90분 후', '2026-11-27T03:00:00.000Z'],
  ['삼십 분 후', '2026-11-27T02:00:00.000Z'],
  ['십오 분 뒤', '2026-11-27T01:45:00.000Z'],
  ['열두 시간 후', '2026-11-27T13:30:00.000Z'],
  ['스물네 시간 뒤', '2026-11-28T01:30:00.000Z'],
  ['지금부터 10분 뒤', '2026-11-27T01:40:00.000Z'],
  ['1분 후', '2026-11-27T01:31:00.000Z'],
  ['하루 뒤', '2026-11-28T01:30:00.000Z'],
  ['이틀 후', '2026-11-29T01:30:00.000Z'],
  ['사흘 뒤', '2026-11-30T01:30:00.000Z'],
  ['3일 후', '2026-11-30T01:30:00.000Z'],
  ['열흘 후', '2026-12-07T01:30:00.000Z'],
  ['보름 뒤', '2026-12-12T01:30:00.000Z'],
  ['일주일 후', '2026-12-04T01:30:00.000Z'],
  ['2주 뒤', '2026-12-11T01:30:00.000Z'],
  ['이 주 후', '2026-12-11T01:30:00.000Z'],
  ['한 달 후', '2026-12-27T01:30:00.000Z'],
  ['석 달 후', '2027-02-27T01:30:00.000Z'],
  ['3개월 뒤', '2027-02-27T01:30:00.000Z'],
  ['1년 후', '2027-11-27T01:30:00.000Z'],
  ['다음 주', '2026-12-04T01:30:00.000Z'],
  ['다음 달', '2026-12-27T01:30:00.000Z'],
]);

table('Seoul, Friday morning: days and times of day', SEOUL_MORNING, 'Asia/Seoul', [
  ['내일', '2026-11-28T01:30:00.000Z'],
  ['모레', '2026-11-29T01:30:00.000Z'],
  ['내일모레', '2026-11-29T01:30:00.000Z'],
  ['글피', '2026-11-30T01:30:00.000Z'],
  ['그글피', '2026-12-01T01:30:00.000Z'],
  ['내일 오전 9시', '2026-11-28T00:00:00.000Z'],
  ['내일 9시', '2026-11-28T00:00:00.000Z'],
  ['내일오전9시', '2026-11-28T00:00:00.000Z'],
  ['내일 9시에', '2026-11-28T00:00:00.000Z'],
  ['내일 오전 9시 정각', '2026-11-28T00:00:00.000Z'],
  ['내일 아홉 시', '2026-11-28T00:00:00.000Z'],
  ['내일 9시 30분', '2026-11-28T00:30:00.000Z'],
  ['내일 9시 반', '2026-11-28T00:30:00.000Z'],
  ['내일 아침', '2026-11-27T23:00:00.000Z'],
  ['내일 아침 7시', '2026-11-27T22:00:00.000Z'],
  ['내일 점심', '2026-11-28T03:00:00.000Z'],
  ['내일 점심 1시', '2026-11-28T04:00:00.000Z'],
  ['내일 정오', '2026-11-28T03:00:00.000Z'],
  ['내일 낮 2시', '2026-11-28T05:00:00.000Z'],
  ['내일 오후', '2026-11-28T06:00:00.000Z'],
  ['내일 오후 2시 30분', '2026-11-28T05:30:00.000Z'],
  ['내일 오후 다섯 시', '2026-11-28T08:00:00.000Z'],
  ['내일 저녁', '2026-11-28T09:00:00.000Z'],
  ['내일 저녁 7시', '2026-11-28T10:00:00.000Z'],
  ['내일 밤', '2026-11-28T12:00:00.000Z'],
  ['내일 밤 11시', '2026-11-28T14:00:00.000Z'],
  ['내일 밤 12시', '2026-11-28T15:00:00.000Z'],
  ['내일 자정', '2026-11-28T15:00:00.000Z'],
  ['내일 밤 2시', '2026-11-28T17:00:00.000Z'],
  ['내일 새벽', '2026-11-27T20:00:00.000Z'],
  ['내일 새벽 2시', '2026-11-27T17:00:00.000Z'],
  ['내일 3시', '2026-11-28T06:00:00.000Z'],
  ['내일 3시쯤', '2026-11-28T06:00:00.000Z'],
  ['내일 세 시 반', '2026-11-28T06:30:00.000Z'],
  ['내일 7시', '2026-11-27T22:00:00.000Z'],
  ['내일 12시', '2026-11-28T03:00:00.000Z'],
  ['내일 열두 시', '2026-11-28T03:00:00.000Z'],
  ['내일 21:00', '2026-11-28T12:00:00.000Z'],
  ['모레 오후 3시', '2026-11-29T06:00:00.000Z'],
  ['글피 오전 10시', '2026-11-30T01:00:00.000Z'],
  ['오늘 오후 3시', '2026-11-27T06:00:00.000Z'],
  ['오늘 9시', '2026-11-27T12:00:00.000Z'],
  ['오늘 11시', '2026-11-27T02:00:00.000Z'],
  ['오늘 저녁', '2026-11-27T09:00:00.000Z'],
  ['오늘 밤', '2026-11-27T12:00:00.000Z'],
  ['오늘밤 11시', '2026-11-27T14:00:00.000Z'],
  ['오늘 자정', '2026-11-27T15:00:00.000Z'],
  ['오늘 밤 12시', '2026-11-27T15:00:00.000Z'],
  ['오늘 새벽 2시', '2026-11-27T17:00:00.000Z'],
]);

table('Seoul, Friday morning: a time alone (the next one)', SEOUL_MORNING, 'Asia/Seoul', [
  ['9시', '2026-11-27T12:00:00.000Z'],
  ['3시', '2026-11-27T06:00:00.000Z'],
  ['11시', '2026-11-27T02:00:00.000Z'],
  ['10시', '2026-11-27T13:00:00.000Z'],
  ['12시', '2026-11-27T03:00:00.000Z'],
  ['7시', '2026-11-27T10:00:00.000Z'],
  ['9시 30분', '2026-11-27T12:30:00.000Z'],
  ['10시 45분', '2026-11-27T01:45:00.000Z'],
  ['3시 반쯤', '2026-11-27T06:30:00.000Z'],
  ['21:00', '2026-11-27T12:00:00.000Z'],
  ['21시', '2026-11-27T12:00:00.000Z'],
  ['0시', '2026-11-27T15:00:00.000Z'],
  ['24시', '2026-11-27T15:00:00.000Z'],
  ['오후 2시 30분', '2026-11-27T05:30:00.000Z'],
  ['오후 2:30', '2026-11-27T05:30:00.000Z'],
  ['오후 3:30', '2026-11-27T06:30:00.000Z'],
  ['오전 11시', '2026-11-27T02:00:00.000Z'],
  ['오전 9시', '2026-11-28T00:00:00.000Z'],
  ['저녁 7시', '2026-11-27T10:00:00.000Z'],
  ['밤 12시', '2026-11-27T15:00:00.000Z'],
  ['자정', '2026-11-27T15:00:00.000Z'],
  ['정오', '2026-11-27T03:00:00.000Z'],
  ['새벽 2시', '2026-11-27T17:00:00.000Z'],
  ['아침', '2026-11-27T23:00:00.000Z'],
  ['점심', '2026-11-27T03:00:00.000Z'],
  ['점심시간', '2026-11-27T03:00:00.000Z'],
  ['저녁', '2026-11-27T09:00:00.000Z'],
  ['밤', '2026-11-27T12:00:00.000Z'],
  ['새벽', '2026-11-27T20:00:00.000Z'],
  ['오전', '2026-11-28T00:00:00.000Z'],
  ['오후', '2026-11-27T06:00:00.000Z'],
  ['퇴근 전', '2026-11-27T08:00:00.000Z'],
  ['내일 퇴근 시간', '2026-11-28T08:00:00.000Z'],
]);

table('Seoul, Friday morning: weekdays, weekends, dates', SEOUL_MORNING, 'Asia/Seoul', [
  ['이번 주 금요일', '2026-11-27T03:00:00.000Z'],
  ['이번 주 토요일', '2026-11-28T03:00:00.000Z'],
  ['이번 주 일요일', '2026-11-29T03:00:00.000Z'],
  ['다음 주 월요일', '2026-11-30T03:00:00.000Z'],
  ['다음 주 금요일', '2026-12-04T03:00:00.000Z'],
  ['다음주 수요일 오후 3시', '2026-12-02T06:00:00.000Z'],
  ['다음 주 월요일 9시', '2026-11-30T00:00:00.000Z'],
  ['다음 주 화요일 오전 9시 30분', '2026-12-01T00:30:00.000Z'],
  ['다다음 주 월요일', '2026-12-07T03:00:00.000Z'],
  ['월요일', '2026-11-30T03:00:00.000Z'],
  ['금요일', '2026-12-04T03:00:00.000Z'],
  ['토요일 오전 10시', '2026-11-28T01:00:00.000Z'],
  ['이번 주 토요일 9시', '2026-11-28T00:00:00.000Z'],
  ['다음 금요일', '2026-12-04T03:00:00.000Z'],
  ['다음 월요일', '2026-11-30T03:00:00.000Z'],
  ['주말', '2026-11-28T03:00:00.000Z'],
  ['이번 주말', '2026-11-28T03:00:00.000Z'],
  ['다음 주말', '2026-12-05T03:00:00.000Z'],
  ['주말 오전 10시', '2026-11-28T01:00:00.000Z'],
  ['이번 주말 오후 3시', '2026-11-28T06:00:00.000Z'],
  ['12월 24일', '2026-12-24T03:00:00.000Z'],
  ['12월 24일에', '2026-12-24T03:00:00.000Z'],
  ['12월 24일 오후 3시', '2026-12-24T06:00:00.000Z'],
  ['12월24일오후3시', '2026-12-24T06:00:00.000Z'],
  ['12월 24일 9시', '2026-12-24T00:00:00.000Z'],
  ['2027년 1월 15일', '2027-01-15T03:00:00.000Z'],
  ['2027년 1월 15일 09:00', '2027-01-15T00:00:00.000Z'],
  ['2027년 1월 15일 오전 9시', '2027-01-15T00:00:00.000Z'],
  ['내년 1월 15일', '2027-01-15T03:00:00.000Z'],
  ['27년 1월 15일', '2027-01-15T03:00:00.000Z'],
  ['1월 15일 오후 3시', '2027-01-15T06:00:00.000Z'],
  ['1/15', '2027-01-15T03:00:00.000Z'],
  ['1/15 오후 3시', '2027-01-15T06:00:00.000Z'],
  ['2027.01.15', '2027-01-15T03:00:00.000Z'],
  ['2027. 1. 15.', '2027-01-15T03:00:00.000Z'],
  ['2027.01.15 14:00', '2027-01-15T05:00:00.000Z'],
  ['다음 달 1일', '2026-12-01T03:00:00.000Z'],
  ['다음 달 1일 오전 9시', '2026-12-01T00:00:00.000Z'],
  ['이번 달 30일', '2026-11-30T03:00:00.000Z'],
  ['30일', '2026-11-30T03:00:00.000Z'],
  ['15일', '2026-12-15T03:00:00.000Z'],
  ['27일 오후 3시', '2026-11-27T06:00:00.000Z'],
  ['27일 9시', '2026-11-27T12:00:00.000Z'],
  ['26일', '2026-12-26T03:00:00.000Z'],
  ['11월 25일', '2027-11-25T03:00:00.000Z'],
]);

table('Seoul, Friday morning: mixed Korean and English', SEOUL_MORNING, 'Asia/Seoul', [
  ['내일 9am', '2026-11-28T00:00:00.000Z'],
  ['내일 3pm', '2026-11-28T06:00:00.000Z'],
  ['tomorrow 오후 3시', '2026-11-28T06:00:00.000Z'],
  ['tomorrow 9시', '2026-11-28T00:00:00.000Z'],
  ['next friday 오후 3시', '2026-12-04T06:00:00.000Z'],
  ['다음 주 월요일 10am', '2026-11-30T01:00:00.000Z'],
  ['in 2 hours', '2026-11-27T03:30:00.000Z'],
]);

// Friday 2026-11-27 16:00 KST: 3 o'clock has passed today.
table('Seoul, Friday afternoon', '2026-11-27T07:00:00.000Z', 'Asia/Seoul', [
  ['3시', '2026-11-28T06:00:00.000Z'],
  ['3시 30분', '2026-11-28T06:30:00.000Z'],
  ['1시', '2026-11-28T04:00:00.000Z'],
  ['9시', '2026-11-27T12:00:00.000Z'],
  ['6시', '2026-11-27T09:00:00.000Z'],
  ['7시', '2026-11-27T10:00:00.000Z'],
  ['11시', '2026-11-27T14:00:00.000Z'],
  ['12시', '2026-11-28T03:00:00.000Z'],
  ['오늘 9시', '2026-11-27T12:00:00.000Z'],
  ['오후 3시', '2026-11-28T06:00:00.000Z'],
  ['저녁', '2026-11-27T09:00:00.000Z'],
  ['점심', '2026-11-28T03:00:00.000Z'],
  ['오늘 새벽 2시', '2026-11-27T17:00:00.000Z'],
  ['오늘 저녁 7시', '2026-11-27T10:00:00.000Z'],
  ['27일 오후 3시', '2026-12-27T06:00:00.000Z'],
  ['27일 9시', '2026-11-27T12:00:00.000Z'],
  ['주말 오후 3시', '2026-11-28T06:00:00.000Z'],
  ['퇴근 전', '2026-11-27T08:00:00.000Z'],
]);

// Wednesday 2026-12-30 23:30 KST, the year's last evening but one.
table('Seoul, at the turn of the year', '2026-12-30T14:30:00.000Z', 'Asia/Seoul', [
  ['내일 오전 9시', '2026-12-31T00:00:00.000Z'],
  ['모레', '2027-01-01T14:30:00.000Z'],
  ['1월 2일 오후 3시', '2027-01-02T06:00:00.000Z'],
  ['15일', '2027-01-15T03:00:00.000Z'],
  ['다음 달 1일', '2027-01-01T03:00:00.000Z'],
  ['자정', '2026-12-30T15:00:00.000Z'],
  ['오늘 밤 12시', '2026-12-30T15:00:00.000Z'],
  ['새벽 2시', '2026-12-30T17:00:00.000Z'],
  ['9시', '2026-12-31T00:00:00.000Z'],
  ['다음 주 월요일', '2027-01-04T03:00:00.000Z'],
  ['주말', '2027-01-02T03:00:00.000Z'],
  ['12월 31일 오후 6시', '2026-12-31T09:00:00.000Z'],
]);

// Saturday 2026-10-31 10:00 EDT; at 02:00 on Sunday the clocks go back to 01:00 EST.
table('New York, the day before the clocks go back', '2026-10-31T14:00:00.000Z', 'America/New_York', [
  ['내일 오전 9시', '2026-11-01T14:00:00.000Z'],
  ['내일 9시', '2026-11-01T14:00:00.000Z'],
  ['내일', '2026-11-01T15:00:00.000Z'],
  ['2시간 후', '2026-10-31T16:00:00.000Z'],
  ['24시간 뒤', '2026-11-01T14:00:00.000Z'],
  ['하루 뒤', '2026-11-01T15:00:00.000Z'],
  ['일주일 후', '2026-11-07T15:00:00.000Z'],
  ['30분 후', '2026-10-31T14:30:00.000Z'],
  ['내일 새벽 1시 30분', '2026-11-01T05:30:00.000Z'],
  ['내일 새벽 2시', '2026-11-01T07:00:00.000Z'],
  ['밤 12시', '2026-11-01T04:00:00.000Z'],
  ['오늘 자정', '2026-11-01T04:00:00.000Z'],
  ['내일 밤', '2026-11-02T02:00:00.000Z'],
  ['오후 3시', '2026-10-31T19:00:00.000Z'],
  ['9시', '2026-11-01T01:00:00.000Z'],
  ['3시', '2026-10-31T19:00:00.000Z'],
  ['모레 오전 9시', '2026-11-02T14:00:00.000Z'],
  ['다음 주 월요일', '2026-11-02T17:00:00.000Z'],
  ['주말', '2026-10-31T16:00:00.000Z'],
  ['이번 주말 오전 9시', '2026-11-01T14:00:00.000Z'],
  ['일요일 오전 9시', '2026-11-01T14:00:00.000Z'],
  ['11월 1일 오전 1시 30분', '2026-11-01T05:30:00.000Z'],
  ['11월 2일', '2026-11-02T17:00:00.000Z'],
  ['퇴근 전', '2026-10-31T21:00:00.000Z'],
  ['내일 퇴근 시간', '2026-11-01T22:00:00.000Z'],
]);

// Saturday 2027-03-13 10:00 EST; at 02:00 on Sunday the clocks go forward to 03:00 EDT.
table('New York, the day before the clocks go forward', '2027-03-13T15:00:00.000Z', 'America/New_York', [
  ['내일 새벽 2시 30분', '2027-03-14T07:30:00.000Z'],
  ['내일 새벽 3시', '2027-03-14T07:00:00.000Z'],
  ['내일 오전 9시', '2027-03-14T13:00:00.000Z'],
  ['내일', '2027-03-14T14:00:00.000Z'],
  ['24시간 후', '2027-03-14T15:00:00.000Z'],
  ['3시간 뒤', '2027-03-13T18:00:00.000Z'],
  ['밤 12시', '2027-03-14T05:00:00.000Z'],
  ['모레 9시', '2027-03-15T13:00:00.000Z'],
]);

// Thursday 2026-11-26 21:00 CET.
table('Berlin, Thursday evening', '2026-11-26T20:00:00.000Z', 'Europe/Berlin', [
  ['내일 오전 9시', '2026-11-27T08:00:00.000Z'],
  ['10시', '2026-11-26T21:00:00.000Z'],
  ['3시', '2026-11-27T14:00:00.000Z'],
  ['이번 주 금요일', '2026-11-27T11:00:00.000Z'],
  ['금요일', '2026-11-27T11:00:00.000Z'],
  ['다음 주 금요일', '2026-12-04T11:00:00.000Z'],
  ['주말', '2026-11-28T11:00:00.000Z'],
  ['자정', '2026-11-26T23:00:00.000Z'],
  ['30분 후', '2026-11-26T20:30:00.000Z'],
  ['12월 24일', '2026-12-24T11:00:00.000Z'],
  ['오늘 밤 11시', '2026-11-26T22:00:00.000Z'],
]);

describe('refused, each with its reason', () => {
  const PAST = '이미 지난 시각입니다. 앞으로의 시각을 골라 주세요.';
  const TOO_SOON = '예약은 지금부터 최소 1분 뒤여야 합니다. 바로 보내려면 /sendmail 을 쓰세요.';
  const TOO_FAR = '예약은 최대 366일 뒤까지만 가능합니다.';
  const refusals: [phrase: string, now: string, zone: string, code: string, korean: string][] = [
    ['어제 9시', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['어제', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['그저께', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['30분 전', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['지난주 금요일', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['이번 주 목요일', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['오늘 오전 9시', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['이번 달 1일', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['2026년 1월 1일', SEOUL_MORNING, 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['오늘 3시', '2026-11-27T07:00:00.000Z', 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['이번 주 금요일', '2026-11-27T07:00:00.000Z', 'Asia/Seoul', 'TIME_IN_PAST', PAST],
    ['30초 후', SEOUL_MORNING, 'Asia/Seoul', 'TIME_TOO_SOON', TOO_SOON],
    ['10초 뒤', SEOUL_MORNING, 'Asia/Seoul', 'TIME_TOO_SOON', TOO_SOON],
    ['지금', SEOUL_MORNING, 'Asia/Seoul', 'TIME_TOO_SOON', TOO_SOON],
    ['지금 바로', SEOUL_MORNING, 'Asia/Seoul', 'TIME_TOO_SOON', TOO_SOON],
    ['4시', '2026-11-27T07:00:00.000Z', 'Asia/Seoul', 'TIME_TOO_SOON', TOO_SOON],
    ['2년 후', SEOUL_MORNING, 'Asia/Seoul', 'TIME_TOO_FAR', TOO_FAR],
    ['13개월 후', SEOUL_MORNING, 'Asia/Seoul', 'TIME_TOO_FAR', TOO_FAR],
    ['저녁 3시', SEOUL_MORNING, 'Asia/Seoul', 'TIME_HOUR_OUTSIDE_PART', '"저녁 3시"은(는) 읽을 수 없는 시각입니다. 저녁에는 5시부터 11시까지 쓸 수 있습니다.'],
    ['새벽 9시', SEOUL_MORNING, 'Asia/Seoul', 'TIME_HOUR_OUTSIDE_PART', '"새벽 9시"은(는) 읽을 수 없는 시각입니다. 새벽에는 1시부터 6시까지 쓸 수 있습니다.'],
    ['내일 아침 3시', SEOUL_MORNING, 'Asia/Seoul', 'TIME_HOUR_OUTSIDE_PART', '"아침 3시"은(는) 읽을 수 없는 시각입니다. 아침에는 5시부터 11시까지 쓸 수 있습니다.'],
    ['오후 13시', SEOUL_MORNING, 'Asia/Seoul', 'TIME_HOUR_OUTSIDE_PART', '"오후 13시"은(는) 읽을 수 없는 시각입니다. 오후에는 1시부터 12시까지 쓸 수 있습니다.'],
    ['오전 12시', SEOUL_MORNING, 'Asia/Seoul', 'TIME_AMBIGUOUS', '"오전 12시"은(는) 여러 가지로 읽힐 수 있습니다. 다음 중 하나로 써 주세요: "낮 12시", "0시".'],
    ['내일 오전 12시 30분', SEOUL_MORNING, 'Asia/Seoul', 'TIME_AMBIGUOUS', '"오전 12시 30분"은(는) 여러 가지로 읽힐 수 있습니다. 다음 중 하나로 써 주세요: "낮 12시 30분", "0시 30분".'],
    ['다음 금요일', '2026-11-26T20:00:00.000Z', 'Europe/Berlin', 'TIME_AMBIGUOUS', '"다음 금요일"은(는) 여러 가지로 읽힐 수 있습니다. 다음 중 하나로 써 주세요: "이번 주 금요일", "다음 주 금요일".'],
    ['25시', SEOUL_MORNING, 'Asia/Seoul', 'TIME_NO_SUCH_TIME', '"25시"은(는) 없는 시각입니다. 시는 0~24, 분과 초는 0~59 사이로 써 주세요.'],
    ['9시 75분', SEOUL_MORNING, 'Asia/Seoul', 'TIME_NO_SUCH_TIME', '"9시 75분"은(는) 없는 시각입니다. 시는 0~24, 분과 초는 0~59 사이로 써 주세요.'],
    ['24시 30분', SEOUL_MORNING, 'Asia/Seoul', 'TIME_NO_SUCH_TIME', '"24시 30분"은(는) 없는 시각입니다. 시는 0~24, 분과 초는 0~59 사이로 써 주세요.'],
    ['2월 30일', SEOUL_MORNING, 'Asia/Seoul', 'TIME_NO_SUCH_DATE', '"2월 30일"은(는) 달력에 없는 날짜입니다.'],
    ['13월 1일', SEOUL_MORNING, 'Asia/Seoul', 'TIME_NO_SUCH_DATE', '"13월 1일"은(는) 달력에 없는 날짜입니다.'],
    ['2027.02.30', SEOUL_MORNING, 'Asia/Seoul', 'TIME_NO_SUCH_DATE', '"2027.02.30"은(는) 달력에 없는 날짜입니다.'],
    ['32일', SEOUL_MORNING, 'Asia/Seoul', 'TIME_NO_SUCH_DATE', '"32일"은(는) 달력에 없는 날짜입니다.'],
    ['이번 달 31일', SEOUL_MORNING, 'Asia/Seoul', 'TIME_NO_SUCH_DATE', '"이번 달 31일"은(는) 달력에 없는 날짜입니다.'],
    ['내일 9시 보내줘', SEOUL_MORNING, 'Asia/Seoul', 'TIME_PARTIAL', '"내일 9시"은(는) 이해했지만 "보내줘"은(는) 이해하지 못했습니다. 불필요한 말을 빼 주세요.'],
    ['내일 9', SEOUL_MORNING, 'Asia/Seoul', 'TIME_PARTIAL', '"내일"은(는) 이해했지만 "9"은(는) 이해하지 못했습니다. 불필요한 말을 빼 주세요.'],
    ['하루 이틀 뒤', SEOUL_MORNING, 'Asia/Seoul', 'TIME_PARTIAL', '"이틀 뒤"은(는) 이해했지만 "하루"은(는) 이해하지 못했습니다. 불필요한 말을 빼 주세요.'],
    ['블라블라', SEOUL_MORNING, 'Asia/Seoul', 'TIME_UNPARSEABLE', '"블라블라"을(를) 시각으로 읽을 수 없습니다. "내일 오전 9시", "30분 후", "12월 24일 오후 3시" 같은 형식을 써 주세요.'],
    ['어제 9시', '2026-10-31T14:00:00.000Z', 'America/New_York', 'TIME_IN_PAST', PAST],
    ['30초 후', '2027-03-13T15:00:00.000Z', 'America/New_York', 'TIME_TOO_SOON', TOO_SOON],
  ];
  for (const [phrase, now, zone, code, korean] of refusals) {
    it(`"${phrase}" (${zone}, ${now}) is ${code}`, () => {
      const err = heraldErrorOf(() => reserveAt(phrase, new Date(now), zone));
      expect(err.code).toBe(code);
      expect(err.messageFor('ko')).toBe(korean);
    });
  }

  it('an English user gets the same refusals in English', () => {
    expect(heraldErrorOf(() => reserveAt('저녁 3시', new Date(SEOUL_MORNING), 'Asia/Seoul', 'en')).message).toBe(
      '"저녁 3시" is not a time I can read: with 저녁, write an hour from 5 to 11.',
    );
    expect(heraldErrorOf(() => reserveAt('어제 9시', new Date(SEOUL_MORNING), 'Asia/Seoul', 'en')).message).toBe(
      'That time is already in the past. Pick a time in the future.',
    );
  });
});

describe('which reading goes first', () => {
  const now = new Date(SEOUL_MORNING);

  it('an English user can write Korean, and a Korean user English', () => {
    expect(reserveAt('내일 오전 9시', now, 'Asia/Seoul', 'en').instant.toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(reserveAt('tomorrow 9am', now, 'Asia/Seoul', 'ko').instant.toISOString()).toBe('2026-11-28T00:00:00.000Z');
  });

  it('the text the reading understood comes back', () => {
    expect(parseWhen('  내일 오전 9시에  ', { now, zone: 'Asia/Seoul', locale: 'ko' }).text).toBe('내일 오전 9시에');
  });

  it('unreadable text gets the Korean example in Korean and the English one in English', () => {
    const err = heraldErrorOf(() => parseWhen('언젠가', { now, zone: 'Asia/Seoul', locale: 'ko' }));
    expect(err.code).toBe('TIME_UNPARSEABLE');
    expect(err.messageFor('ko')).toContain('"내일 오전 9시"');
    expect(err.messageFor('en')).toContain('"tomorrow 9am"');
  });

  it('a partial reading reports the reading that understood the most', () => {
    const err = heraldErrorOf(() => parseWhen('내일 오전 9시 please', { now, zone: 'Asia/Seoul', locale: 'en' }));
    expect(err.code).toBe('TIME_PARTIAL');
    expect(err.params).toEqual({ understood: '내일 오전 9시', rest: 'please' });
  });

  it('errors are HeraldErrors', () => {
    expect(heraldErrorOf(() => parseWhen('25시', { now, zone: 'Asia/Seoul', locale: 'ko' }))).toBeInstanceOf(HeraldError);
  });
});

describe('a date without a year that has passed means next year, and says so', () => {
  const cases: [phrase: string, now: string, nextYear: boolean][] = [
    ['11월 25일', SEOUL_MORNING, true],
    ['1월 15일 오후 3시', SEOUL_MORNING, true],
    ['1/15', SEOUL_MORNING, true],
    ['15일', '2026-12-30T14:30:00.000Z', true],
    ['1월 2일 오후 3시', '2026-12-30T14:30:00.000Z', true],
    ['12월 24일', SEOUL_MORNING, false],
    ['2027년 1월 15일', SEOUL_MORNING, false],
    ['내년 1월 15일', SEOUL_MORNING, false],
    ['다음 달 1일', '2026-12-30T14:30:00.000Z', false],
    ['모레', '2026-12-30T14:30:00.000Z', false],
    ['다음 주 월요일', '2026-12-30T14:30:00.000Z', false],
    ['한 달 후', SEOUL_MORNING, false],
  ];
  for (const [phrase, now, nextYear] of cases) {
    it(`"${phrase}" at ${now}: ${nextYear ? 'next year' : 'no note'}`, () => {
      expect(reserveAt(phrase, new Date(now), 'Asia/Seoul').nextYear).toBe(nextYear);
    });
  }
});
