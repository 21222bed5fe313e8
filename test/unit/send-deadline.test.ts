// The failures Herald causes itself (a missed deadline, a database away until then) are stored with
// a user-safe reason like the relay's: the send step's failure text is all the workflow records,
// so that text must be recognized, and nothing else mistaken for it.
import { describe, expect, it } from 'vitest';
import { FAILURE_REASONS } from '../../src/domain/failure-reason.js';
import { databaseUnavailableReason, deadlineFailureReason, tooLateReason } from '../../src/domain/send-deadline.js';
import { failureText } from '../../src/i18n/ui.js';

describe('deadlineFailureReason', () => {
  it('recognizes the send step\'s own words for a missed deadline, whatever the bound', () => {
    for (const ms of [1_000, 90_000, 600_000, 7 * 86_400_000]) {
      expect(deadlineFailureReason(tooLateReason(ms))).toBe('too-late');
      expect(deadlineFailureReason(databaseUnavailableReason(ms))).toBe('database-unavailable');
    }
    expect(deadlineFailureReason(databaseUnavailableReason(undefined))).toBe('database-unavailable');
  });

  it('leaves every other failure alone', () => {
    for (const error of [
      '550 5.1.1 <ada@example.com>: Recipient address rejected',
      'ECONNECTION: connect ECONNREFUSED 127.0.0.1:2525',
      'Canceled while it was being sent; the attempt in progress did not deliver it: 451 try later',
      'The requester 1 is no longer a member of server 2',
      `Relayed: ${tooLateReason(60_000)}`,
      '',
    ]) {
      expect(deadlineFailureReason(error)).toBeUndefined();
    }
  });
});

describe('the words for the failures Herald causes itself', () => {
  const own = ['too-late', 'database-unavailable', 'canceled-while-sending', 'stopped', 'send-unconfirmed', 'not-scheduled'] as const;

  it('are classified reasons, in English and Korean, and differ from the generic apology', () => {
    const generic = failureText('en', { failureReason: null, smtpCodes: null });
    for (const reason of own) {
      expect(FAILURE_REASONS).toContain(reason);
      const en = failureText('en', { failureReason: reason, smtpCodes: null });
      const ko = failureText('ko', { failureReason: reason, smtpCodes: null });
      expect(en).not.toBe(generic);
      expect(en).toMatch(/^[\x20-\x7e]+$/);
      expect(ko).toMatch(/[\uAC00-\uD7A3]/);
    }
    expect(new Set(own.map((reason) => failureText('en', { failureReason: reason, smtpCodes: null }))).size).toBe(own.length);
  });
});
