// The Korean repeat grammar. Korean spacing varies ("매주 월요일", "매주월요일", "매 주 월요일"), so
// the phrase is read with every space removed. Returns undefined when the phrase is not Korean of a
// shape this grammar knows.
import type { IsoWeekday, MonthDay, RepeatRequest, RepeatRule } from './types.js';

/** Native and Sino-Korean counting words people put before 시간/주/달/개월. */
const KO_NUMBERS: Record<string, number> = {
  한: 1, 일: 1, 두: 2, 이: 2, 세: 3, 석: 3, 삼: 3, 네: 4, 넉: 4, 사: 4, 다섯: 5, 오: 5, 여섯: 6, 육: 6, 일곱: 7, 칠: 7,
  여덟: 8, 팔: 8, 아홉: 9, 구: 9, 열: 10, 십: 10, 열한: 11, 십일: 11, 열두: 12, 십이: 12,
};
// Longest first, so "열두" is not read as "열".
const KO_NUM = `(?:\\d{1,6}|${Object.keys(KO_NUMBERS).sort((a, b) => b.length - a.length).join('|')})`;

function numberOf(word: string | undefined): number {
  if (word === undefined || word === '') return 1;
  return KO_NUMBERS[word] ?? Number(word);
}

const DAY_CHARS: Record<string, IsoWeekday> = { 월: 1, 화: 2, 수: 3, 목: 4, 금: 5, 토: 6, 일: 7 };
const DAY = '[월화수목금토일](?:요일)?';
const DAY_SEP = '(?:,|、|·|ㆍ|\\/|및|와|과|이랑|랑|하고|그리고)?';
const RANGE_SEP = '(?:~|-|부터)';
/** Particles after a day or a day of the month: "월요일마다", "금요일에", "1일에는". */
const TAIL = /(?:마다|에는|에|으로|로)$/;

/** "월,수", "월수금", "월요일과 목요일", "월~금", "월요일부터 금요일까지", "토일". */
export function parseKoreanDays(text: string): IsoWeekday[] | undefined {
  const days = new Set<IsoWeekday>();
  const item = new RegExp(`(${DAY})${RANGE_SEP}(${DAY})(?:까지)?|(${DAY})`, 'y');
  const separator = new RegExp(DAY_SEP, 'y');
  let at = 0;
  while (at < text.length) {
    item.lastIndex = at;
    const m = item.exec(text);
    if (!m) return undefined;
    at = item.lastIndex;
    if (m[1] !== undefined) {
      const from = DAY_CHARS[m[1].charAt(0)];
      const to = DAY_CHARS[(m[2] ?? '').charAt(0)];
      if (!from || !to || to <= from) return undefined;
      for (let d = from; d <= to; d++) days.add(d as IsoWeekday);
    } else {
      const day = DAY_CHARS[(m[3] ?? '').charAt(0)];
      if (!day) return undefined;
      days.add(day);
    }
    separator.lastIndex = at;
    separator.exec(text);
    at = separator.lastIndex;
  }
  return days.size > 0 ? [...days].sort((a, b) => a - b) : undefined;
}

const NTH: Record<string, 1 | 2 | 3 | 4 | 'last'> = {
  첫: 1, 첫째: 1, 첫번째: 1, '1번째': 1, '1째': 1,
  둘째: 2, 두번째: 2, '2번째': 2, '2째': 2,
  셋째: 3, 세번째: 3, '3번째': 3, '3째': 3,
  넷째: 4, 네번째: 4, '4번째': 4, '4째': 4,
  마지막: 'last',
};
const NTH_WORD = Object.keys(NTH).sort((a, b) => b.length - a.length).join('|');

/** What follows "매월": "1일", "말일", "마지막날", "첫째 월요일", "마지막 주 금요일", "". */
function parseMonthDay(text: string): MonthDay | null | undefined {
  const t = text.replace(TAIL, '');
  if (t === '') return null;
  let m = /^(\d{1,6})일날?$/.exec(t);
  if (m) return { kind: 'day', day: Number(m[1]) };
  if (/^(?:말일날?|마지막날|마지막일|마지막|월말|그믐날?|끝날)$/.test(t)) return { kind: 'lastDay' };
  m = new RegExp(`^(${NTH_WORD})(?:주)?(?:의)?([월화수목금토일])요일$`).exec(t);
  if (m) {
    const nth = NTH[m[1] ?? ''];
    const weekday = DAY_CHARS[m[2] ?? ''];
    if (nth && weekday) return { kind: 'weekday', nth, weekday };
  }
  return undefined;
}

const weekly = (every: number, days: IsoWeekday[] | undefined): RepeatRule =>
  days ? { kind: 'weekly', every, days } : { kind: 'weekly', every };

/** The step a head names: "격주"/"격월" 2, "분기" 3, "3주마다"/"매 3개월"/"두달마다" their number, else 1. */
function stepOf(head: string): number {
  if (/^격/.test(head)) return 2;
  if (/분기/.test(head)) return 3;
  const m = new RegExp(`^매?(${KO_NUM})(?:주|개월|달)`).exec(head);
  return m ? numberOf(m[1]) : 1;
}

const EVERY_N = (unit: string) => `(?:(${KO_NUM})${unit}(?:마다|간격(?:으로)?|에한번씩?|에1번씩?|씩)|매(${KO_NUM})${unit}(?:마다)?)`;

/** The Korean grammar. `text` is normalized (lower case, NFKC). */
export function parseKorean(text: string): RepeatRequest | undefined {
  let t = text.replace(/\s+/g, '');
  let count: number | undefined;
  // A run count at the end: "…10회", "…, 10번", "…총 5회만".
  const countMatch = /^(.*?)[,;]?(?:총)?(\d{1,6})(?:회|번)(?:만)?(?:반복)?$/.exec(t);
  if (countMatch && countMatch[1] && !/에$/.test(countMatch[1])) {
    t = countMatch[1];
    count = Number(countMatch[2]);
  }
  t = t.replace(/(?:반복|씩)$/, '');
  const rule = parseKoreanRule(t);
  if (!rule) return undefined;
  return count === undefined ? { rule } : { rule, count };
}

function parseKoreanRule(t: string): RepeatRule | undefined {
  let m: RegExpExecArray | null;

  // Elapsed-time intervals: "매시간", "3시간마다", "30분마다", "1시간30분마다".
  if (/^(?:매시간|매시|시간마다|한시간마다|매한시간)(?:마다)?$/.test(t)) return { kind: 'interval', minutes: 60 };
  m = /^(?:(\d{1,6}|한|두|세|네)시간)?(?:(\d{1,6})분)?(?:마다|간격(?:으로)?)$/.exec(t);
  if (m && (m[1] || m[2])) return { kind: 'interval', minutes: (m[1] ? numberOf(m[1]) * 60 : 0) + Number(m[2] ?? 0) };
  m = new RegExp(`^${EVERY_N('시간')}$`).exec(t);
  if (m) return { kind: 'interval', minutes: numberOf(m[1] ?? m[2]) * 60 };
  m = new RegExp(`^${EVERY_N('분')}$`).exec(t);
  if (m) return { kind: 'interval', minutes: numberOf(m[1] ?? m[2]) };

  // Days: "매일", "날마다", "격일", "이틀마다", "3일마다".
  if (/^(?:매일|매일매일|날마다|하루마다|매날|일일|하루에한번씩?)$/.test(t)) return { kind: 'daily', every: 1 };
  if (/^(?:격일(?:로|마다)?|이틀마다|이틀에한번씩?)$/.test(t)) return { kind: 'daily', every: 2 };
  if (/^사흘마다$/.test(t)) return { kind: 'daily', every: 3 };
  m = /^(?:(\d{1,6})일(?:마다|간격(?:으로)?|에한번씩?|에1번씩?)|매(\d{1,6})일(?:마다)?)$/.exec(t);
  if (m) return { kind: 'daily', every: Number(m[1] ?? m[2]) };

  // Years: twelve-month steps (Feb 29 falls back to Feb 28).
  if (/^(?:매년|해마다|매해|일년마다|1년마다)$/.test(t)) return { kind: 'monthly', every: 12 };

  // Weekdays and weekends: "평일마다", "매주 평일", "주중", "월~금", "주말마다".
  if (/^(?:매주)?(?:평일|주중|매평일|평일매일)(?:마다|에|에는)?$/.test(t)) return { kind: 'weekly', every: 1, days: [1, 2, 3, 4, 5] };
  if (/^(?:매주)?(?:주말|매주말)(?:마다|에|에는)?$/.test(t)) return { kind: 'weekly', every: 1, days: [6, 7] };

  // Weeks: "매주", "매주 월요일", "격주 금요일", "2주마다 금요일", "월요일마다", "매주 월,수".
  const weekHead = `(매주|주마다|매주마다|일주일마다|한주마다|격주(?:로|마다)?|${EVERY_N('주')})`;
  m = new RegExp(`^${weekHead}(.*)$`).exec(t);
  if (m) {
    const step = stepOf(m[1] ?? '');
    const rest = (m[4] ?? '').replace(TAIL, '');
    if (rest === '') return weekly(step, undefined);
    if (/^(?:평일|주중)$/.test(rest)) return weekly(step, [1, 2, 3, 4, 5]);
    if (/^주말$/.test(rest)) return weekly(step, [6, 7]);
    const days = parseKoreanDays(rest);
    return days ? weekly(step, days) : undefined;
  }
  // Days first: "월요일마다", "월·목요일마다", "금요일마다 격주로", "월수금".
  m = new RegExp(`^(.+?)(?:마다|에|에는)?(${weekHead.slice(1, -1)})?$`).exec(t);
  if (m && /[월화수목금토일]/.test(m[1] ?? '')) {
    const days = parseKoreanDays(m[1] ?? '');
    if (days) return weekly(m[2] ? stepOf(m[2]) : 1, days);
  }

  // Months: "매월 1일", "매달 말일", "3개월마다 1일", "격월", "매월 첫째 월요일".
  const monthHead = `(매월|매달|달마다|매달마다|매월마다|한달마다|격월(?:로|마다)?|분기마다|매분기|${EVERY_N('(?:개월|달)')})`;
  m = new RegExp(`^${monthHead}(.*)$`).exec(t);
  if (m) {
    const step = stepOf(m[1] ?? '');
    const on = parseMonthDay(m[4] ?? '');
    if (on === undefined) return undefined;
    return on ? { kind: 'monthly', every: step, on } : { kind: 'monthly', every: step };
  }
  return undefined;
}
