// Times of day: 9시, 9시 30분, 9시 반, 아홉 시 삼십 분, 오후 2시 30분, 오후 2:30, 저녁 7시, 밤 12시,
// 새벽 2시, 정오, 자정, a part of the day alone (아침, 저녁), and 퇴근 (the end of the work day).
//
// How an hour is read:
//  - with a part of the day, from the table below: 저녁 7시 = 19:00, 밤 12시 = 24:00 (the midnight
//    that ends the named day), 밤 2시 = 02:00 of the night after it. An hour outside the part
//    (저녁 3시) is refused, and so is 오전 12시, which Koreans read both as noon and as midnight.
//  - 0시, 13시–23시: as written; 24시 is the midnight that ends the day.
//  - 1시–12시 alone: the Korean refiner picks 오전 or 오후 (see refiner.ts).
import { Meridiem, type Parser, type ParsingContext } from 'chrono-node';
import { endOfDayComponents, refusal } from '../when-calendar.js';
import { END, KO_TAG, PARTICLE, PART_OF_DAY } from './grammar.js';
import { CLOCK_HOUR, CLOCK_MINUTE, koreanNumber } from './numbers.js';

interface Part {
  /** The hours it takes, as written (first to last, going round the clock). */
  first: number;
  last: number;
  /** Its hour when none is given, as written with it (저녁 → 6시 = 18:00). */
  alone: number;
  /** Hours written with it that mean the afternoon (+12), and those that mean the next day's small hours. */
  pm: (h: number) => boolean;
  nextDay?: (h: number) => boolean;
}

const PARTS: Record<string, Part> = {
  새벽: { first: 1, last: 6, alone: 5, pm: () => false },
  아침: { first: 5, last: 11, alone: 8, pm: () => false },
  오전: { first: 0, last: 11, alone: 9, pm: () => false },
  점심: { first: 11, last: 2, alone: 12, pm: (h) => h <= 2 },
  낮: { first: 10, last: 5, alone: 12, pm: (h) => h <= 5 },
  오후: { first: 1, last: 12, alone: 3, pm: (h) => h < 12 },
  저녁: { first: 5, last: 11, alone: 6, pm: () => true },
  밤: { first: 7, last: 4, alone: 9, pm: (h) => h >= 7 && h < 12, nextDay: (h) => h === 12 || h <= 4 },
};

function inPart(part: Part, hour: number): boolean {
  return part.first <= part.last ? hour >= part.first && hour <= part.last : hour >= part.first || hour <= part.last;
}

/** 24-hour time of `hour` as written with `partWord`, or a refusal. */
function clockComponents(context: ParsingContext, text: string, partWord: string | undefined, hour: number, minute: number, second: number) {
  const trimmed = text.trim();
  if (!(hour >= 0 && hour <= 24 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) || (hour === 24 && (minute > 0 || second > 0))) {
    return refusal(context, 'TIME_NO_SUCH_TIME', { text: trimmed });
  }
  let hour24 = hour;
  let nextDay = hour === 24;
  let bare = false;
  if (partWord === '오전' && hour === 12) {
    const minutes = minute > 0 ? ` ${minute}분` : '';
    return refusal(context, 'TIME_AMBIGUOUS', { text: trimmed, options: [`낮 12시${minutes}`, `0시${minutes}`] });
  }
  if (partWord !== undefined) {
    const part = PARTS[partWord]!;
    if (hour > 12 || !inPart(part, hour)) {
      return refusal(context, 'TIME_HOUR_OUTSIDE_PART', { text: trimmed, part: partWord, first: part.first, last: part.last });
    }
    nextDay = part.nextDay?.(hour) ?? false;
    hour24 = part.pm(hour) ? hour + 12 : hour % (nextDay ? 12 : 24);
  } else if (hour >= 1 && hour <= 12) {
    bare = true;
  }
  hour24 %= 24;
  const components = context.createParsingComponents({ hour: hour24, minute }).imply('millisecond', 0);
  if (second > 0) components.assign('second', second);
  else components.imply('second', 0);
  // A bare hour has no meridiem yet: the refiner gives it one.
  if (!bare) components.assign('meridiem', hour24 < 12 ? Meridiem.AM : Meridiem.PM);
  if (bare) components.addTag(KO_TAG.bareHour);
  if (nextDay) components.addTag(KO_TAG.nextDay);
  if (partWord === '새벽') components.addTag(KO_TAG.dawn);
  return components;
}

export class KoClockParser implements Parser {
  private readonly regex = new RegExp(
    `(?<!\\d)(?:(${PART_OF_DAY})\\s*)?(${CLOCK_HOUR})\\s*시(?!간)(?:\\s*(?:(${CLOCK_MINUTE})\\s*분|(반)))?(?:\\s*(${CLOCK_MINUTE})\\s*초)?(?:\\s*정각)?${PARTICLE}${END}`,
  );

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const [text, part, hour, minute, half, second] = match;
    return clockComponents(context, text!, part, koreanNumber(hour!), half ? 30 : minute ? koreanNumber(minute) : 0, second ? koreanNumber(second) : 0);
  }
}

/** 오후 2:30, 밤 11:45 (a bare 21:00 or 9:30 is chrono's own). */
export class KoPartColonParser implements Parser {
  private readonly regex = new RegExp(`(${PART_OF_DAY})\\s*(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?!\\d)${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const [text, part, hour, minute, second] = match;
    return clockComponents(context, text!, part, Number(hour), Number(minute), Number(second ?? 0));
  }
}

/** 정오 (noon), 자정 (the midnight that ends the day), and a part of the day alone: 아침, 저녁에. */
export class KoPartOfDayParser implements Parser {
  private readonly regex = new RegExp(`(정오|자정|${PART_OF_DAY})(?:\\s*(?:시간|때|무렵))?${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const word = match[1]!;
    if (word === '정오') return clockComponents(context, match[0], '낮', 12, 0, 0);
    if (word === '자정') return clockComponents(context, match[0], '밤', 12, 0, 0);
    return clockComponents(context, match[0], word, PARTS[word]!.alone, 0, 0);
  }
}

/** 퇴근 시간, 퇴근 전: the end of the work day (EOD_HOUR), as "end of day" in English. */
export class KoEndOfDayParser implements Parser {
  private readonly regex = new RegExp(`(?<![가-힣])퇴근\\s*(?:시간|전|무렵|때)?(?:까지)?${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext) {
    return endOfDayComponents(context);
  }
}
