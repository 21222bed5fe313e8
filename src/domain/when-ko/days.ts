// Days: 오늘, 내일, 모레, 글피 (and 어제, refused later as past); 지금; weekdays with or without a
// week (금요일, 이번 주 금요일, 다음 주 월요일); 주말, 이번 주말, 다음 주말.
// Weeks run Monday to Sunday. A day word alone keeps the current time, as "tomorrow" does;
// a weekday alone gets chrono's 12:00 for a date.
import type { Parser, ParsingContext } from 'chrono-node';
import { addDays, compareDates, mondayOf, referenceNow, refusal, setDate, weekdayOf, weekendComponents } from '../when-calendar.js';
import { END, KO_TAG, PARTICLE, WEEKDAYS, WEEK_MODIFIER, weekOffset } from './grammar.js';

const DAY_OFFSETS: Record<string, number> = {
  오늘: 0, 금일: 0, 내일모레: 2, 낼모레: 2, 내일: 1, 낼: 1, 명일: 1, 모레: 2, 그글피: 4, 글피: 3,
  어저께: -1, 어제: -1, 그저께: -2, 그제: -2, 엊그제: -2,
};

export class KoCasualDayParser implements Parser {
  private readonly regex = new RegExp(`(?<![가-힣])(${Object.keys(DAY_OFFSETS).join('|')})${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const now = referenceNow(context);
    const offset = DAY_OFFSETS[match[1]!]!;
    const components = context
      .createParsingComponents()
      .imply('hour', now.hour)
      .imply('minute', now.minute)
      .imply('second', now.second);
    setDate(components, addDays(now, offset), true);
    if (offset === 0) components.addTag(KO_TAG.today);
    return components;
  }
}

/** 지금, 당장, 바로, 즉시: now, which the lead rule then refuses with a pointer to /sendmail. */
export class KoNowParser implements Parser {
  private readonly regex = new RegExp(`(?<![가-힣])(?:지금\\s*(?:바로|당장)?|당장|바로|즉시)${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext) {
    const now = referenceNow(context);
    const components = context.createParsingComponents({ hour: now.hour, minute: now.minute, second: now.second });
    setDate(components, now, true);
    return components;
  }
}

export class KoWeekdayParser implements Parser {
  private readonly regex = new RegExp(`(?<![가-힣])(?:(${WEEK_MODIFIER})\\s*(주)?\\s*)?([${WEEKDAYS}])요일(?:날)?${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    const [text, modifier, week, weekdayChar] = match;
    const weekday = WEEKDAYS.indexOf(weekdayChar!);
    const today = referenceNow(context);
    const inWeek = (weeks: number) => addDays(mondayOf(today), 7 * weeks + ((weekday + 6) % 7));
    const coming = addDays(today, (weekday - weekdayOf(today) + 7) % 7 || 7);
    let date = coming;
    if (week) {
      // 이번 주 금요일: this week's, even if it has passed (then refused as past).
      date = inWeek(weekOffset(modifier));
    } else if (modifier === '다음' || modifier === '담') {
      // 다음 금요일 said on a Monday: this week's Friday or next week's? Ask, unless this week's is
      // today or past, when both readings are next week's.
      const thisWeek = inWeek(0);
      if (compareDates(thisWeek, today) > 0) {
        return refusal(context, 'TIME_AMBIGUOUS', { text: text!.trim(), options: [`이번 주 ${weekdayChar}요일`, `다음 주 ${weekdayChar}요일`] });
      }
      date = inWeek(1);
    } else if (modifier === '다다음') {
      date = inWeek(2);
    } else if (modifier === '지난' || modifier === '저번') {
      date = addDays(today, -((weekdayOf(today) - weekday + 7) % 7 || 7));
    }
    const components = context.createParsingComponents();
    setDate(components, date, true);
    return components;
  }
}

/** 주말 (this weekend, then the next), 이번 주말 (this weekend only), 다음 주말. */
export class KoWeekendParser implements Parser {
  private readonly regex = new RegExp(`(?<![가-힣])(?:(이번|요번|금|다다음|다음|담)\\s*)?주말${PARTICLE}${END}`);

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray) {
    return weekendComponents(context, weekOffset(match[1]), match[1] === undefined);
  }
}
