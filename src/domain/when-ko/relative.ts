// Durations from now: 30분 후, 3시간 뒤, 이틀 후, 일주일 뒤, 한 달 후, 두 시간 반 뒤, 1시간 30분 후,
// 지금부터 10분 뒤, 30분 전 (in the past: refused later). And 다음 주 / 다음 달 alone.
// Minutes and hours are elapsed time (tagged by chrono as relativeDateAndTime); days, weeks, months
// and years keep the wall-clock time.
import { ParsingComponents, type Parser, type ParsingContext } from 'chrono-node';
import { AFTER, BEFORE, END, PARTICLE } from './grammar.js';
import { COUNT, koreanNumber } from './numbers.js';

type Duration = NonNullable<Parameters<typeof ParsingComponents.createRelativeFromReference>[1]>;
type Unit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second';

const UNITS: Record<string, Unit> = {
  년: 'year', 해: 'year', 개월: 'month', 달: 'month', 주일: 'week', 주: 'week', 일: 'day', 시간: 'hour', 분: 'minute', 초: 'second',
};
/** Native words for a number of days. */
const DAY_WORDS: Record<string, Partial<Record<Unit, number>>> = {
  하루: { day: 1 }, 이틀: { day: 2 }, 사흘: { day: 3 }, 나흘: { day: 4 }, 닷새: { day: 5 }, 엿새: { day: 6 },
  이레: { day: 7 }, 여드레: { day: 8 }, 아흐레: { day: 9 }, 열흘: { day: 10 }, 보름: { day: 15 }, 일주일: { week: 1 },
};
/** What "and a half" (반) adds to one of each unit. */
const HALF: Record<Unit, Partial<Record<Unit, number>> | null> = {
  year: { month: 6 }, month: { day: 15 }, week: { day: 3, hour: 12 }, day: { hour: 12 }, hour: { minute: 30 }, minute: { second: 30 }, second: null,
};
const ORDER: Unit[] = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];

const UNIT = Object.keys(UNITS).sort((a, b) => b.length - a.length).join('|');
const DAY_WORD = Object.keys(DAY_WORDS).join('|');
const PIECE = `(?:(${DAY_WORD})|(${COUNT})\\s*(${UNIT}))(\\s*반)?`;
const PIECE_NC = `(?:(?:${DAY_WORD})|${COUNT}\\s*(?:${UNIT}))(?:\\s*반)?`;

export class KoRelativeParser implements Parser {
  private readonly regex = new RegExp(
    `(?<![\\dA-Za-z])(?:지금\\s*(?:으로)?부터\\s*)?(${PIECE_NC}(?:\\s*${PIECE_NC})*)\\s*(${AFTER}|${BEFORE})${PARTICLE}${END}`,
  );

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const sign = new RegExp(`^(?:${BEFORE})$`).test(match[2]!) ? -1 : 1;
    const duration: Partial<Record<Unit, number>> = {};
    let lastRank = -1;
    for (const piece of match[1]!.matchAll(new RegExp(PIECE, 'g'))) {
      const [, dayWord, count, unitWord, half] = piece;
      const amounts = dayWord ? DAY_WORDS[dayWord]! : { [UNITS[unitWord!]!]: koreanNumber(count!) };
      const unit = Object.keys(amounts)[0] as Unit;
      // Units must come largest first and once each ("하루 이틀" is a range, not three days).
      const rank = ORDER.indexOf(unit);
      if (rank <= lastRank) return null;
      lastRank = rank;
      const extra = half ? HALF[unit] : {};
      if (extra === null) return null;
      for (const [u, n] of [...Object.entries(amounts), ...Object.entries(extra)] as [Unit, number][]) {
        if (!Number.isFinite(n)) return null;
        duration[u] = (duration[u] ?? 0) + sign * n;
      }
    }
    return ParsingComponents.createRelativeFromReference(context.reference, duration as Duration);
  }
}

/** 다음 주, 다음 달 alone: a week or a month from now, as chrono reads "next week" / "next month". */
export class KoNextPeriodParser implements Parser {
  private readonly regex = new RegExp(`(?<![가-힣])(?:다음|담)\\s*(주|달)${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    return ParsingComponents.createRelativeFromReference(context.reference, (match[1] === '주' ? { week: 1 } : { month: 1 }) as Duration);
  }
}
