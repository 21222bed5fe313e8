// How the dashboard writes a reservation's time: "Sends Fri 27 Nov 09:00 GMT+9, in 9 hours".
import { DateTime } from 'luxon';
import type { Locale } from '../i18n/locale.js';
import { relativeTime } from '../i18n/ui.js';
import { wt } from '../i18n/web.js';

export function sendsText(instant: Date, zone: string, locale: Locale, now: Date): string {
  const at = DateTime.fromJSDate(instant, { zone }).setLocale(locale).toFormat(locale === 'ko' ? "M월 d일 (ccc) HH:mm ZZZZ" : 'ccc d LLL HH:mm ZZZZ');
  return `${wt(locale, 'sends')} ${at}, ${relativeTime(instant, now, locale)}`;
}
