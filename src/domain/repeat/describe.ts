// Human readings of a series, for confirmations and the autocomplete preview:
// "every Monday at 09:00" / "매주 월요일 09:00". The words live in src/i18n/repeat.ts.
import type { Locale } from '../../i18n/locale.js';
import { durationText, listText, monthName, nthWeekName, repeatText, weekdayName } from '../../i18n/repeat.js';
import { pad2, parseLocalDate } from './local-date.js';
import type { Cadence, MonthDay, RepeatSeries, TimeOfDay } from './types.js';
import { formatInZone, wallClockAt } from '../time-zone.js';
import { nextRuns } from './series.js';

/** "09:00", or "09:00:30" when the time has seconds. */
export function formatTimeOfDay(t: TimeOfDay): string {
  return `${pad2(t.hour)}:${pad2(t.minute)}${t.second ? `:${pad2(t.second)}` : ''}`;
}

function monthDayText(locale: Locale, on: MonthDay): string {
  switch (on.kind) {
    case 'day':
      return repeatText.monthDay[locale](on.day);
    case 'lastDay':
      return repeatText.lastDay[locale];
    case 'weekday':
      return repeatText.nthWeekday[locale](nthWeekName(locale, on.nth), weekdayName(locale, on.weekday));
  }
}

function cadenceText(locale: Locale, cadence: Cadence, firstMonth: number): string {
  switch (cadence.kind) {
    case 'interval': {
      const one = cadence.minutes === 60 || cadence.minutes === 1;
      return repeatText.everyMinutes[locale](durationText(locale, cadence.minutes * 60), one);
    }
    case 'daily':
      return repeatText.daily[locale](cadence.every);
    case 'weekly': {
      if (cadence.every === 1 && cadence.days.join() === '1,2,3,4,5') return repeatText.weekdays[locale];
      const days = listText(locale, cadence.days.map((d) => weekdayName(locale, d)));
      return repeatText.weekly[locale](cadence.every, days);
    }
    case 'monthly': {
      if (cadence.every === 12 && cadence.on.kind === 'day') {
        // Yearly: the month comes from the first run.
        return repeatText.yearly[locale](monthName(locale, firstMonth), cadence.on.day);
      }
      return `${repeatText.monthlyHead[locale](cadence.every)} ${monthDayText(locale, cadence.on)}`;
    }
  }
}

/**
 * The cadence with its time of day: "every Monday at 09:00", "매주 월요일 09:00", "every other Friday
 * at 18:30", "매월 말일 09:00". An interval cadence says where it starts: "every 3 hours from 09:00".
 */
export function describeCadence(series: RepeatSeries, locale: Locale): string {
  const firstMonth = wallClockAt(series.firstRun, series.zone).month;
  const cadence = cadenceText(locale, series.cadence, firstMonth);
  const time = formatTimeOfDay(series.timeOfDay);
  return series.cadence.kind === 'interval' ? repeatText.startingAt[locale](cadence, time) : repeatText.at[locale](cadence, time);
}

/** How the series ends: "until 2027-03-01" / "2027년 3월 1일까지", "10 times" / "10회". */
export function describeEnd(series: RepeatSeries, locale: Locale): string {
  const end = series.end;
  if (end.kind === 'count') return repeatText.times[locale](end.count);
  const date = parseLocalDate(end.date);
  const text = date && locale === 'ko' ? `${date.year}년 ${date.month}월 ${date.day}일` : end.date;
  return repeatText.until[locale](text);
}

/** describeCadence and describeEnd together: "every Monday at 09:00, 10 times". */
export function describeSeries(series: RepeatSeries, locale: Locale): string {
  return `${describeCadence(series, locale)}, ${describeEnd(series, locale)}`;
}

/**
 * The autocomplete preview: the cadence and the next run after `now`, read in the series' zone:
 * "every Monday at 09:00, next: Mon, Nov 30, 2026, 9:00 AM EST" / "매주 월요일 09:00, 다음: …".
 */
export function describePreview(series: RepeatSeries, now: Date, locale: Locale): string {
  const cadence = describeCadence(series, locale);
  const next = nextRuns(series, now, 1)[0];
  return next ? repeatText.next[locale](cadence, formatInZone(next, series.zone, locale)) : repeatText.ended[locale](cadence);
}
