// Settles what the Korean parsers left open, once chrono has merged dates with times:
//
//  - A bare hour (1시–12시 with no 오전/오후 or part of the day) is the first of h:00 and (h+12):00
//    that is not in the small hours (00:00–06:59): 9시 → 09:00 or 21:00, 3시 → 15:00, 12시 → 12:00.
//    With a named day it is the first of those still ahead that day, else the first (내일 9시 =
//    09:00; 오늘 9시 at 16:00 = 21:00; 오늘 3시 at 16:00 = 15:00, refused as past). Without a day
//    it is the next one from now: 9시 at 10:00 = 21:00 today, 3시 at 16:00 = 15:00 tomorrow.
//  - 밤 12시, 자정, 밤 2시 with a named day belong to the night after it (오늘 자정 = 24:00 today).
//  - 오늘 새벽 2시 once passed is the coming night's (tomorrow 02:00).
//  - 15일 alone once passed is the next month's that has a 15th.
import { Meridiem, type ParsingContext, type ParsingResult, type Refiner } from 'chrono-node';
import {
  type WallDate,
  type WallDateTime,
  addDays,
  addMonthsExact,
  compareWall,
  isAhead,
  namesADay,
  referenceNow,
  setDate,
  wallOf,
} from '../when-calendar.js';
import { KO_TAG } from './grammar.js';

/** Hours before this are the small hours: a bare hour is never read as one. */
const FIRST_WAKING_HOUR = 7;

export class KoreanRefiner implements Refiner {
  refine(context: ParsingContext, results: ParsingResult[]): ParsingResult[] {
    const now = referenceNow(context);
    for (const result of results) {
      const start = result.start;
      const tags = start.tags();
      // A meridiem from elsewhere ("tonight 9시") already decided the hour.
      if (tags.has(KO_TAG.bareHour) && start.get('meridiem') === null) settleBareHour(result, now);
      if (tags.has(KO_TAG.nextDay) && namesADay(start)) setDate(start, addDays(wallOf(start), 1), true);
      if (tags.has(KO_TAG.dawn) && tags.has(KO_TAG.today) && !isAhead(result, now)) setDate(start, addDays(wallOf(start), 1), true);
      if (tags.has(KO_TAG.dayOfMonth) && !isAhead(result, now)) {
        for (let months = 1; months <= 12; months++) {
          const later = addMonthsExact(wallOf(start), months);
          if (!later) continue;
          start.imply('year', later.year).imply('month', later.month);
          break;
        }
      }
    }
    return results;
  }
}

function settleBareHour(result: ParsingResult, now: WallDateTime): void {
  const start = result.start;
  const hour = (start.get('hour') ?? 0) % 12;
  const minute = start.get('minute') ?? 0;
  const second = start.get('second') ?? 0;
  const millisecond = start.get('millisecond') ?? 0;
  const hours = [hour, hour + 12].filter((h) => h >= FIRST_WAKING_HOUR);
  const at = (date: WallDate, h: number): WallDateTime => ({ year: date.year, month: date.month, day: date.day, hour: h, minute, second, millisecond });
  const named = namesADay(start);
  const days = named ? [wallOf(start)] : [now, addDays(now, 1)];
  const candidates = days.flatMap((day) => hours.map((h) => at(day, h)));
  const chosen = candidates.find((c) => compareWall(c, now) >= 0) ?? candidates[0]!;
  start.assign('hour', chosen.hour);
  start.assign('meridiem', chosen.hour < 12 ? Meridiem.AM : Meridiem.PM);
  if (!named) setDate(start, chosen, false);
}
