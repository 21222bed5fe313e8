// Korean for chrono-node, which ships none: parsers and a refiner added to a clone of Herald's
// English configuration, the way chrono builds its own ja and zh locales. Because the English
// parsers stay in, mixed input reads too: 내일 9am, tomorrow 오후 3시, 1/15 오후 3시, 내일 21:00.
//
// What each form means is written next to its parser (relative.ts, days.ts, dates.ts, times.ts)
// and in refiner.ts; parseWhen (../when.ts) turns the wall-clock result into an instant.
import type { Chrono } from 'chrono-node';
import { HeraldRefiner } from '../when-en.js';
import { KoCasualDayParser, KoNowParser, KoWeekdayParser, KoWeekendParser } from './days.js';
import { KoDateParser, KoDayOfMonthParser, KoDottedDateParser, KoMonthDayParser } from './dates.js';
import { KoNextPeriodParser, KoRelativeParser } from './relative.js';
import { KoreanRefiner } from './refiner.js';
import { KoClockParser, KoEndOfDayParser, KoPartColonParser, KoPartOfDayParser } from './times.js';

export function createKoreanChrono(english: Chrono): Chrono {
  const korean = english.clone();
  // First, so that where an English parser reads the very same text, the Korean reading is kept.
  korean.parsers.unshift(
    new KoRelativeParser(),
    new KoNextPeriodParser(),
    new KoCasualDayParser(),
    new KoNowParser(),
    new KoWeekdayParser(),
    new KoWeekendParser(),
    new KoDateParser(),
    new KoDottedDateParser(),
    new KoMonthDayParser(),
    new KoDayOfMonthParser(),
    new KoClockParser(),
    new KoPartColonParser(),
    new KoPartOfDayParser(),
    new KoEndOfDayParser(),
  );
  // After chrono's merging and forward-date rules, before Herald's weekend and end-of-day rules
  // (a weekend's Saturday must have its hour before the refiner can tell whether it has passed).
  const herald = korean.refiners.findIndex((r) => r instanceof HeraldRefiner);
  korean.refiners.splice(herald < 0 ? korean.refiners.length : herald, 0, new KoreanRefiner());
  return korean;
}
