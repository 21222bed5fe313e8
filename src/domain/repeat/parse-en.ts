// The English repeat grammar. Input arrives normalized (NFKC, lower case, single spaces, no trailing
// punctuation). Returns undefined when the phrase is not English of a shape this grammar knows; a
// HeraldError (thrown by checkRule) when it is, but a number in it is impossible.
import type { IsoWeekday, MonthDay, RepeatRequest, RepeatRule } from './types.js';

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const NUM = `(?:\\d{1,6}|${Object.keys(NUMBER_WORDS).join('|')})`;
const EVERY = '(?:every|each)';

const DAY_NAMES: [RegExp, IsoWeekday][] = [
  [/^mon(?:day)?s?$/, 1],
  [/^tue(?:s(?:day)?)?s?$/, 2],
  [/^wed(?:nesday)?s?$/, 3],
  [/^thu(?:r(?:s(?:day)?)?)?s?$/, 4],
  [/^fri(?:day)?s?$/, 5],
  [/^sat(?:urday)?s?$/, 6],
  [/^sun(?:day)?s?$/, 7],
];
const DAY_WORD = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*';
const GROUPS: [RegExp, IsoWeekday[]][] = [
  [/^(?:week\s*days?|work\s*days?|working days?|business days?)$/, [1, 2, 3, 4, 5]],
  [/^(?:week\s*ends?|weekend days?)$/, [6, 7]],
];
const GROUP_WORD = '(?:week\\s*days?|work\\s*days?|working days?|business days?|week\\s*ends?|weekend days?)';
const DAY_ITEM = `(?:${DAY_WORD}|${GROUP_WORD})`;
const DAY_SEP = '(?:\\s*,\\s*and\\s+|\\s*,\\s*|\\s+and\\s+|\\s*&\\s*|\\s*/\\s*|\\s*\\+\\s*|\\s+)';
const RANGE_SEP = '(?:\\s*-\\s*|\\s*–\\s*|\\s+to\\s+|\\s+through\\s+|\\s+thru\\s+)';
const DAY_LIST = `(${DAY_ITEM}(?:(?:${RANGE_SEP}|${DAY_SEP})${DAY_ITEM})*)`;

function numberOf(word: string | undefined): number {
  if (word === undefined) return 1;
  if (word === 'other') return 2;
  return NUMBER_WORDS[word] ?? Number(word);
}

function dayOf(word: string): IsoWeekday | undefined {
  return DAY_NAMES.find(([re]) => re.test(word))?.[1];
}

/** "mon and thu", "monday, wednesday and friday", "mon-fri", "weekdays", "sat/sun". */
export function parseEnglishDays(text: string): IsoWeekday[] | undefined {
  const days = new Set<IsoWeekday>();
  const item = new RegExp(`(${DAY_WORD})${RANGE_SEP}(${DAY_WORD})|(${GROUP_WORD})|(${DAY_WORD})`, 'y');
  const separator = new RegExp(DAY_SEP, 'y');
  let at = 0;
  for (;;) {
    item.lastIndex = at;
    const m = item.exec(text);
    if (!m) return undefined;
    at = item.lastIndex;
    if (m[1] !== undefined) {
      const from = dayOf(m[1]);
      const to = dayOf(m[2] ?? '');
      if (!from || !to || to <= from) return undefined;
      for (let d = from; d <= to; d++) days.add(d as IsoWeekday);
    } else if (m[3] !== undefined) {
      const group = GROUPS.find(([re]) => re.test(m[3] ?? ''));
      if (!group) return undefined;
      group[1].forEach((d) => days.add(d));
    } else {
      const day = dayOf(m[4] ?? '');
      if (!day) return undefined;
      days.add(day);
    }
    if (at === text.length) break;
    separator.lastIndex = at;
    if (!separator.exec(text)) return undefined;
    at = separator.lastIndex;
  }
  return [...days].sort((a, b) => a - b);
}

const ORDINAL_WEEK: Record<string, 1 | 2 | 3 | 4 | 'last'> = {
  first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, last: 'last',
};

/** What follows "every month (on)": "the 1st", "day 15", "the last day", "the first monday", "". */
function parseMonthDay(text: string): MonthDay | null | undefined {
  const t = text.replace(/\s+of\s+(?:the|each|every)\s+month$/, '').replace(/^on\s+/, '').replace(/^the\s+/, '');
  if (t === '') return null;
  let m = /^(?:day\s+)?(\d{1,6})(?:st|nd|rd|th)?(?:\s+day)?$/.exec(t);
  if (m) return { kind: 'day', day: Number(m[1]) };
  if (/^(?:first|1st)(?:\s+day)?$/.test(t)) return { kind: 'day', day: 1 };
  if (/^(?:last(?:\s+day)?|end|month\s*end|end\s+of\s+(?:the\s+)?month)$/.test(t)) return { kind: 'lastDay' };
  m = new RegExp(`^(first|1st|second|2nd|third|3rd|fourth|4th|last)\\s+(${DAY_WORD})$`).exec(t);
  if (m) {
    const weekday = dayOf(m[2] ?? '');
    const nth = ORDINAL_WEEK[m[1] ?? ''];
    if (weekday && nth && !/s$/.test(m[2] ?? '')) return { kind: 'weekday', nth, weekday };
  }
  return undefined;
}

const monthly = (every: number, on: MonthDay | null): RepeatRule =>
  on ? { kind: 'monthly', every, on } : { kind: 'monthly', every };
const weekly = (every: number, days: IsoWeekday[] | undefined): RepeatRule =>
  days ? { kind: 'weekly', every, days } : { kind: 'weekly', every };

/** The English grammar. `text` is normalized. */
export function parseEnglish(text: string): RepeatRequest | undefined {
  // A run count at the end: "…, 10 times", "… for 5 times", "… x3".
  let body = text;
  let count: number | undefined;
  const countMatch = new RegExp(`^(.*?)(?:\\s*[,;]\\s*|\\s+)(?:for\\s+)?(?:(${NUM})\\s*(?:times?|runs?|occurrences?|x)|x\\s*(\\d{1,6}))$`).exec(text);
  if (countMatch && countMatch[1]) {
    body = countMatch[1];
    count = numberOf(countMatch[2] ?? countMatch[3]);
  }
  const rule = parseEnglishRule(body.replace(/^(?:repeat(?:s|ing)?|recurring)\s+/, ''));
  if (!rule) return undefined;
  return count === undefined ? { rule } : { rule, count };
}

/** The step in a head such as "every 2 weeks", "every other month", "biweekly", "quarterly". */
function stepOf(head: string): number {
  if (/^bi-?(?:weekly|monthly)$|fortnight/.test(head)) return 2;
  if (/quarter/.test(head)) return 3;
  const m = new RegExp(`^${EVERY}\\s+(other|${NUM})\\s`).exec(head);
  return m ? numberOf(m[1]) : 1;
}

// Heads without capture groups, so the groups of the patterns that embed them keep their numbers.
const STEP_NC = `(?:(?:other|${NUM})\\s+)?`;
const WEEK_HEAD = `(?:${EVERY}\\s+${STEP_NC}weeks?|weekly|bi-?weekly|fortnightly|${EVERY}\\s+fortnight)`;
const MONTH_HEAD = `(?:${EVERY}\\s+${STEP_NC}months?|monthly|bi-?monthly|quarterly|${EVERY}\\s+quarter)`;
const OF_MONTHS = `(?:${EVERY}\\s+${STEP_NC}months?|the\\s+month)`;

function parseEnglishRule(t: string): RepeatRule | undefined {
  let m: RegExpExecArray | null;

  // Elapsed-time intervals: "hourly", "every 3 hours", "every 90 minutes", "every half hour".
  if (t === 'hourly') return { kind: 'interval', minutes: 60 };
  if (new RegExp(`^${EVERY}\\s+half(?:\\s+an)?\\s+hour$`).test(t)) return { kind: 'interval', minutes: 30 };
  if (new RegExp(`^${EVERY}\\s+quarter(?:\\s+of\\s+an)?\\s+hour$`).test(t)) return { kind: 'interval', minutes: 15 };
  m = new RegExp(`^${EVERY}\\s+(?:(other|${NUM})\\s*)?(hours?|hrs?|h|minutes?|mins?|m)$`).exec(t);
  if (m) {
    const n = numberOf(m[1]);
    return { kind: 'interval', minutes: /^h/.test(m[2] ?? '') ? n * 60 : n };
  }

  // Days: "daily", "every day", "every other day", "every 3 days".
  if (/^(?:daily|every\s*day|each\s+day|every single day)$/.test(t)) return { kind: 'daily', every: 1 };
  m = new RegExp(`^${EVERY}\\s+(other|${NUM})\\s+days?$`).exec(t);
  if (m) return { kind: 'daily', every: numberOf(m[1]) };

  // Years are twelve-month steps: Feb 29 falls back to Feb 28, as the 31st does in short months.
  if (new RegExp(`^(?:yearly|annually|${EVERY}\\s+year)$`).test(t)) return { kind: 'monthly', every: 12 };

  // Weeks, with or without weekdays: "weekly", "every 2 weeks on friday", "friday every other week".
  m = new RegExp(`^(${WEEK_HEAD})(?:\\s+on)?(?:\\s+${DAY_LIST})?$`).exec(t);
  if (m) {
    const days = m[2] === undefined ? undefined : parseEnglishDays(m[2]);
    if (m[2] !== undefined && !days) return undefined;
    return weekly(stepOf(m[1] ?? ''), days);
  }
  m = new RegExp(`^(?:on\\s+)?${DAY_LIST}\\s+(${WEEK_HEAD})$`).exec(t);
  if (m) {
    const days = parseEnglishDays(m[1] ?? '');
    return days ? weekly(stepOf(m[2] ?? ''), days) : undefined;
  }

  // Months: "monthly", "every month on the 1st", "every 3 months on the last day", "quarterly".
  m = new RegExp(`^(${MONTH_HEAD})(?:\\s+(.+))?$`).exec(t);
  if (m) {
    const on = parseMonthDay(m[2] ?? '');
    return on === undefined ? undefined : monthly(stepOf(m[1] ?? ''), on);
  }
  // "the 1st of every month", "last day of each month", "every first monday of the month".
  m = new RegExp(`^(?:on\\s+|${EVERY}\\s+)?(.+?)\\s+of\\s+(${OF_MONTHS})$`).exec(t);
  if (m) {
    const on = parseMonthDay(m[1] ?? '');
    return on ? monthly(stepOf(m[2] ?? ''), on) : undefined;
  }
  // "every first monday", "every last friday", "every last day": monthly. ("every second monday" is
  // left out on purpose: in British use it means every other Monday.)
  m = new RegExp(`^${EVERY}\\s+((?:first|1st|third|3rd|fourth|4th|last)\\s+(?:${DAY_WORD}|day))$`).exec(t);
  if (m) {
    const on = parseMonthDay(m[1] ?? '');
    return on ? monthly(1, on) : undefined;
  }

  // Weekdays on their own: "every monday", "every other friday", "mondays", "on weekdays", "mon-fri".
  m = new RegExp(`^(?:${EVERY}\\s+(?:(other|${NUM})\\s+)?|on\\s+)?${DAY_LIST}$`).exec(t);
  if (m) {
    const days = parseEnglishDays(m[2] ?? '');
    return days ? weekly(numberOf(m[1]), days) : undefined;
  }
  return undefined;
}
