// Labels and confirmations, in English and Korean. Errors are in messages.ts.
import { formatDayInZone } from '../domain/time-zone.js';
import type { Locale } from './locale.js';

const text = {
  queuedTitle: { en: 'Mail queued for sending', ko: '메일 발송을 시작했습니다' },
  reservedTitle: { en: 'Mail reserved', ko: '메일을 예약했습니다' },
  canceledTitle: { en: 'Reservation canceled', ko: '예약을 취소했습니다' },
  rescheduledTitle: { en: 'Reservation moved', ko: '예약 시각을 바꿨습니다' },
  listTitle: { en: 'Your reservations', ko: '내 예약 목록' },
  listEmpty: { en: 'You have no reservations.', ko: '예약이 없습니다.' },
  templatesTitle: { en: 'Templates', ko: '템플릿' },
  task: { en: 'Task', ko: '작업' },
  template: { en: 'Template', ko: '템플릿' },
  to: { en: 'To', ko: '받는 사람' },
  when: { en: 'When', ko: '시각' },
  description: { en: 'Description', ko: '설명' },
  status: { en: 'Status', ko: '상태' },
  variables: { en: 'Variables', ko: '변수' },
  languages: { en: 'Languages', ko: '언어' },
  cancelButton: { en: 'Cancel reservation', ko: '예약 취소' },
  timeZoneSet: { en: 'Your time zone is now', ko: '시간대를 다음으로 설정했습니다:' },
  timeZoneShow: { en: 'Your time zone is', ko: '현재 시간대:' },
  previewPrefix: { en: 'Sends', ko: '발송 시각' },
  nextYear: { en: 'next year', ko: '내년' },
  outcomeSent: { en: 'Your reserved mail was sent', ko: '예약한 메일을 보냈습니다' },
  outcomeFailed: { en: 'Your reserved mail could not be sent', ko: '예약한 메일을 보내지 못했습니다' },
  failureRelayReplied: { en: 'The mail server answered', ko: '메일 서버의 응답' },
  failureUnreachable: { en: 'Herald could not reach the mail server.', ko: '메일 서버에 연결하지 못했습니다.' },
  failureRelaySetup: { en: 'The mail server refused Herald\'s sign-in or settings; the operator has to fix it.', ko: '메일 서버가 Herald 의 로그인이나 설정을 거부했습니다. 운영자가 고쳐야 합니다.' },
  failureNotScheduled: { en: 'Herald could not schedule the mail.', ko: '메일을 예약하지 못했습니다.' },
  failureOther: { en: 'The mail could not be sent.', ko: '메일을 보내지 못했습니다.' },
} as const;

export type UiKey = keyof typeof text;

/** The title of each command result about one task. */
export const TASK_RESULT_TITLES = {
  queued: 'queuedTitle',
  reserved: 'reservedTitle',
  canceled: 'canceledTitle',
  rescheduled: 'rescheduledTitle',
} as const satisfies Record<string, UiKey>;

export function ui(locale: Locale, key: UiKey): string {
  return text[key][locale];
}

/** Says plainly that a date without a year means next year's: "next year: 25 Nov 2027". */
export function nextYearNote(locale: Locale, instant: Date, zone: string): string {
  return `${ui(locale, 'nextYear')}: ${formatDayInZone(instant, zone, locale)}`;
}

const statusNames = {
  queued: { en: 'queued', ko: '대기' },
  reserved: { en: 'reserved', ko: '예약됨' },
  running: { en: 'sending', ko: '발송 중' },
  finished: { en: 'sent', ko: '발송 완료' },
  failed: { en: 'failed', ko: '실패' },
  canceled: { en: 'canceled', ko: '취소됨' },
} as const;

export function statusName(locale: Locale, status: keyof typeof statusNames): string {
  return statusNames[status][locale];
}

/** How far `when` is from `now` in words: "in 9 hours", "2 minutes ago", "9시간 후". */
export function relativeTime(when: Date, now: Date, locale: string): string {
  const seconds = Math.round((when.getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 90) return format.format(seconds, 'second');
  if (abs < 90 * 60) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 36 * 3600) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86400), 'day');
}
