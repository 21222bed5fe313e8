import { describe, it, expect } from 'vitest';
import { apology, errorMessage, type ErrorCode, type ErrorParams } from '../../src/i18n/messages.js';
import { HeraldError } from '../../src/domain/errors.js';

// One plausible parameter set per code. The mapped type makes tsc fail if a code is added
// to messages.ts without being added here.
const PARAMS: { [C in ErrorCode]: ErrorParams<C> } = {
  TIME_IN_PAST: { when: '2026-11-26T19:00:00.000Z' },
  TIME_TOO_SOON: { minSeconds: 60 },
  TIME_UNPARSEABLE: { input: 'blah' },
  TIME_PARTIAL: { understood: '9am', rest: 'blah' },
  TIME_RANGE: { input: 'from 9 to 10' },
  // The Korean parser fills these with Korean words; the check below wants plain ones in English.
  TIME_AMBIGUOUS: { text: '12 am', options: ['noon', 'midnight'] },
  TIME_HOUR_OUTSIDE_PART: { text: 'evening 3', part: 'evening', first: 5, last: 11 },
  TIME_NO_SUCH_TIME: { text: '25:00' },
  TIME_NO_SUCH_DATE: { text: 'Feb 30' },
  TIME_TOO_FAR: { maxDays: 366 },
  INVALID_TIME_ZONE: { zone: 'Mars/Base' },
  UNKNOWN_TEMPLATE: { template: 'nope', known: ['notice', 'reminder', 'welcome'] },
  UNKNOWN_LANGUAGE: { language: 'fr', available: ['en', 'ko'] },
  MISSING_VARIABLES: { template: 'welcome', missing: ['name'] },
  UNKNOWN_VARIABLES: { template: 'welcome', unknown: ['team'], expected: ['community', 'name'] },
  INVALID_VARIABLES: { fragment: 'a' },
  TOO_MANY_VARIABLES: { max: 20 },
  DUPLICATE_VARIABLE: { name: 'a' },
  INVALID_RECIPIENT: { address: 'ax.com' },
  NO_RECIPIENTS: {},
  TOO_MANY_RECIPIENTS: { max: 10 },
  RECIPIENT_DOMAIN_NOT_ALLOWED: { address: 'a@x.com', allowed: ['example.com'] },
  DESCRIPTION_REQUIRED: {},
  FIELD_TOO_LONG: { field: 'to', max: 2000 },
  CONTROL_CHARACTER: { field: 'variable', name: 'body', codePoint: 'U+0000', position: 3 },
  TASK_NOT_FOUND: { taskId: 'T-1' },
  TASK_NOT_OPEN: { taskId: 'T-1', status: 'finished' },
  TASK_NOT_RESERVED: { taskId: 'T-1' },
  TASK_ALREADY_SENDING: { taskId: 'T-1' },
  SCHEDULE_FAILED: {},
  SCHEDULER_UNAVAILABLE: {},
  SCHEDULE_UNCONFIRMED: { taskId: 'T-1' },
  RESCHEDULE_UNCONFIRMED: { taskId: 'T-1' },
  TOO_MANY_RESCHEDULES: { max: 20 },
  RATE_LIMITED: { limit: 20, remaining: 0, requested: 1, retryInMinutes: 7 },
  RECIPIENTS_OVER_HOURLY_LIMIT: { requested: 12, limit: 10 },
  RELAY_HOURLY_LIMIT: { limit: 500, retryInMinutes: 12 },
  TOO_MANY_OPEN_RESERVATIONS: { max: 25 },
  MISSING_PERMISSION: { permission: 'Manage Messages' },
  GUILD_ONLY: {},
  NOT_YOUR_TASK_BUTTON: {},
  SERVER_NOT_ALLOWED: {},
  NOT_SERVER_ADMIN: {},
  NOT_YOUR_LIST_BUTTON: {},
  INVALID_LIMIT: { max: 25 },
  INVALID_PAGE: {},
  INVALID_QUICK_MOVE: { moves: '10m, 1h, tomorrow' },
  // Repeating reservations (issue 11).
  UNTIL_WITHOUT_REPEAT: {},
  NOT_A_SERIES: { taskId: 'T-1' },
  SERIES_ALREADY_PAUSED: { taskId: 'T-1' },
  SERIES_NOT_PAUSED: { taskId: 'T-1' },
  SERIES_PAUSED: { taskId: 'T-1' },
  SERIES_NO_RUNS_LEFT: { taskId: 'T-1' },
  NOTHING_TO_EDIT: {},
  NOT_YOUR_MOVE_BUTTON: {},
  NOT_YOUR_CANCEL_ALL_BUTTON: {},
  REPEAT_UNPARSEABLE: { input: 'every blue moon' },
  REPEAT_HAS_TIME: { input: 'every monday 9am' },
  REPEAT_HAS_UNTIL: { input: 'every monday until march' },
  REPEAT_INVALID_INTERVAL: { value: 0, max: 999 },
  REPEAT_INVALID_DAY: { day: 32 },
  REPEAT_INVALID_COUNT: { count: 0 },
  REPEAT_TOO_OFTEN: { minSeconds: 3600 },
  REPEAT_TOO_LONG: { maxDays: 366, lastDate: '2027-11-28' },
  REPEAT_UNTIL_UNPARSEABLE: { input: 'someday' },
  REPEAT_UNTIL_BEFORE_FIRST: { until: '2026-11-01', firstRun: '2026-11-30' },
  REPEAT_BOTH_ENDS: {},
  TEMPLATE_NAME_INVALID: { name: 'Bad Name', max: 32 },
  TEMPLATE_NAME_BUILTIN: { name: 'welcome' },
  TEMPLATE_NAME_TAKEN: { name: 'promo' },
  TEMPLATE_BUILTIN_READONLY: { name: 'welcome' },
  TEMPLATE_LIMIT_REACHED: { max: 50 },
  TEMPLATE_PART_REQUIRED: { part: 'text' },
  TEMPLATE_PART_TOO_LONG: { part: 'subject', max: 200, length: 201 },
  TEMPLATE_SUBJECT_MULTILINE: {},
  TEMPLATE_CONTROL_CHARACTER: { part: 'html', line: 2 },
  TEMPLATE_TOO_MANY_TAGS: { part: 'text', max: 200 },
  TEMPLATE_NESTING_TOO_DEEP: { part: 'text', line: 9, max: 8 },
  TEMPLATE_SYNTAX: { part: 'text', line: 3, near: '{{/if' },
  TEMPLATE_BLOCK_MISMATCH: { part: 'html', line: 4, open: 'if', close: 'unless' },
  TEMPLATE_HELPER_NOT_ALLOWED: { part: 'text', line: 3, helper: 'foo', allowed: ['if', 'unless'] },
  TEMPLATE_HELPER_ARGUMENTS: { part: 'text', line: 1, helper: 'if' },
  TEMPLATE_SECTION_NOT_ALLOWED: { part: 'text', line: 1, name: 'items' },
  TEMPLATE_PARTIAL_NOT_ALLOWED: { part: 'html', line: 1 },
  TEMPLATE_UNESCAPED_NOT_ALLOWED: { part: 'html', line: 5, expression: '{{{name}}}' },
  TEMPLATE_EXPRESSION_NOT_ALLOWED: { part: 'text', line: 2, expression: '{{@root.name}}' },
  TEMPLATE_VARIABLE_NAME: { part: 'subject', line: 1, name: '__proto__', max: 40 },
  TEMPLATE_TOO_MANY_VARIABLES: { count: 21, max: 20 },
  TEMPLATE_RENDER_FAILED: { part: 'html' },
  TEMPLATE_OUTPUT_TOO_LONG: { part: 'subject', max: 500 },
  VARS_FORM_TOO_MANY: { template: 'launch', count: 6, max: 5, variables: ['a', 'b', 'c', 'd', 'e', 'f'] },
  FORM_EXPIRED: {},
  NOT_YOUR_FORM: {},
  TEMPLATE_TOO_LONG_FOR_FORM: { name: 'launch', language: 'ko', part: 'text', length: 4500, max: 4000 },
  TEMPLATE_FILE_UNREADABLE: { path: 'body.txt', reason: 'missing' },
  TEMPLATE_FILE_TOO_LARGE: { path: 'body.txt', max: 20000 },
};
const CODES = Object.keys(PARAMS) as ErrorCode[];

function message(locale: 'en' | 'ko', code: ErrorCode): string {
  return errorMessage(locale, code, PARAMS[code] as never);
}

const HANGUL = /[\uAC00-\uD7A3]/;

describe('error messages', () => {
  it('covers 96 codes', () => {
    expect(CODES).toHaveLength(96);
  });

  for (const code of CODES) {
    it(`${code} has an English and a Korean message`, () => {
      const en = message('en', code);
      const ko = message('ko', code);
      expect(en.trim().length).toBeGreaterThan(10);
      expect(ko.trim().length).toBeGreaterThan(5);
      expect(HANGUL.test(ko)).toBe(true);
      expect(HANGUL.test(en)).toBe(false);
      expect(en).not.toBe(ko);
      expect(en).not.toMatch(/undefined|NaN|\[object Object\]/);
      expect(ko).not.toMatch(/undefined|NaN|\[object Object\]/);
    });
  }

  it('interpolates parameters', () => {
    expect(message('en', 'TIME_TOO_SOON')).toBe('A reservation must be at least 1 minute(s) ahead. Use /sendmail to send now.');
    expect(message('ko', 'TIME_TOO_SOON')).toBe('예약은 지금부터 최소 1분 뒤여야 합니다. 바로 보내려면 /sendmail 을 쓰세요.');
    expect(message('en', 'UNKNOWN_TEMPLATE')).toBe('There is no template "nope". Templates: notice, reminder, welcome.');
    expect(message('en', 'MISSING_VARIABLES')).toBe('Template "welcome" needs: name. Pass them as vars, e.g. name=…');
    expect(message('en', 'RATE_LIMITED')).toBe('You have reached the limit of 20 mails per hour. Try again in about 7 minute(s).');
    // Mails are counted per recipient: a request that does not fit says how many are left.
    expect(errorMessage('en', 'RATE_LIMITED', { limit: 20, remaining: 2, requested: 3, retryInMinutes: 7 })).toBe(
      'This mail has 3 recipients, but only 2 of your 20 mails per hour are left. Send to fewer recipients, or try again in about 7 minute(s).',
    );
    expect(message('en', 'CONTROL_CHARACTER')).toBe('The value of variable "body" has a control character (U+0000) at character 3. Remove it.');
    expect(errorMessage('ko', 'CONTROL_CHARACTER', { field: 'description', codePoint: 'U+000A', position: 5 })).toBe(
      '설명의 5번째 글자에 제어 문자(U+000A, 줄바꿈 등)가 있습니다. 한 줄의 일반 텍스트로 써 주세요.',
    );
    expect(message('ko', 'TOO_MANY_RECIPIENTS')).toBe('한 메일에 받는 사람은 최대 10명입니다.');
    expect(message('en', 'TEMPLATE_HELPER_NOT_ALLOWED')).toBe('Text body, line 3: unknown helper `foo`. Templates may use only if, unless.');
    expect(message('ko', 'TEMPLATE_HELPER_NOT_ALLOWED')).toBe('텍스트 본문 3번째 줄: `foo` 헬퍼는 쓸 수 없습니다. 쓸 수 있는 헬퍼: if, unless.');
    expect(message('en', 'TEMPLATE_SYNTAX')).toBe('Text body, line 3: this is not valid Handlebars near `{{/if`.');
    expect(errorMessage('en', 'TEMPLATE_SYNTAX', { part: 'html', line: 7, near: '' })).toBe(
      'HTML body, line 7: the template ends inside an unfinished {{…}} tag or block.',
    );
  });

  it('HeraldError carries the English message and can give the Korean one', () => {
    const err = new HeraldError('TIME_TOO_FAR', { maxDays: 366 });
    expect(err.message).toBe('A reservation can be at most 366 days ahead.');
    expect(err.messageFor('ko')).toBe('예약은 최대 366일 뒤까지만 가능합니다.');
    expect(err.name).toBe('HeraldError');
  });

  it('has an apology in both languages', () => {
    expect(apology.en).toBe('Sorry, something went wrong on our side. It has been logged; please try again.');
    expect(HANGUL.test(apology.ko)).toBe(true);
  });
});
