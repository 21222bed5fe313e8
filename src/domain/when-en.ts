// Herald's English reading: chrono's casual English plus what it lacks, as parsers and a refiner on
// a clone of its configuration (the Korean reading in when-ko/ is built on this one).
//   "end of day", "eod", "cob", "end of tomorrow": the end-of-day hour (EOD_HOUR, 17 by default),
//     today unless a day is named; once today's has passed it is refused as past, not moved on.
//   "this weekend" (Saturday, or Sunday once Saturday's time has passed; refused once the weekend
//     is over), "weekend" (the same, then next weekend), "next weekend" (next week's Saturday).
import * as chrono from 'chrono-node';
import type { Parser, ParsingContext, ParsingResult, Refiner } from 'chrono-node';
import {
  TAG,
  addDays,
  endOfDayComponents,
  isAhead,
  namesADay,
  referenceNow,
  setDate,
  wallOf,
  weekdayOf,
  weekendComponents,
} from './when-calendar.js';

class EndOfDayParser implements Parser {
  pattern(): RegExp {
    return /(?<![A-Za-z])(?:by\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:(?:business|work(?:ing)?)\s+)?(day|today|tomorrow)|eod|cob|close\s+of\s+business)(?![A-Za-z])/i;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const components = endOfDayComponents(context);
    const day = match[1]?.toLowerCase();
    if (day === 'today' || day === 'tomorrow') setDate(components, addDays(referenceNow(context), day === 'today' ? 0 : 1), true);
    return components;
  }
}

class WeekendParser implements Parser {
  pattern(): RegExp {
    return /(?<![A-Za-z])(?:(this|next)\s+|(?:(?:on|over)\s+)?the\s+)?weekend(?![A-Za-z])/i;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const modifier = match[1]?.toLowerCase();
    return weekendComponents(context, modifier === 'next' ? 1 : 0, modifier === undefined);
  }
}

/** Settles Herald's own results once chrono has merged dates with times and moved bare times on. */
export class HeraldRefiner implements Refiner {
  refine(context: ParsingContext, results: ParsingResult[]): ParsingResult[] {
    const now = referenceNow(context);
    for (const result of results) {
      const start = result.start;
      const tags = start.tags();
      // chrono moves a time of day that has passed to tomorrow; "end of day" means today's.
      if (tags.has(TAG.endOfDay) && !namesADay(start)) setDate(start, now, true);
      if (tags.has(TAG.weekend)) {
        if (weekdayOf(wallOf(start)) === 6 && !isAhead(result, now)) setDate(start, addDays(wallOf(start), 1), true);
        if (tags.has(TAG.weekendRolls) && !isAhead(result, now)) setDate(start, addDays(wallOf(start), 6), true);
      }
    }
    return results;
  }
}

export function createEnglishChrono(): chrono.Chrono {
  const english = chrono.casual.clone();
  // First, so that on the same text they win over chrono's own weekday parser ("this weekend").
  english.parsers.unshift(new WeekendParser(), new EndOfDayParser());
  english.refiners.push(new HeraldRefiner());
  return english;
}
