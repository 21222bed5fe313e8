// Dates: 12월 24일, 2027년 1월 15일, 내년 3월 1일, 다음 달 1일, 15일, 2027. 1. 15. (2027.01.15, 1/15
// and 2027-01-15 are chrono's own). A date gets chrono's 12:00 unless a time is given with it.
// Without a year it is this year's, or next year's once passed (chrono's forward-date rule, which
// parseWhen reports); 15일 alone is this month's, or the next month's that has that day.
import type { Parser, ParsingContext } from 'chrono-node';
import { isCalendarDate, monthsLater, referenceNow, refusal } from '../when-calendar.js';
import { AFTER, BEFORE, END, KO_TAG, PARTICLE } from './grammar.js';

const YEAR_WORDS: Record<string, number> = { 올해: 0, 금년: 0, 내년: 1, 명년: 1 };

export class KoDateParser implements Parser {
  private readonly regex = new RegExp(
    `(?<![\\d가-힣])(?:(?:(\\d{4}|\\d{2})\\s*년|(${Object.keys(YEAR_WORDS).join('|')}))\\s*)?(\\d{1,2})\\s*월\\s*(\\d{1,2})\\s*일${PARTICLE}${END}`,
  );

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const [text, yearDigits, yearWord, month, day] = match;
    const now = referenceNow(context);
    let year: number | undefined;
    if (yearDigits) year = yearDigits.length === 2 ? 2000 + Number(yearDigits) : Number(yearDigits);
    else if (yearWord) year = now.year + YEAR_WORDS[yearWord]!;
    return dateComponents(context, text!, { year, month: Number(month), day: Number(day) });
  }
}

/** 2027. 1. 15. and 2027.01.15: the way dates are written in Korea, with or without spaces. */
export class KoDottedDateParser implements Parser {
  pattern(): RegExp {
    return /(?<![\d.])(\d{4})\s*\.\s*(\d{1,2})\s*\.\s*(\d{1,2})(?!\d)\.?/;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    return dateComponents(context, match[0], { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) });
  }
}

/** 이번 달 20일, 다음 달 1일, 다다음 달 15일. */
export class KoMonthDayParser implements Parser {
  private readonly regex = new RegExp(`(?<![가-힣])(이번|요번|다다음|다음|담)\\s*달\\s*(\\d{1,2})\\s*일${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const months = { 다음: 1, 담: 1, 다다음: 2 }[match[1]!] ?? 0;
    return dateComponents(context, match[0], { ...monthsLater(referenceNow(context), months), day: Number(match[2]) });
  }
}

/** 15일 alone; not 3일 후 (a duration) nor 3일간. */
export class KoDayOfMonthParser implements Parser {
  private readonly regex = new RegExp(`(?<![\\d가-힣])(\\d{1,2})\\s*일(?!\\s*(?:${AFTER}|${BEFORE}|간|동안))${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const day = Number(match[1]);
    if (day < 1 || day > 31) return refusal(context, 'TIME_NO_SUCH_DATE', { text: match[0].trim() });
    // This month's for now: the refiner moves it on to a month that has this day once the time is known.
    return context.createParsingComponents({ day }).addTag(KO_TAG.dayOfMonth);
  }
}

function dateComponents(context: ParsingContext, text: string, date: { year?: number; month: number; day: number }) {
  const year = date.year ?? referenceNow(context).year;
  if (!isCalendarDate({ year, month: date.month, day: date.day })) return refusal(context, 'TIME_NO_SUCH_DATE', { text: text.trim() });
  const components = context.createParsingComponents({ month: date.month, day: date.day });
  if (date.year === undefined) components.imply('year', year);
  else components.assign('year', year);
  return components;
}
