// Every user-facing sentence, in English and Korean.
import type { Locale } from './locale.js';
import { durationText } from './repeat.js';

const list = (items: readonly string[]) => items.join(', ');
const quoted = (items: readonly string[]) => items.map((i) => `"${i}"`).join(', ');

/** The three parts of a mail template, as user templates name them. */
export type TemplatePart = 'subject' | 'text' | 'html';
const partName: Record<Locale, Record<TemplatePart, string>> = {
  en: { subject: 'subject', text: 'text body', html: 'HTML body' },
  ko: { subject: '제목', text: '텍스트 본문', html: 'HTML 본문' },
};
/** "HTML body, line 3: " — where in a template a problem is. */
const at: Record<Locale, (p: { part: TemplatePart; line: number }) => string> = {
  en: (p) => `${partName.en[p.part][0]!.toUpperCase()}${partName.en[p.part].slice(1)}, line ${p.line}: `,
  ko: (p) => `${partName.ko[p.part]} ${p.line}번째 줄: `,
};

/** Why the console could not read a template file. */
export type FileProblem = 'missing' | 'not-a-file' | 'denied' | 'not-utf8' | 'other';
const fileProblem: Record<Locale, Record<FileProblem, string>> = {
  en: { missing: 'there is no such file', 'not-a-file': 'it is not a file', denied: 'permission denied', 'not-utf8': 'it is not UTF-8 text', other: 'the system refused' },
  ko: { missing: '파일이 없습니다', 'not-a-file': '파일이 아닙니다', denied: '권한이 없습니다', 'not-utf8': 'UTF-8 텍스트가 아닙니다', other: '시스템이 거부했습니다' },
};

type ControlCharacterAt = ({ field: 'description' } | { field: 'variable'; name: string }) & { codePoint: string; position: number };
type RateLimited = { limit: number; remaining: number; requested: number; retryInMinutes: number };

const errors = {
  TIME_IN_PAST: {
    en: (_: { when: string }) => 'That time is already in the past. Pick a time in the future.',
    ko: (_: { when: string }) => '이미 지난 시각입니다. 앞으로의 시각을 골라 주세요.',
  },
  TIME_TOO_SOON: {
    en: (p: { minSeconds: number }) => `A reservation must be at least ${p.minSeconds / 60} minute(s) ahead. Use /sendmail to send now.`,
    ko: (p: { minSeconds: number }) => `예약은 지금부터 최소 ${p.minSeconds / 60}분 뒤여야 합니다. 바로 보내려면 /sendmail 을 쓰세요.`,
  },
  TIME_UNPARSEABLE: {
    en: (p: { input: string }) => `I could not read "${p.input}" as a time. Try "tomorrow 9am", "in 2 hours" or "2026-12-01 09:00".`,
    ko: (p: { input: string }) => `"${p.input}"을(를) 시각으로 읽을 수 없습니다. "내일 오전 9시", "30분 후", "12월 24일 오후 3시" 같은 형식을 써 주세요.`,
  },
  TIME_PARTIAL: {
    en: (p: { understood: string; rest: string }) => `I understood "${p.understood}" but not "${p.rest}". Remove the extra words or rephrase.`,
    ko: (p: { understood: string; rest: string }) => `"${p.understood}"은(는) 이해했지만 "${p.rest}"은(는) 이해하지 못했습니다. 불필요한 말을 빼 주세요.`,
  },
  TIME_RANGE: {
    en: (_: { input: string }) => 'Give one point in time, not a range.',
    ko: (_: { input: string }) => '기간이 아니라 하나의 시각을 입력해 주세요.',
  },
  TIME_AMBIGUOUS: {
    en: (p: { text: string; options: readonly string[] }) => `"${p.text}" can be read more than one way. Write one of: ${quoted(p.options)}.`,
    ko: (p: { text: string; options: readonly string[] }) => `"${p.text}"은(는) 여러 가지로 읽힐 수 있습니다. 다음 중 하나로 써 주세요: ${quoted(p.options)}.`,
  },
  TIME_HOUR_OUTSIDE_PART: {
    en: (p: { text: string; part: string; first: number; last: number }) => `"${p.text}" is not a time I can read: with ${p.part}, write an hour from ${p.first} to ${p.last}.`,
    ko: (p: { text: string; part: string; first: number; last: number }) => `"${p.text}"은(는) 읽을 수 없는 시각입니다. ${p.part}에는 ${p.first}시부터 ${p.last}시까지 쓸 수 있습니다.`,
  },
  TIME_NO_SUCH_TIME: {
    en: (p: { text: string }) => `"${p.text}" is not a time on the clock: hours go from 0 to 24, minutes and seconds from 0 to 59.`,
    ko: (p: { text: string }) => `"${p.text}"은(는) 없는 시각입니다. 시는 0~24, 분과 초는 0~59 사이로 써 주세요.`,
  },
  TIME_NO_SUCH_DATE: {
    en: (p: { text: string }) => `"${p.text}" is not a date on the calendar.`,
    ko: (p: { text: string }) => `"${p.text}"은(는) 달력에 없는 날짜입니다.`,
  },
  TIME_TOO_FAR: {
    en: (p: { maxDays: number }) => `A reservation can be at most ${p.maxDays} days ahead.`,
    ko: (p: { maxDays: number }) => `예약은 최대 ${p.maxDays}일 뒤까지만 가능합니다.`,
  },
  INVALID_TIME_ZONE: {
    en: (p: { zone: string }) => `"${p.zone}" is not a time zone I know. Use an IANA name such as Asia/Seoul or Europe/Berlin.`,
    ko: (p: { zone: string }) => `"${p.zone}"은(는) 알 수 없는 시간대입니다. Asia/Seoul, Europe/Berlin 같은 IANA 이름을 써 주세요.`,
  },
  UNKNOWN_TEMPLATE: {
    en: (p: { template: string; known: readonly string[] }) => `There is no template "${p.template}". Templates: ${list(p.known)}.`,
    ko: (p: { template: string; known: readonly string[] }) => `"${p.template}" 템플릿은 없습니다. 사용할 수 있는 템플릿: ${list(p.known)}.`,
  },
  UNKNOWN_LANGUAGE: {
    en: (p: { language: string; available: readonly string[] }) => `Language "${p.language}" is not available. Available: ${list(p.available)}.`,
    ko: (p: { language: string; available: readonly string[] }) => `"${p.language}" 언어는 지원하지 않습니다. 지원 언어: ${list(p.available)}.`,
  },
  MISSING_VARIABLES: {
    en: (p: { template: string; missing: readonly string[] }) => `Template "${p.template}" needs: ${list(p.missing)}. Pass them as vars, e.g. ${p.missing.map((m) => `${m}=…`).join(';')}`,
    ko: (p: { template: string; missing: readonly string[] }) => `"${p.template}" 템플릿에 필요한 변수가 없습니다: ${list(p.missing)}. vars 에 ${p.missing.map((m) => `${m}=…`).join(';')} 형식으로 넣어 주세요.`,
  },
  UNKNOWN_VARIABLES: {
    en: (p: { template: string; unknown: readonly string[]; expected: readonly string[] }) => `Template "${p.template}" does not use ${list(p.unknown)}. It takes: ${list(p.expected)}.`,
    ko: (p: { template: string; unknown: readonly string[]; expected: readonly string[] }) => `"${p.template}" 템플릿은 ${list(p.unknown)} 변수를 쓰지 않습니다. 쓰는 변수: ${list(p.expected)}.`,
  },
  INVALID_VARIABLES: {
    en: (p: { fragment: string }) => `"${p.fragment}" is not a key=value pair. Write vars as name=Alice;team=Ops.`,
    ko: (p: { fragment: string }) => `"${p.fragment}"은(는) key=value 형식이 아닙니다. vars 는 name=Alice;team=Ops 처럼 써 주세요.`,
  },
  TOO_MANY_VARIABLES: {
    en: (p: { max: number }) => `At most ${p.max} variables per mail.`,
    ko: (p: { max: number }) => `한 메일에 변수는 최대 ${p.max}개입니다.`,
  },
  DUPLICATE_VARIABLE: {
    en: (p: { name: string }) => `Variable "${p.name}" is given twice.`,
    ko: (p: { name: string }) => `"${p.name}" 변수가 두 번 들어 있습니다.`,
  },
  INVALID_RECIPIENT: {
    en: (p: { address: string }) => `"${p.address}" is not a valid e-mail address.`,
    ko: (p: { address: string }) => `"${p.address}"은(는) 올바른 이메일 주소가 아닙니다.`,
  },
  NO_RECIPIENTS: {
    en: (_: Record<string, never>) => 'Give at least one recipient address.',
    ko: (_: Record<string, never>) => '받는 사람 주소를 하나 이상 입력해 주세요.',
  },
  TOO_MANY_RECIPIENTS: {
    en: (p: { max: number }) => `At most ${p.max} recipients per mail.`,
    ko: (p: { max: number }) => `한 메일에 받는 사람은 최대 ${p.max}명입니다.`,
  },
  RECIPIENT_DOMAIN_NOT_ALLOWED: {
    en: (p: { address: string; allowed: readonly string[] }) => `Mail to "${p.address}" is not allowed here. Allowed domains: ${list(p.allowed)}.`,
    ko: (p: { address: string; allowed: readonly string[] }) => `"${p.address}"(으)로는 보낼 수 없습니다. 허용된 도메인: ${list(p.allowed)}.`,
  },
  DESCRIPTION_REQUIRED: {
    en: (_: Record<string, never>) => 'A reservation needs a description, so you can tell it apart later.',
    ko: (_: Record<string, never>) => '예약에는 나중에 알아볼 수 있도록 설명이 필요합니다.',
  },
  FIELD_TOO_LONG: {
    en: (p: { field: string; max: number }) => `${p.field} is too long (at most ${p.max} characters).`,
    ko: (p: { field: string; max: number }) => `${p.field}이(가) 너무 깁니다 (최대 ${p.max}자).`,
  },
  CONTROL_CHARACTER: {
    en: (p: ControlCharacterAt) =>
      p.field === 'description'
        ? `The description has a control character (${p.codePoint}, such as a line break) at character ${p.position}. Write it as one line of plain text.`
        : `The value of variable "${p.name}" has a control character (${p.codePoint}) at character ${p.position}. Remove it.`,
    ko: (p: ControlCharacterAt) =>
      p.field === 'description'
        ? `설명의 ${p.position}번째 글자에 제어 문자(${p.codePoint}, 줄바꿈 등)가 있습니다. 한 줄의 일반 텍스트로 써 주세요.`
        : `변수 "${p.name}" 값의 ${p.position}번째 글자에 제어 문자(${p.codePoint})가 있습니다. 지워 주세요.`,
  },
  TASK_NOT_FOUND: {
    en: (p: { taskId: string }) => `You have no task "${p.taskId}". Use /reserved to see your reservations.`,
    ko: (p: { taskId: string }) => `"${p.taskId}" 작업을 찾을 수 없습니다. /reserved 로 예약 목록을 확인해 주세요.`,
  },
  TASK_NOT_OPEN: {
    en: (p: { taskId: string; status: string }) => `Task ${p.taskId} is already ${p.status}, so it can no longer be changed.`,
    ko: (p: { taskId: string; status: string }) => `작업 ${p.taskId}은(는) 이미 ${p.status} 상태라 더 이상 바꿀 수 없습니다.`,
  },
  TASK_NOT_RESERVED: {
    en: (p: { taskId: string }) => `Task ${p.taskId} is being sent now, not waiting for a time, so it cannot be rescheduled.`,
    ko: (p: { taskId: string }) => `작업 ${p.taskId}은(는) 예약 대기 중이 아니라 지금 보내는 중이라 시각을 바꿀 수 없습니다.`,
  },
  TASK_ALREADY_SENDING: {
    en: (p: { taskId: string }) => `Too late: task ${p.taskId} is already sending, so nothing was changed.`,
    ko: (p: { taskId: string }) => `너무 늦었습니다: 작업 ${p.taskId}은(는) 이미 발송 중이라 아무것도 바꾸지 않았습니다.`,
  },
  SCHEDULE_FAILED: {
    en: (_: Record<string, never>) => 'Herald could not schedule this mail right now, so nothing was reserved. Please try again shortly.',
    ko: (_: Record<string, never>) => '지금은 메일을 예약할 수 없어 아무것도 예약되지 않았습니다. 잠시 후 다시 시도해 주세요.',
  },
  SCHEDULER_UNAVAILABLE: {
    en: (_: Record<string, never>) => 'Herald\'s scheduler did not answer in time, so nothing was changed. Please try again shortly.',
    ko: (_: Record<string, never>) => '스케줄러가 제때 응답하지 않아 아무것도 바뀌지 않았습니다. 잠시 후 다시 시도해 주세요.',
  },
  // Issue 9 §2: a start or a move whose outcome Herald cannot confirm, and the reschedule cap.
  SCHEDULE_UNCONFIRMED: {
    en: (p: { taskId: string }) => `Herald saved this mail as task ${p.taskId} but could not confirm it with its scheduler. Don't send it again: Herald keeps trying on its own, and if it cannot send it in time the task fails with the reason.`,
    ko: (p: { taskId: string }) => `이 메일을 작업 ${p.taskId}(으)로 저장했지만 스케줄러에서 확인받지 못했습니다. 다시 보내지 마세요: Herald 가 알아서 계속 시도하며, 제때 보내지 못하면 작업이 이유와 함께 실패로 끝납니다.`,
  },
  RESCHEDULE_UNCONFIRMED: {
    en: (p: { taskId: string }) => `Herald could not confirm the move of task ${p.taskId} with its scheduler. Its time is the one /reserved shows, and the mail goes out then.`,
    ko: (p: { taskId: string }) => `작업 ${p.taskId}의 시각 변경을 스케줄러에서 확인받지 못했습니다. /reserved 에 보이는 시각이 지금의 예약 시각이며, 메일은 그때 나갑니다.`,
  },
  TOO_MANY_RESCHEDULES: {
    en: (p: { max: number }) => `This reservation has been moved ${p.max} times, the most allowed. Cancel it and reserve it again instead.`,
    ko: (p: { max: number }) => `이 예약은 이미 최대치인 ${p.max}번 시각을 바꿨습니다. 취소한 뒤 새로 예약해 주세요.`,
  },
  // Mails are counted per recipient: a mail to three addresses is three.
  RATE_LIMITED: {
    en: (p: RateLimited) =>
      p.remaining === 0
        ? `You have reached the limit of ${p.limit} mails per hour. Try again in about ${p.retryInMinutes} minute(s).`
        : `This mail has ${p.requested} recipients, but only ${p.remaining} of your ${p.limit} mails per hour are left. Send to fewer recipients, or try again in about ${p.retryInMinutes} minute(s).`,
    ko: (p: RateLimited) =>
      p.remaining === 0
        ? `시간당 ${p.limit}통 한도에 도달했습니다. 약 ${p.retryInMinutes}분 뒤에 다시 시도해 주세요.`
        : `이 메일의 받는 사람은 ${p.requested}명인데, 시간당 ${p.limit}통 중 ${p.remaining}통만 남았습니다. 받는 사람을 줄이거나 약 ${p.retryInMinutes}분 뒤에 다시 시도해 주세요.`,
  },
  RECIPIENTS_OVER_HOURLY_LIMIT: {
    en: (p: { requested: number; limit: number }) => `This mail has ${p.requested} recipients, more than the ${p.limit} mails per hour allowed. Send it to fewer recipients.`,
    ko: (p: { requested: number; limit: number }) => `이 메일의 받는 사람(${p.requested}명)이 시간당 한도인 ${p.limit}통보다 많습니다. 받는 사람을 줄여 주세요.`,
  },
  RELAY_HOURLY_LIMIT: {
    en: (p: { limit: number; retryInMinutes: number }) => `Herald has reached its limit of ${p.limit} mails per hour for everyone together. Try again in about ${p.retryInMinutes} minute(s).`,
    ko: (p: { limit: number; retryInMinutes: number }) => `Herald 전체의 시간당 ${p.limit}통 한도에 도달했습니다. 약 ${p.retryInMinutes}분 뒤에 다시 시도해 주세요.`,
  },
  TOO_MANY_OPEN_RESERVATIONS: {
    en: (p: { max: number }) => `You already have ${p.max} open reservations, the most allowed. Cancel one first.`,
    ko: (p: { max: number }) => `열린 예약이 이미 최대치인 ${p.max}개입니다. 먼저 하나를 취소해 주세요.`,
  },
  MISSING_PERMISSION: {
    en: (p: { permission: string }) => `You need the ${p.permission} permission to use Herald here.`,
    ko: (p: { permission: string }) => `이 서버에서 Herald 를 쓰려면 ${p.permission} 권한이 필요합니다.`,
  },
  GUILD_ONLY: {
    en: (_: Record<string, never>) => 'Use Herald\'s commands in a server, not in direct messages.',
    ko: (_: Record<string, never>) => 'Herald 명령은 DM이 아니라 서버에서 사용해 주세요.',
  },
  SERVER_NOT_ALLOWED: {
    en: (_: Record<string, never>) => 'Herald is not set up to work in this server. Ask the bot\'s operator to allow it.',
    ko: (_: Record<string, never>) => '이 서버에서는 Herald 를 쓸 수 없도록 설정되어 있습니다. 봇 운영자에게 허용을 요청해 주세요.',
  },
  // Every admin-only action: a server's open tasks (/reserved scope:server, the dashboard's admin
  // page) and its templates.
  NOT_SERVER_ADMIN: {
    en: (_: Record<string, never>) => 'Only this server\'s Herald admins can see every task of the server or change its templates. Your own reservations are in /reserved.',
    ko: (_: Record<string, never>) => '서버의 모든 작업을 보거나 서버 템플릿을 바꾸는 일은 이 서버의 Herald 관리자만 할 수 있습니다. 내 예약은 /reserved 에서 볼 수 있습니다.',
  },
  NOT_YOUR_LIST_BUTTON: {
    en: (_: Record<string, never>) => 'These buttons page through someone else\'s list. Use /reserved for your own.',
    ko: (_: Record<string, never>) => '다른 사람의 목록을 넘기는 버튼입니다. 내 목록은 /reserved 로 확인해 주세요.',
  },
  NOT_YOUR_TASK_BUTTON: {
    en: (_: Record<string, never>) => 'Only the person who made this reservation can cancel it.',
    ko: (_: Record<string, never>) => '이 예약은 예약한 사람만 취소할 수 있습니다.',
  },
  INVALID_LIMIT: {
    en: (p: { max: number }) => `The limit must be between 1 and ${p.max}.`,
    ko: (p: { max: number }) => `개수는 1에서 ${p.max} 사이여야 합니다.`,
  },
  INVALID_PAGE: {
    en: (_: Record<string, never>) => 'That page of the list does not exist. Start again from its first page.',
    ko: (_: Record<string, never>) => '목록에 그런 페이지가 없습니다. 첫 페이지부터 다시 봐 주세요.',
  },
  INVALID_QUICK_MOVE: {
    en: (p: { moves: string }) => `That is not one of the quick moves (${p.moves}). Use reschedule for any other time.`,
    ko: (p: { moves: string }) => `빠른 이동(${p.moves}) 가운데 하나가 아닙니다. 다른 시각은 예약 시각 변경으로 정해 주세요.`,
  },

  // --- Repeating reservations (issue 11, src/domain/repeat/) -----------------------------------
  REPEAT_UNPARSEABLE: {
    en: (p: { input: string }) => `I could not read "${p.input}" as a repeat. Try "every day", "every weekday", "every monday", "every 2 weeks on friday", "every month on the 1st" or "every month on the last day".`,
    ko: (p: { input: string }) => `"${p.input}"을(를) 반복 주기로 읽을 수 없습니다. "매일", "평일마다", "매주 월요일", "격주 금요일", "매월 1일", "매월 말일" 같은 형식을 써 주세요.`,
  },
  REPEAT_HAS_TIME: {
    en: (p: { input: string }) => `"${p.input}" contains a time of day. Say only how often in repeat (e.g. "every monday"); the time comes from when.`,
    ko: (p: { input: string }) => `"${p.input}"에 시각이 들어 있습니다. 반복에는 주기만 쓰고(예: "매주 월요일"), 시각은 when 에 넣어 주세요.`,
  },
  REPEAT_HAS_UNTIL: {
    en: (p: { input: string }) => `"${p.input}" contains an end date. Say only how often in repeat, and put the last date in until.`,
    ko: (p: { input: string }) => `"${p.input}"에 종료일이 들어 있습니다. 반복에는 주기만 쓰고, 마지막 날짜는 until 에 넣어 주세요.`,
  },
  REPEAT_INVALID_INTERVAL: {
    en: (p: { value: number; max: number }) => `"${p.value}" cannot be a repeat step. Use a whole number from 1 to ${p.max}.`,
    ko: (p: { value: number; max: number }) => `"${p.value}"은(는) 반복 간격으로 쓸 수 없습니다. 1에서 ${p.max} 사이의 정수를 써 주세요.`,
  },
  REPEAT_INVALID_DAY: {
    en: (p: { day: number }) => `A month has no day ${p.day}. Use a day from 1 to 31, or "the last day".`,
    ko: (p: { day: number }) => `한 달에 ${p.day}일은 없습니다. 1일에서 31일 사이나 "말일"을 써 주세요.`,
  },
  REPEAT_INVALID_COUNT: {
    en: (p: { count: number }) => `"${p.count}" is not a number of runs. Use a whole number of at least 1.`,
    ko: (p: { count: number }) => `"${p.count}"은(는) 반복 횟수로 쓸 수 없습니다. 1 이상의 정수를 써 주세요.`,
  },
  REPEAT_TOO_OFTEN: {
    en: (p: { minSeconds: number }) => `That repeats too often. Herald repeats a mail at most once every ${durationText('en', p.minSeconds)}.`,
    ko: (p: { minSeconds: number }) => `반복이 너무 잦습니다. 반복 간격은 최소 ${durationText('ko', p.minSeconds)}입니다.`,
  },
  REPEAT_TOO_LONG: {
    en: (p: { maxDays: number; lastDate: string }) => `A series can run for at most ${p.maxDays} days after its first run (until ${p.lastDate} at the latest). Give an earlier until date or fewer runs.`,
    ko: (p: { maxDays: number; lastDate: string }) => `반복 예약은 첫 발송부터 최대 ${p.maxDays}일(늦어도 ${p.lastDate})까지만 가능합니다. until 날짜를 앞당기거나 횟수를 줄여 주세요.`,
  },
  REPEAT_UNTIL_UNPARSEABLE: {
    en: (p: { input: string }) => `I could not read "${p.input}" as a date. Write the last day of the series as 2027-03-01.`,
    ko: (p: { input: string }) => `"${p.input}"을(를) 날짜로 읽을 수 없습니다. 마지막 날을 2027-03-01 처럼 써 주세요.`,
  },
  REPEAT_UNTIL_BEFORE_FIRST: {
    en: (p: { until: string; firstRun: string }) => `The series would end (${p.until}) before its first run (${p.firstRun}). Pick a later until date.`,
    ko: (p: { until: string; firstRun: string }) => `종료일(${p.until})이 첫 발송일(${p.firstRun})보다 앞섭니다. 더 늦은 until 날짜를 골라 주세요.`,
  },
  REPEAT_BOTH_ENDS: {
    en: (_: Record<string, never>) => 'Give either an until date or a number of runs, not both.',
    ko: (_: Record<string, never>) => 'until 날짜와 반복 횟수 중 하나만 정해 주세요.',
  },
  UNTIL_WITHOUT_REPEAT: {
    en: (_: Record<string, never>) => 'until ends a repeating reservation: give repeat too (e.g. "every monday"), or leave until out.',
    ko: (_: Record<string, never>) => 'until 은 반복 예약의 종료일입니다. repeat 도 함께 주거나(예: "매주 월요일") until 을 빼 주세요.',
  },
  NOT_A_SERIES: {
    en: (p: { taskId: string }) => `Task ${p.taskId} is a single reservation, not a repeating one: only a series can be paused or resumed.`,
    ko: (p: { taskId: string }) => `작업 ${p.taskId}은(는) 반복 예약이 아니라 한 번만 보내는 예약이라 일시 정지하거나 다시 시작할 수 없습니다.`,
  },
  SERIES_ALREADY_PAUSED: {
    en: (p: { taskId: string }) => `Series ${p.taskId} is already paused. Use resume to go on with it.`,
    ko: (p: { taskId: string }) => `반복 예약 ${p.taskId}은(는) 이미 일시 정지되어 있습니다. 다시 시작하려면 resume 을 쓰세요.`,
  },
  SERIES_NOT_PAUSED: {
    en: (p: { taskId: string }) => `Series ${p.taskId} is not paused, so there is nothing to resume.`,
    ko: (p: { taskId: string }) => `반복 예약 ${p.taskId}은(는) 일시 정지 상태가 아니라 다시 시작할 것이 없습니다.`,
  },
  SERIES_PAUSED: {
    en: (p: { taskId: string }) => `Series ${p.taskId} is paused: resume it first, then move its next run.`,
    ko: (p: { taskId: string }) => `반복 예약 ${p.taskId}은(는) 일시 정지 중입니다. 먼저 다시 시작한 뒤 다음 발송을 옮겨 주세요.`,
  },
  SERIES_NO_RUNS_LEFT: {
    en: (p: { taskId: string }) => `Series ${p.taskId} has no runs left to move.`,
    ko: (p: { taskId: string }) => `반복 예약 ${p.taskId}에는 옮길 발송이 더 없습니다.`,
  },
  NOTHING_TO_EDIT: {
    en: (_: Record<string, never>) => 'Nothing to change: give a new to, vars, template or description.',
    ko: (_: Record<string, never>) => '바꿀 내용이 없습니다. 받는 사람(to), 변수(vars), 템플릿, 설명 중 바꿀 것을 주세요.',
  },
  NOT_YOUR_MOVE_BUTTON: {
    en: (_: Record<string, never>) => 'Only the person who made this reservation can move it.',
    ko: (_: Record<string, never>) => '이 예약은 예약한 사람만 옮길 수 있습니다.',
  },
  NOT_YOUR_CANCEL_ALL_BUTTON: {
    en: (_: Record<string, never>) => "This button cancels someone else's reservations. Use /cancel task:all for your own.",
    ko: (_: Record<string, never>) => '다른 사람의 예약을 취소하는 버튼입니다. 내 예약은 /cancel task:all 로 취소하세요.',
  },
  // --- end of repeating reservations ------------------------------------------------------------
  // ---- Server templates (issue 12) ----------------------------------------------------------
  TEMPLATE_NAME_INVALID: {
    en: (p: { name: string; max: number }) => `"${p.name}" cannot be a template name. Use 1 to ${p.max} lowercase letters, digits, - or _, starting with a letter.`,
    ko: (p: { name: string; max: number }) => `"${p.name}"은(는) 템플릿 이름으로 쓸 수 없습니다. 영문 소문자로 시작하는 1~${p.max}자의 영문 소문자, 숫자, -, _ 를 써 주세요.`,
  },
  TEMPLATE_NAME_BUILTIN: {
    en: (p: { name: string }) => `"${p.name}" is the name of a built-in template. Choose another name.`,
    ko: (p: { name: string }) => `"${p.name}"은(는) 기본 템플릿의 이름입니다. 다른 이름을 골라 주세요.`,
  },
  TEMPLATE_NAME_TAKEN: {
    en: (p: { name: string }) => `This server already has a template "${p.name}". Edit it, or choose another name.`,
    ko: (p: { name: string }) => `이 서버에는 이미 "${p.name}" 템플릿이 있습니다. 그 템플릿을 고치거나 다른 이름을 골라 주세요.`,
  },
  TEMPLATE_BUILTIN_READONLY: {
    en: (p: { name: string }) => `"${p.name}" is a built-in template; it cannot be changed or deleted here.`,
    ko: (p: { name: string }) => `"${p.name}"은(는) 기본 템플릿이라 여기서 바꾸거나 지울 수 없습니다.`,
  },
  TEMPLATE_LIMIT_REACHED: {
    en: (p: { max: number }) => `This server already has ${p.max} templates, the most allowed. Delete one first.`,
    ko: (p: { max: number }) => `이 서버의 템플릿이 이미 최대치인 ${p.max}개입니다. 먼저 하나를 지워 주세요.`,
  },
  TEMPLATE_PART_REQUIRED: {
    en: (p: { part: TemplatePart }) => `The ${partName.en[p.part]} is empty. A template needs a subject and a text body.`,
    ko: (p: { part: TemplatePart }) => `${partName.ko[p.part]}이(가) 비어 있습니다. 템플릿에는 제목과 텍스트 본문이 있어야 합니다.`,
  },
  TEMPLATE_PART_TOO_LONG: {
    en: (p: { part: TemplatePart; max: number; length: number }) => `The ${partName.en[p.part]} is ${p.length} characters long; at most ${p.max} are allowed.`,
    ko: (p: { part: TemplatePart; max: number; length: number }) => `${partName.ko[p.part]}이(가) ${p.length}자입니다. 최대 ${p.max}자까지 쓸 수 있습니다.`,
  },
  TEMPLATE_SUBJECT_MULTILINE: {
    en: (_: Record<string, never>) => 'The subject must be a single line. Remove the line breaks.',
    ko: (_: Record<string, never>) => '제목은 한 줄이어야 합니다. 줄바꿈을 지워 주세요.',
  },
  TEMPLATE_CONTROL_CHARACTER: {
    en: (p: { part: TemplatePart; line: number }) => `${at.en(p)}the text contains a control character that mail cannot carry. Remove it.`,
    ko: (p: { part: TemplatePart; line: number }) => `${at.ko(p)}메일에 쓸 수 없는 제어 문자가 있습니다. 지워 주세요.`,
  },
  TEMPLATE_TOO_MANY_TAGS: {
    en: (p: { part: TemplatePart; max: number }) => `The ${partName.en[p.part]} has more than ${p.max} {{…}} tags.`,
    ko: (p: { part: TemplatePart; max: number }) => `${partName.ko[p.part]}에 {{…}} 태그가 ${p.max}개보다 많습니다.`,
  },
  TEMPLATE_NESTING_TOO_DEEP: {
    en: (p: { part: TemplatePart; line: number; max: number }) => `${at.en(p)}blocks are nested more than ${p.max} deep.`,
    ko: (p: { part: TemplatePart; line: number; max: number }) => `${at.ko(p)}블록이 ${p.max}단계보다 깊게 겹쳐 있습니다.`,
  },
  TEMPLATE_SYNTAX: {
    en: (p: { part: TemplatePart; line: number; near: string }) =>
      p.near === '' ? `${at.en(p)}the template ends inside an unfinished {{…}} tag or block.` : `${at.en(p)}this is not valid Handlebars near \`${p.near}\`.`,
    ko: (p: { part: TemplatePart; line: number; near: string }) =>
      p.near === '' ? `${at.ko(p)}끝나지 않은 {{…}} 태그나 블록이 있습니다.` : `${at.ko(p)}\`${p.near}\` 근처가 Handlebars 문법에 맞지 않습니다.`,
  },
  TEMPLATE_BLOCK_MISMATCH: {
    en: (p: { part: TemplatePart; line: number; open: string; close: string }) => `${at.en(p)}{{#${p.open}}} is closed with {{/${p.close}}}.`,
    ko: (p: { part: TemplatePart; line: number; open: string; close: string }) => `${at.ko(p)}{{#${p.open}}} 블록을 {{/${p.close}}}(으)로 닫았습니다.`,
  },
  TEMPLATE_HELPER_NOT_ALLOWED: {
    en: (p: { part: TemplatePart; line: number; helper: string; allowed: readonly string[] }) => `${at.en(p)}unknown helper \`${p.helper}\`. Templates may use only ${list(p.allowed)}.`,
    ko: (p: { part: TemplatePart; line: number; helper: string; allowed: readonly string[] }) => `${at.ko(p)}\`${p.helper}\` 헬퍼는 쓸 수 없습니다. 쓸 수 있는 헬퍼: ${list(p.allowed)}.`,
  },
  TEMPLATE_HELPER_ARGUMENTS: {
    en: (p: { part: TemplatePart; line: number; helper: string }) => `${at.en(p)}write \`${p.helper}\` as a block on one variable: {{#${p.helper} name}}…{{/${p.helper}}}.`,
    ko: (p: { part: TemplatePart; line: number; helper: string }) => `${at.ko(p)}\`${p.helper}\` 은(는) 변수 하나에 대한 블록으로 써 주세요: {{#${p.helper} name}}…{{/${p.helper}}}.`,
  },
  TEMPLATE_SECTION_NOT_ALLOWED: {
    en: (p: { part: TemplatePart; line: number; name: string }) => `${at.en(p)}{{#${p.name}}} sections are not supported; use {{#if ${p.name}}}…{{/if}}.`,
    ko: (p: { part: TemplatePart; line: number; name: string }) => `${at.ko(p)}{{#${p.name}}} 형식은 쓸 수 없습니다. {{#if ${p.name}}}…{{/if}} 를 써 주세요.`,
  },
  TEMPLATE_PARTIAL_NOT_ALLOWED: {
    en: (p: { part: TemplatePart; line: number }) => `${at.en(p)}partials ({{> …}}) are not allowed in server templates.`,
    ko: (p: { part: TemplatePart; line: number }) => `${at.ko(p)}서버 템플릿에서는 partial({{> …}})을 쓸 수 없습니다.`,
  },
  TEMPLATE_UNESCAPED_NOT_ALLOWED: {
    en: (p: { part: TemplatePart; line: number; expression: string }) => `${at.en(p)}\`${p.expression}\` would insert a value without escaping it. Use {{name}} with two braces.`,
    ko: (p: { part: TemplatePart; line: number; expression: string }) => `${at.ko(p)}\`${p.expression}\` 은(는) 값을 이스케이프하지 않고 넣습니다. 중괄호 두 개의 {{name}} 을 써 주세요.`,
  },
  TEMPLATE_EXPRESSION_NOT_ALLOWED: {
    en: (p: { part: TemplatePart; line: number; expression: string }) => `${at.en(p)}\`${p.expression}\` is not allowed. Write a plain variable such as {{name}}.`,
    ko: (p: { part: TemplatePart; line: number; expression: string }) => `${at.ko(p)}\`${p.expression}\` 은(는) 쓸 수 없습니다. {{name}} 처럼 변수 이름만 써 주세요.`,
  },
  TEMPLATE_VARIABLE_NAME: {
    en: (p: { part: TemplatePart; line: number; name: string; max: number }) => `${at.en(p)}"${p.name}" cannot be a variable name. Use up to ${p.max} letters A–Z, digits and _, not starting with a digit or "__".`,
    ko: (p: { part: TemplatePart; line: number; name: string; max: number }) => `${at.ko(p)}"${p.name}"은(는) 변수 이름으로 쓸 수 없습니다. 영문자, 숫자, _ 로 된 ${p.max}자 이하의 이름을 써 주세요. 숫자나 "__"로 시작할 수 없습니다.`,
  },
  TEMPLATE_TOO_MANY_VARIABLES: {
    en: (p: { count: number; max: number }) => `The template uses ${p.count} variables; at most ${p.max} are allowed.`,
    ko: (p: { count: number; max: number }) => `템플릿이 변수를 ${p.count}개 씁니다. 최대 ${p.max}개까지 쓸 수 있습니다.`,
  },
  TEMPLATE_RENDER_FAILED: {
    en: (p: { part: TemplatePart }) => `The ${partName.en[p.part]} could not be rendered with these values.`,
    ko: (p: { part: TemplatePart }) => `이 값으로는 ${partName.ko[p.part]}을(를) 만들 수 없습니다.`,
  },
  TEMPLATE_OUTPUT_TOO_LONG: {
    en: (p: { part: TemplatePart; max: number }) => `With these values the ${partName.en[p.part]} would be longer than ${p.max} characters. Use shorter values.`,
    ko: (p: { part: TemplatePart; max: number }) => `이 값으로는 ${partName.ko[p.part]}이(가) ${p.max}자를 넘습니다. 더 짧은 값을 써 주세요.`,
  },
  // Front ends of server templates: Discord forms and the console's files.
  VARS_FORM_TOO_MANY: {
    en: (p: { template: string; count: number; max: number; variables: readonly string[] }) =>
      `Template "${p.template}" has ${p.count} variables, more than a Discord form can ask for (${p.max}). Give them in vars: ${p.variables.map((v) => `${v}=…`).join(';')}`,
    ko: (p: { template: string; count: number; max: number; variables: readonly string[] }) =>
      `"${p.template}" 템플릿의 변수는 ${p.count}개로, Discord 입력 창에 담을 수 있는 수(${p.max}개)보다 많습니다. vars 에 넣어 주세요: ${p.variables.map((v) => `${v}=…`).join(';')}`,
  },
  FORM_EXPIRED: {
    en: (_: Record<string, never>) => 'This form has expired (Herald keeps a form for 30 minutes, and not across a restart). Run the command again.',
    ko: (_: Record<string, never>) => '입력 창이 만료되었습니다 (Herald 는 입력 창을 30분 동안, 재시작 전까지만 기억합니다). 명령을 다시 실행해 주세요.',
  },
  NOT_YOUR_FORM: {
    en: (_: Record<string, never>) => 'This form was opened by someone else. Run the command yourself.',
    ko: (_: Record<string, never>) => '다른 사람이 연 입력 창입니다. 명령을 직접 실행해 주세요.',
  },
  TEMPLATE_TOO_LONG_FOR_FORM: {
    en: (p: { name: string; language: string; part: TemplatePart; length: number; max: number }) =>
      `The ${partName.en[p.part]} of "${p.name}" (${p.language}) is ${p.length} characters long, more than a Discord form holds (${p.max}). Edit it from the console (template edit) or the dashboard.`,
    ko: (p: { name: string; language: string; part: TemplatePart; length: number; max: number }) =>
      `"${p.name}"(${p.language})의 ${partName.ko[p.part]}은(는) ${p.length}자로, Discord 입력 창에 담을 수 있는 길이(${p.max}자)보다 깁니다. 콘솔(template edit)이나 대시보드에서 고쳐 주세요.`,
  },
  TEMPLATE_FILE_UNREADABLE: {
    en: (p: { path: string; reason: FileProblem }) => `Could not read "${p.path}": ${fileProblem.en[p.reason]}. Nothing was changed.`,
    ko: (p: { path: string; reason: FileProblem }) => `"${p.path}" 파일을 읽을 수 없습니다: ${fileProblem.ko[p.reason]}. 아무것도 바꾸지 않았습니다.`,
  },
  TEMPLATE_FILE_TOO_LARGE: {
    en: (p: { path: string; max: number }) => `"${p.path}" is too large for a template body (at most ${p.max} characters). Nothing was changed.`,
    ko: (p: { path: string; max: number }) => `"${p.path}" 파일은 템플릿 본문으로 쓰기에 너무 큽니다 (최대 ${p.max}자). 아무것도 바꾸지 않았습니다.`,
  },
} as const;

export type ErrorCode = keyof typeof errors;
export type ErrorParams<C extends ErrorCode> = Parameters<(typeof errors)[C]['en']>[0];

export function errorMessage<C extends ErrorCode>(locale: Locale, code: C, params: ErrorParams<C>): string {
  const render = errors[code][locale] as (p: ErrorParams<C>) => string;
  return render(params);
}

/** The short apology for an unexpected error; the details go to the log, never to the user. */
export const apology: Record<Locale, string> = {
  en: 'Sorry, something went wrong on our side. It has been logged; please try again.',
  ko: '죄송합니다. 처리 중에 문제가 생겼습니다. 기록해 두었으니 다시 시도해 주세요.',
};
