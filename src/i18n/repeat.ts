// Words for repeating reservations, in English and Korean: weekday names, ordinals, durations and
// the sentence patterns describeCadence builds from them (src/domain/repeat/describe.ts).
import type { Locale } from './locale.js';

/** Index 1 = Monday … 7 = Sunday (ISO); index 0 is unused. */
const WEEKDAYS = {
  en: ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  ko: ['', '월요일', '화요일', '수요일', '목요일', '금요일', '토요일', '일요일'],
} as const;

const MONTHS = {
  en: ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  ko: ['', '1월', '2월', '3월', '4월', '5월', '6월', '7월', '8월', '9월', '10월', '11월', '12월'],
} as const;

export function monthName(locale: Locale, month: number): string {
  return MONTHS[locale][month] ?? String(month);
}

export function weekdayName(locale: Locale, weekday: number): string {
  return WEEKDAYS[locale][weekday] ?? String(weekday);
}

/** 1 → "1st", 22 → "22nd", 13 → "13th". */
export function englishOrdinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}

const NTH_WEEK = {
  en: { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', last: 'last' },
  ko: { 1: '첫째', 2: '둘째', 3: '셋째', 4: '넷째', last: '마지막' },
} as const;

export function nthWeekName(locale: Locale, nth: 1 | 2 | 3 | 4 | 'last'): string {
  return NTH_WEEK[locale][nth];
}

/** "1 hour", "90 minutes", "45 seconds" / "1시간", "1시간 30분", "45초". */
export function durationText(locale: Locale, seconds: number): string {
  const whole = Math.round(seconds);
  if (locale === 'ko') {
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const s = whole % 60;
    return [h ? `${h}시간` : '', m ? `${m}분` : '', s || whole === 0 ? `${s}초` : ''].filter(Boolean).join(' ');
  }
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (whole % 3600 === 0 && whole > 0) return plural(whole / 3600, 'hour');
  if (whole % 60 === 0 && whole > 0) return plural(whole / 60, 'minute');
  return plural(whole, 'second');
}

/** A list joined the way each language lists: "Monday, Wednesday and Friday" / "월요일·수요일·금요일". */
export function listText(locale: Locale, items: readonly string[]): string {
  if (locale === 'ko') return items.join('·');
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The pieces a description is built from; describe.ts decides which apply. */
export const repeatText = {
  everyMinutes: {
    en: (duration: string, one: boolean) => (one ? `every ${duration.replace(/^1 /, '')}` : `every ${duration}`),
    ko: (duration: string, one: boolean) => (one ? `매${duration.replace(/^1/, '')}` : `${duration}마다`),
  },
  daily: {
    en: (every: number) => (every === 1 ? 'every day' : every === 2 ? 'every other day' : `every ${every} days`),
    ko: (every: number) => (every === 1 ? '매일' : every === 2 ? '격일' : `${every}일마다`),
  },
  weekdays: { en: 'every weekday', ko: '평일마다' },
  weekly: {
    en: (every: number, days: string) =>
      every === 1 ? `every ${days}` : every === 2 ? `every other ${days}` : `every ${every} weeks on ${days}`,
    ko: (every: number, days: string) => (every === 1 ? `매주 ${days}` : every === 2 ? `격주 ${days}` : `${every}주마다 ${days}`),
  },
  monthlyHead: {
    en: (every: number) => (every === 1 ? 'every month' : every === 2 ? 'every other month' : `every ${every} months`),
    ko: (every: number) => (every === 1 ? '매월' : every === 2 ? '격월' : `${every}개월마다`),
  },
  monthDay: {
    en: (day: number) => (day > 28 ? `on the ${englishOrdinal(day)} (or the month's last day)` : `on the ${englishOrdinal(day)}`),
    ko: (day: number) => (day > 28 ? `${day}일(없는 달은 말일)` : `${day}일`),
  },
  lastDay: { en: 'on the last day', ko: '말일' },
  yearly: {
    en: (month: string, day: number) => `every year on ${month} ${day}`,
    ko: (month: string, day: number) => `매년 ${month} ${day}일`,
  },
  nthWeekday: {
    en: (nth: string, weekday: string) => `on the ${nth} ${weekday}`,
    ko: (nth: string, weekday: string) => `${nth} ${weekday}`,
  },
  at: {
    en: (cadence: string, time: string) => `${cadence} at ${time}`,
    ko: (cadence: string, time: string) => `${cadence} ${time}`,
  },
  startingAt: {
    en: (cadence: string, time: string) => `${cadence} from ${time}`,
    ko: (cadence: string, time: string) => `${time}부터 ${cadence}`,
  },
  until: {
    en: (date: string) => `until ${date}`,
    ko: (date: string) => `${date}까지`,
  },
  next: {
    en: (series: string, next: string) => `${series}, next: ${next}`,
    ko: (series: string, next: string) => `${series}, 다음: ${next}`,
  },
  ended: {
    en: (series: string) => `${series} (no runs left)`,
    ko: (series: string) => `${series} (남은 발송 없음)`,
  },
  times: {
    en: (count: number) => (count === 1 ? 'once' : `${count} times`),
    ko: (count: number) => `${count}회`,
  },
} as const;
