// Pieces of the Korean grammar that several parsers share.

/** Parts of the day. One may follow a day word without a space (오늘밤, 내일오전). */
export const PART_OF_DAY = '오전|오후|새벽|아침|점심|낮|저녁|밤';

/**
 * Where a Korean time word may end: at the end, before anything that is not Hangul (a space, a
 * digit, punctuation), or right before a part of the day. So 내일모레 is not read as 내일 + 모레.
 */
export const END = `(?=$|[^가-힣]|${PART_OF_DAY}|정오|자정)`;

/** What may follow a time word: "about" (쯤, 경, 께) and a particle (에, 에는, 은). */
export const PARTICLE = '(?:쯤|경|께)?(?:에는|에|엔|은|는)?';

/** Words that make a count of days or hours a duration ("3일 후"), not a date ("3일"). */
export const AFTER = '후|뒤|이후|있다가|이따가|지나서|만에';
export const BEFORE = '전|이전';

/** Week modifiers: 0 this week, 1 next, 2 the one after, -1 last. */
export const WEEK_MODIFIER = '이번|요번|금|다다음|다음|담|지난|저번';

export function weekOffset(modifier: string | undefined): number {
  switch (modifier) {
    case '다음':
    case '담':
      return 1;
    case '다다음':
      return 2;
    case '지난':
    case '저번':
      return -1;
    default:
      return 0;
  }
}

/** 일요일 = 0 … 토요일 = 6, as chrono and Date count them. */
export const WEEKDAYS = '일월화수목금토';

/** Tags the Korean parsers put on results for the Korean refiner. */
export const KO_TAG = {
  /** 1–12 o'clock with no 오전/오후 or part of the day: the refiner picks the hour. */
  bareHour: 'ko/bareHour',
  /** A time that belongs to the night after the named day: 자정, 밤 12시, 밤 2시. */
  nextDay: 'ko/nextDay',
  /** 새벽: with 오늘 once passed, the coming night's. */
  dawn: 'ko/dawn',
  /** 오늘. */
  today: 'ko/today',
  /** A day of the month alone (15일): this month's, or the next month that has it. */
  dayOfMonth: 'ko/dayOfMonth',
} as const;
