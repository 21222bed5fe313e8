// The dashboard's words, in English and Korean. Errors come from messages.ts; labels the other front
// ends share (a task's fields, its actions) from ui.ts, so each is written once.
import type { Locale } from './locale.js';

const text = {
  skipToContent: { en: 'Skip to content', ko: '본문으로 건너뛰기' },
  navNewMail: { en: 'New mail', ko: '새 메일' },
  navReservations: { en: 'My reservations', ko: '내 예약' },
  navHistory: { en: 'History', ko: '기록' },
  navAdmin: { en: 'Server admin', ko: '서버 관리' },
  signedInAs: { en: 'Signed in as', ko: '로그인:' },
  signOut: { en: 'Sign out', ko: '로그아웃' },
  switchLanguage: { en: '한국어', ko: 'English' },

  signInTitle: { en: 'Sign in to Herald', ko: 'Herald 로그인' },
  signInIntro: {
    en: 'Herald sends templated e-mail now or at a reserved time. Sign in with the Discord account you use on your server.',
    ko: 'Herald 는 템플릿 메일을 지금 또는 예약한 시각에 보냅니다. 서버에서 쓰는 Discord 계정으로 로그인하세요.',
  },
  signInWithDiscord: { en: 'Sign in with Discord', ko: 'Discord 로 로그인' },
  signInLocal: {
    en: 'This Herald runs without Discord. Open the sign-in link that `npm run dev` printed in its terminal (type `web` at the prompt for a new one).',
    ko: '이 Herald 는 Discord 없이 실행 중입니다. `npm run dev` 가 터미널에 출력한 로그인 링크를 여세요 (새 링크는 프롬프트에서 `web` 입력).',
  },
  signInRefused: { en: 'Sign-in was refused', ko: '로그인이 거부되었습니다' },
  signInBadState: {
    en: 'This sign-in did not start here, or it took too long. Nothing was changed. Start again.',
    ko: '이 로그인은 여기서 시작되지 않았거나 너무 오래 걸렸습니다. 아무것도 바뀌지 않았습니다. 다시 시작해 주세요.',
  },
  signInDenied: { en: 'Discord did not authorize Herald. Nothing was changed.', ko: 'Discord 가 Herald 를 승인하지 않았습니다. 아무것도 바뀌지 않았습니다.' },
  signInLinkUsed: {
    en: 'This sign-in link has been used or has expired. Type `web` at the Herald prompt for a new one.',
    ko: '이미 쓰였거나 만료된 로그인 링크입니다. Herald 프롬프트에서 `web` 을 입력해 새 링크를 받으세요.',
  },
  signInFailed: { en: 'Herald could not reach Discord to sign you in. Please try again.', ko: 'Discord 에 연결하지 못해 로그인하지 못했습니다. 다시 시도해 주세요.' },
  startAgain: { en: 'Start again', ko: '다시 시작' },
  signedOut: { en: 'You are signed out.', ko: '로그아웃했습니다.' },
  sessionEnded: { en: 'Your session has ended. Sign in again.', ko: '세션이 끝났습니다. 다시 로그인해 주세요.' },

  noServers: {
    en: 'None of your Discord servers uses this Herald, or you lack the permission Herald needs there.',
    ko: '이 Herald 를 쓰는 Discord 서버가 없거나, 그 서버에서 필요한 권한이 없습니다.',
  },
  localServer: { en: 'This computer', ko: '이 컴퓨터' },

  newMailTitle: { en: 'New mail', ko: '새 메일' },
  stepChoose: { en: '1. Server and template', ko: '1. 서버와 템플릿' },
  stepWrite: { en: '2. The mail', ko: '2. 메일 내용' },
  server: { en: 'Server', ko: '서버' },
  template: { en: 'Template', ko: '템플릿' },
  builtinTemplates: { en: 'Built-in', ko: '기본 템플릿' },
  serverTemplates: { en: 'This server’s', ko: '이 서버의 템플릿' },
  mailLanguage: { en: 'Language of the mail', ko: '메일 언어' },
  choose: { en: 'Use this template', ko: '이 템플릿 쓰기' },
  variablesLegend: { en: 'Template fields', ko: '템플릿 항목' },
  optional: { en: 'optional', ko: '선택' },
  noVariables: { en: 'This template has no fields.', ko: '이 템플릿에는 채울 항목이 없습니다.' },
  recipients: { en: 'Recipients', ko: '받는 사람' },
  recipientsHint: { en: 'One address, or several separated by commas.', ko: '주소 하나, 또는 쉼표로 구분한 여러 주소.' },
  sendWhen: { en: 'When', ko: '발송 시점' },
  sendNow: { en: 'Send now', ko: '지금 보내기' },
  sendLater: { en: 'Reserve for later', ko: '나중으로 예약' },
  whenLabel: { en: 'Time, in words', ko: '시각 (말로)' },
  whenHint: { en: 'e.g. “tomorrow 9am”, “in 2 hours”, “2026-12-01 09:00”, “내일 오전 9시”', ko: '예: “내일 오전 9시”, “2시간 후”, “2026-12-01 09:00”, “tomorrow 9am”' },
  descriptionHint: { en: 'Required for a reservation, so you can tell it apart later.', ko: '예약에는 필수입니다. 나중에 알아볼 수 있게 적어 주세요.' },
  submitMail: { en: 'Send or reserve', ko: '보내기 / 예약' },
  previewWaiting: { en: 'Type a time to see when it sends.', ko: '시각을 입력하면 발송 시각을 미리 보여 줍니다.' },
  yourHeraldZone: { en: 'Times you type are read in your Herald time zone', ko: '입력한 시각은 Herald 시간대 기준으로 읽습니다' },
  useBrowserZone: { en: 'Use this browser’s time zone', ko: '이 브라우저의 시간대 쓰기' },
  zoneSaved: { en: 'Your Herald time zone is now', ko: 'Herald 시간대를 바꿨습니다:' },
  sends: { en: 'Sends', ko: '발송' },

  reservationsTitle: { en: 'My reservations', ko: '내 예약' },
  nextTime: { en: 'Next', ko: '다음 발송' },
  showServer: { en: 'Show this server', ko: '이 서버 보기' },
  quickMoves: { en: 'Move', ko: '옮기기' },
  rescheduleLabel: { en: 'New time', ko: '새 시각' },
  reschedule: { en: 'Reschedule', ko: '시각 바꾸기' },
  cancel: { en: 'Cancel', ko: '취소' },

  historyTitle: { en: 'History', ko: '기록' },
  historyEmpty: { en: 'Nothing here yet.', ko: '아직 기록이 없습니다.' },
  filterAll: { en: 'All', ko: '전체' },
  filterSent: { en: 'Sent', ko: '발송됨' },
  filterFailed: { en: 'Failed', ko: '실패' },
  filterCanceled: { en: 'Canceled', ko: '취소됨' },
  filterLabel: { en: 'Show', ko: '보기' },
  failedAt: { en: 'Failed', ko: '실패 시각' },
  canceledAt: { en: 'Canceled', ko: '취소 시각' },
  reason: { en: 'Reason', ko: '사유' },
  previousPage: { en: 'Newer', ko: '최근' },
  nextPage: { en: 'Older', ko: '이전' },
  page: { en: 'Page', ko: '페이지' },

  adminTitle: { en: 'Server admin', ko: '서버 관리' },
  adminNone: { en: 'You are not an admin of any server that uses this Herald.', ko: '이 Herald 를 쓰는 서버 중 관리하는 서버가 없습니다.' },
  openTasks: { en: 'Open tasks on this server', ko: '이 서버의 대기 중인 작업' },
  openTasksEmpty: { en: 'No open tasks.', ko: '대기 중인 작업이 없습니다.' },
  requester: { en: 'Requested by', ko: '요청한 사람' },
  templatesEmpty: { en: 'This server has no templates of its own yet.', ko: '이 서버에는 아직 자체 템플릿이 없습니다.' },
  newTemplate: { en: 'New template', ko: '새 템플릿' },
  edit: { en: 'Edit', ko: '편집' },
  delete: { en: 'Delete', ko: '삭제' },
  deleteConfirm: { en: 'Delete for good?', ko: '정말 삭제할까요?' },
  deleteTemplate: { en: 'Yes, delete this template', ko: '네, 이 템플릿을 삭제합니다' },
  updated: { en: 'Updated', ko: '수정' },
  by: { en: 'by', ko: '작성자' },

  templateName: { en: 'Name', ko: '이름' },
  templateNameHint: { en: 'Lowercase letters, digits, - and _, starting with a letter.', ko: '영문 소문자로 시작하는 영문 소문자, 숫자, -, _.' },
  templateSyntax: {
    en: 'Write {{name}} for a field, {{#if name}}…{{/if}} for a part shown only when it is filled in.',
    ko: '항목은 {{name}}, 채웠을 때만 보일 부분은 {{#if name}}…{{/if}} 로 씁니다.',
  },
  save: { en: 'Save', ko: '저장' },
  previewLive: { en: 'Live preview, with sample values', ko: '예시 값으로 본 실시간 미리 보기' },
  previewVariables: { en: 'Fields', ko: '항목' },

  notFoundTitle: { en: 'Not found', ko: '찾을 수 없음' },
  notFound: { en: 'There is nothing here, or it is not yours to see.', ko: '여기에는 아무것도 없거나, 볼 수 없는 항목입니다.' },
  forbiddenTitle: { en: 'Refused', ko: '거부됨' },
  csrfRefused: {
    en: 'This form was out of date or did not come from this page, so nothing was changed. Go back, reload and try again.',
    ko: '오래되었거나 이 페이지에서 온 양식이 아니어서 아무것도 바뀌지 않았습니다. 돌아가서 새로 고친 뒤 다시 시도해 주세요.',
  },
  errorTitle: { en: 'Something went wrong', ko: '문제가 생겼습니다' },
  back: { en: 'Back', ko: '돌아가기' },
  home: { en: 'Home', ko: '처음으로' },
} as const satisfies Record<string, Record<Locale, string>>;

export type WebTextKey = keyof typeof text;

export function wt(locale: Locale, key: WebTextKey): string {
  return text[key][locale];
}
