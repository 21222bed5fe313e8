// Labels and confirmations, in English and Korean. Errors are in messages.ts.
import type { FailureReason } from '../domain/failure-reason.js';
import type { QuickMove } from '../domain/quick-move.js';
import type { EditChange } from '../tasks/task-service.js';
import { formatDayInZone } from '../domain/time-zone.js';
import type { Locale } from './locale.js';

const text = {
  queuedTitle: { en: 'Mail queued for sending', ko: '메일 발송을 시작했습니다' },
  reservedTitle: { en: 'Mail reserved', ko: '메일을 예약했습니다' },
  canceledTitle: { en: 'Reservation canceled', ko: '예약을 취소했습니다' },
  rescheduledTitle: { en: 'Reservation moved', ko: '예약 시각을 바꿨습니다' },
  listTitle: { en: 'Your reservations', ko: '내 예약 목록' },
  listEmpty: { en: 'You have no reservations.', ko: '예약이 없습니다.' },
  serverListTitle: { en: 'Open tasks of this server', ko: '이 서버의 열린 작업' },
  serverListEmpty: { en: 'This server has no open tasks.', ko: '이 서버에는 열린 작업이 없습니다.' },
  previousPage: { en: 'Previous', ko: '이전' },
  nextPage: { en: 'Next', ko: '다음' },
  requester: { en: 'Requester', ko: '요청한 사람' },
  canceledBy: { en: 'Canceled by', ko: '취소한 사람' },
  failure: { en: 'Why it failed', ko: '실패 이유' },
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
  // ---- Server templates (issue 12): /template, /preview, the forms, the console ----
  newTemplateTitle: { en: 'New template', ko: '새 템플릿' },
  editTemplateTitle: { en: 'Edit template', ko: '템플릿 편집' },
  language: { en: 'Language', ko: '언어' },
  subject: { en: 'Subject', ko: '제목' },
  subjectHint: { en: 'One line. {{name}} puts in a variable.', ko: '한 줄. {{name}} 자리에 변수가 들어갑니다.' },
  textBody: { en: 'Text body', ko: '텍스트 본문' },
  textBodyHint: {
    en: 'Up to 4,000 characters here; longer bodies (up to 20,000) from the console or the dashboard.',
    ko: '여기서는 4,000자까지. 더 긴 본문(20,000자까지)은 콘솔이나 대시보드에서.',
  },
  htmlBody: { en: 'HTML body (optional)', ko: 'HTML 본문 (선택)' },
  htmlBodyHint: { en: 'Values are HTML-escaped. Leave it empty for a plain-text mail.', ko: '값은 HTML 이스케이프됩니다. 비워 두면 텍스트 메일입니다.' },
  varsFormTitle: { en: 'Fill in', ko: '변수 입력' },
  varsFormOptional: { en: 'Optional', ko: '선택' },
  templateCreated: { en: 'Template created', ko: '템플릿을 만들었습니다' },
  templateEdited: { en: 'Template saved as a new version', ko: '템플릿을 새 버전으로 저장했습니다' },
  templateDeleted: { en: 'Template deleted', ko: '템플릿을 삭제했습니다' },
  templateDeletedNote: {
    en: 'Reservations already made with it keep the version they were made with; new mails cannot use it.',
    ko: '이 템플릿으로 이미 만든 예약은 만들 때의 버전으로 발송됩니다. 새 메일에는 쓸 수 없습니다.',
  },
  preview: { en: 'Preview', ko: '미리 보기' },
  previewNothingStored: { en: 'Nothing was stored or sent.', ko: '아무것도 저장하거나 보내지 않았습니다.' },
  previewSampleValues: { en: 'Variables not given show as [name].', ko: '주지 않은 변수는 [이름]으로 보입니다.' },
  previewHtmlAttached: { en: 'The HTML part is attached as preview.html.', ko: 'HTML 본문은 preview.html 로 첨부했습니다.' },
  previewNoHtml: { en: 'This template has no HTML part: the mail is plain text.', ko: '이 템플릿에는 HTML 본문이 없어 텍스트 메일로 보냅니다.' },
  renderedSubject: { en: 'Subject', ko: '제목' },
  renderedText: { en: 'Text', ko: '본문' },
  htmlPart: { en: 'HTML part', ko: 'HTML 본문' },
  requiredVariables: { en: 'Required', ko: '필수' },
  optionalVariables: { en: 'Optional', ko: '선택' },
  noVariables: { en: 'none', ko: '없음' },
  builtinTemplate: { en: 'built-in', ko: '기본' },
  serverTemplate: { en: 'this server', ko: '이 서버' },
  version: { en: 'Version', ko: '버전' },
  createdTitle: { en: 'Created', ko: '생성' },
  updatedTitle: { en: 'Last change', ko: '마지막 변경' },
  historyOfTemplate: { en: 'Changes', ko: '변경 기록' },
  created: { en: 'created', ko: '생성' },
  edited: { en: 'edited', ko: '수정' },
  deleted: { en: 'deleted', ko: '삭제' },
  // ---- Repeating and editable reservations, quick moves, history (issue 11) ----
  seriesReservedTitle: { en: 'Repeating mail reserved', ko: '반복 메일을 예약했습니다' },
  editedTitle: { en: 'Reservation changed', ko: '예약을 수정했습니다' },
  seriesEditedTitle: { en: 'Series changed: its next runs use it', ko: '반복 예약을 수정했습니다 (다음 발송부터 적용)' },
  pausedTitle: { en: 'Series paused', ko: '반복 예약을 일시 정지했습니다' },
  resumedTitle: { en: 'Series resumed', ko: '반복 예약을 다시 시작했습니다' },
  nextRunMovedTitle: { en: 'Next run moved', ko: '다음 발송 시각을 옮겼습니다' },
  repeats: { en: 'Repeats', ko: '반복' },
  nextRuns: { en: 'Next runs', ko: '다음 발송' },
  nextRun: { en: 'Next run', ko: '다음 발송' },
  noRunsLeft: { en: 'no runs left', ko: '남은 발송 없음' },
  pausedState: { en: 'paused', ko: '일시 정지됨' },
  runOfSeries: { en: 'Run of series', ko: '반복 예약' },
  changes: { en: 'What changed', ko: '바뀐 내용' },
  nothing: { en: '(none)', ko: '(없음)' },
  moveBy10m: { en: '+10 min', ko: '+10분' },
  moveBy1h: { en: '+1 hour', ko: '+1시간' },
  moveTomorrow: { en: 'Tomorrow, same time', ko: '내일 같은 시각' },
  pickTask: { en: 'Move or cancel one of these…', ko: '옮기거나 취소할 예약 고르기…' },
  cancelAllQuestion: { en: 'Cancel your {n} open reservations?', ko: '열린 예약 {n}개를 모두 취소할까요?' },
  cancelAllButton: { en: 'Yes, cancel them all', ko: '네, 모두 취소합니다' },
  cancelAllKept: { en: 'Nothing was canceled.', ko: '아무것도 취소하지 않았습니다.' },
  cancelAllNone: { en: 'You have no open reservations here.', ko: '여기에는 열린 예약이 없습니다.' },
  canceledAllTitle: { en: 'Reservations canceled', ko: '예약을 취소했습니다' },
  canceledAllCount: { en: '{n} canceled.', ko: '{n}개를 취소했습니다.' },
  historyTitle: { en: 'Your history', ko: '내 발송 기록' },
  historyEmpty: { en: 'Nothing sent, failed or canceled yet.', ko: '아직 보냈거나 실패했거나 취소한 메일이 없습니다.' },
  sentAt: { en: 'Sent', ko: '발송 시각' },
  endedAt: { en: 'Ended', ko: '종료' },
  attempts: { en: 'Attempts', ko: '시도' },
  allOpenChoice: { en: 'all: every one of your open reservations here', ko: 'all: 여기의 내 열린 예약 전부' },
  repeatNeedsWhen: { en: 'Fill in when first: it gives the first run and the time of day', ko: '먼저 시각(when)을 채워 주세요: 첫 발송과 발송 시각이 됩니다' },
  draftAttached: { en: 'What you wrote is attached, so nothing is lost.', ko: '작성한 내용을 첨부했으니 잃어버린 것은 없습니다.' },
} as const;

export type UiKey = keyof typeof text;

/** The label of each quick move, on Discord's buttons and the dashboard's alike. */
export const QUICK_MOVE_LABELS = { '10m': 'moveBy10m', '1h': 'moveBy1h', tomorrow: 'moveTomorrow' } as const satisfies Record<QuickMove, UiKey>;

/** The title of each command result about one task. */
export const TASK_RESULT_TITLES = {
  queued: 'queuedTitle',
  reserved: 'reservedTitle',
  canceled: 'canceledTitle',
  rescheduled: 'rescheduledTitle',
  edited: 'editedTitle',
  paused: 'pausedTitle',
  resumed: 'resumedTitle',
} as const satisfies Record<string, UiKey>;

/** A title for a result about one task, telling a series from a single reservation where it matters. */
export function taskResultTitle(
  locale: Locale,
  kind: keyof typeof TASK_RESULT_TITLES,
  task: { series?: unknown; seriesId?: string | null },
): string {
  if (kind === 'reserved' && task.series) return ui(locale, 'seriesReservedTitle');
  if (kind === 'edited' && task.series) return ui(locale, 'seriesEditedTitle');
  if (kind === 'rescheduled' && task.seriesId) return ui(locale, 'nextRunMovedTitle');
  return ui(locale, TASK_RESULT_TITLES[kind]);
}

/** A label with a number in it: "Cancel your {n} open reservations?". */
export function uiCount(locale: Locale, key: 'cancelAllQuestion' | 'canceledAllCount', n: number): string {
  return ui(locale, key).replace('{n}', String(n));
}

/**
 * One change an edit made, worded for every front end alike: what changed (a variable by its own
 * name), and the values before and after ('(none)' for nothing). Front ends add their own markup.
 */
export function editChangeText(locale: Locale, change: EditChange): { what: string; variable: boolean; before: string; after: string } {
  const value = (v: string | null) => (v === null || v === '' ? ui(locale, 'nothing') : v);
  switch (change.field) {
    case 'to':
      return { what: ui(locale, 'to'), variable: false, before: value(change.before.join(', ')), after: value(change.after.join(', ')) };
    case 'template':
    case 'description':
      return { what: ui(locale, change.field), variable: false, before: value(change.before), after: value(change.after) };
    case 'variable':
      return { what: change.name, variable: true, before: value(change.before), after: value(change.after) };
  }
}

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

/** "11–20 of 37": which part of a listing a page shows. */
export function pageRange(locale: Locale, first: number, last: number, total: number): string {
  return locale === 'ko' ? `전체 ${total}개 중 ${first}–${last}` : `${first}–${last} of ${total}`;
}

const failureReasons: Record<FailureReason | 'unknown', Record<Locale, string>> = {
  'address-refused': { en: 'the mail server refused the address', ko: '메일 서버가 받는 사람 주소를 거부했습니다' },
  'mailbox-full': { en: "the recipient's mailbox is full, or the mail is too large for it", ko: '받는 사람의 메일함이 가득 찼거나 메일이 너무 큽니다' },
  'message-refused': { en: 'the mail server refused the mail', ko: '메일 서버가 메일을 거부했습니다' },
  'temporarily-refused': { en: 'the mail server kept asking to try again later', ko: '메일 서버가 계속 나중에 다시 시도하라고 답했습니다' },
  unreachable: { en: 'could not reach the mail server', ko: '메일 서버에 연결할 수 없었습니다' },
  'relay-configuration': {
    en: "the mail server did not accept Herald's settings; please tell the bot's operator",
    ko: '메일 서버가 Herald 의 설정을 받아들이지 않았습니다. 봇 운영자에게 알려 주세요',
  },
  template: { en: "the template can no longer be filled in with this mail's values", ko: '이 메일의 값으로는 더 이상 템플릿을 채울 수 없습니다' },
  'requester-left': { en: 'the requester left the server', ko: '요청한 사람이 서버를 떠났습니다' },
  'server-gone': { en: 'Herald is no longer in the server the mail was made in', ko: 'Herald 가 메일을 만든 서버에 더 이상 없습니다' },
  'too-late': { en: 'it could not go out soon enough after its time, and a late mail is worse than none', ko: '제시간에 보낼 수 없었습니다. 너무 늦은 메일은 보내지 않습니다' },
  'database-unavailable': {
    en: "Herald's database could not be reached until it was too late to send it",
    ko: '보낼 수 있는 시간이 지날 때까지 Herald 의 데이터베이스에 연결할 수 없었습니다',
  },
  'canceled-while-sending': {
    en: 'it was canceled while it was being sent, and the attempt in progress did not deliver it',
    ko: '보내는 도중에 취소되었고, 진행 중이던 발송은 전달되지 않았습니다',
  },
  stopped: { en: "Herald's scheduler stopped it before it was sent; please tell the bot's operator", ko: '보내기 전에 Herald 의 스케줄러가 작업을 멈췄습니다. 봇 운영자에게 알려 주세요' },
  'send-unconfirmed': {
    en: "Herald's scheduler stopped while sending it, and the mail server never confirmed it",
    ko: '보내는 도중에 Herald 의 스케줄러가 멈췄고, 메일 서버가 받았다고 확인해 주지 않았습니다',
  },
  'not-scheduled': { en: "Herald's scheduler could not take it, so it was not sent", ko: 'Herald 의 스케줄러가 작업을 받지 못해 보내지 않았습니다' },
  'hourly-limit': {
    en: 'this run of your series came when your hourly mail limit was used up, so it was skipped',
    ko: '반복 예약의 이번 발송 시각에 시간당 발송 한도를 다 써서 이번 발송은 건너뛰었습니다',
  },
  'relay-limit': {
    en: "this run of your series came when Herald's hourly limit for everyone was used up, so it was skipped",
    ko: '반복 예약의 이번 발송 시각에 Herald 전체의 시간당 발송 한도가 다 차서 이번 발송은 건너뛰었습니다',
  },
  unknown: { en: "Herald could not send it; the details are logged for the bot's operator", ko: '보내지 못했습니다. 자세한 내용은 봇 운영자를 위해 기록해 두었습니다' },
};

/**
 * Why a task failed, as users may read it: a classified reason plus the SMTP reply's codes, never
 * the raw error (host names, ports, stack traces stay in the row for operators).
 */
export function failureText(locale: Locale, task: { failureReason: FailureReason | null; smtpCodes: string | null }): string {
  const text = failureReasons[task.failureReason ?? 'unknown'][locale];
  return task.smtpCodes && task.failureReason !== null ? `${text} (${task.smtpCodes})` : text;
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

/** "… and 3 more" under a list cut short. */
export function moreItems(locale: Locale, count: number): string {
  return locale === 'ko' ? `… 외 ${count}개` : `… and ${count} more`;
}

/** A language by its own name, whatever the reader's: "English", "한국어". */
export function languageName(language: Locale): string {
  return { en: 'English', ko: '한국어' }[language];
}

/** "version 3", "버전 3". */
export function versionText(locale: Locale, version: number | undefined): string {
  return `${locale === 'ko' ? '버전' : 'version'} ${version ?? ''}`.trim();
}
