import { describe, it, expect } from 'vitest';
import { type FailureReason, smtpCodesOf } from '../../src/domain/failure-reason.js';
import { failureText } from '../../src/i18n/ui.js';
import { freePort } from '../../src/infra/free-port.js';
import { createMailer } from '../../src/mail/mailer.js';
import { classifySmtpError, describeSmtpError, type SmtpErrorKind, smtpFailureReason } from '../../src/mail/smtp-errors.js';

describe('classifySmtpError', () => {
  const cases: [label: string, err: unknown, expected: SmtpErrorKind][] = [
    ['550 mailbox unavailable', { responseCode: 550 }, 'permanent'],
    ['500 syntax error', { responseCode: 500 }, 'permanent'],
    ['554 with EENVELOPE (the reply code wins)', { responseCode: 554, code: 'EENVELOPE' }, 'permanent'],
    ['535 with EAUTH (the reply code wins)', { responseCode: 535, code: 'EAUTH' }, 'permanent'],
    ['599', { responseCode: 599 }, 'permanent'],
    ['503 bad sequence', { responseCode: 503 }, 'transient'],
    ['421 service not available', { responseCode: 421 }, 'transient'],
    ['450 mailbox busy', { responseCode: 450 }, 'transient'],
    ['451 local error', { responseCode: 451 }, 'transient'],
    ['452 insufficient storage', { responseCode: 452 }, 'transient'],
    ['454 with EAUTH (4xx wins)', { responseCode: 454, code: 'EAUTH' }, 'transient'],
    ['EAUTH without a reply code', { code: 'EAUTH' }, 'configuration'],
    ['ETLS without a reply code', { code: 'ETLS' }, 'configuration'],
    ['EENVELOPE without a reply code', { code: 'EENVELOPE' }, 'configuration'],
    ['EMESSAGE', { code: 'EMESSAGE' }, 'configuration'],
    ['ECONFIG', { code: 'ECONFIG' }, 'configuration'],
    ['EINVALID', { code: 'EINVALID' }, 'configuration'],
    ['ECONNECTION', { code: 'ECONNECTION' }, 'transient'],
    ['ETIMEDOUT', { code: 'ETIMEDOUT' }, 'transient'],
    ['EDNS', { code: 'EDNS' }, 'transient'],
    ['ESOCKET', { code: 'ESOCKET' }, 'transient'],
    ['a reply code given as a string is ignored', { responseCode: '550' }, 'transient'],
    ['an empty object', {}, 'transient'],
    ['a plain Error', new Error('boom'), 'transient'],
    ['null', null, 'transient'],
    ['undefined', undefined, 'transient'],
    ['a string', 'boom', 'transient'],
  ];
  for (const [label, err, expected] of cases) {
    it(`${label} → ${expected}`, () => {
      expect(classifySmtpError(err)).toBe(expected);
    });
  }

  it('every 5xx except 503 is permanent and every 4xx is transient', () => {
    for (let code = 400; code <= 599; code++) {
      const expected = code >= 500 && code !== 503 ? 'permanent' : 'transient';
      expect([code, classifySmtpError({ responseCode: code })]).toEqual([code, expected]);
    }
  });
});

describe('describeSmtpError', () => {
  it('prefers the SMTP reply', () => {
    expect(
      describeSmtpError({ response: '550 5.1.1 <a@x.com>: Recipient address rejected', code: 'EENVELOPE', message: 'Can\'t send mail' }),
    ).toBe('550 5.1.1 <a@x.com>: Recipient address rejected');
  });

  it('falls back to "code: message" when the reply is missing or empty', () => {
    expect(describeSmtpError({ response: '', code: 'ECONNECTION', message: 'connect ECONNREFUSED 127.0.0.1:25' })).toBe(
      'ECONNECTION: connect ECONNREFUSED 127.0.0.1:25',
    );
    expect(describeSmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH' }))).toBe('EAUTH: Invalid login');
  });

  it('gives just the message without a string code', () => {
    expect(describeSmtpError(new Error('boom'))).toBe('boom');
    expect(describeSmtpError({ code: 5, message: 'm' })).toBe('m');
  });

  it('copes with non-errors', () => {
    expect(describeSmtpError('plain text')).toBe('plain text');
    expect(describeSmtpError(null)).toBe('null');
    expect(describeSmtpError(undefined)).toBe('undefined');
  });

  it('cuts to 500 characters', () => {
    expect(describeSmtpError({ response: 'x'.repeat(600) })).toBe('x'.repeat(500));
    expect(describeSmtpError({ code: 'E', message: 'y'.repeat(600) })).toBe(`E: ${'y'.repeat(497)}`);
  });
});

describe('smtpFailureReason: what users are told, from the structured fields only', () => {
  const cases: [label: string, err: unknown, expected: FailureReason][] = [
    ['550 5.1.1 unknown user', { responseCode: 550, response: '550 5.1.1 <a@b.c>: Recipient address rejected' }, 'address-refused'],
    ['550 without an enhanced code', { responseCode: 550, response: '550 No such user here' }, 'address-refused'],
    ['553 mailbox name not allowed', { responseCode: 553 }, 'address-refused'],
    ['552 mailbox full', { responseCode: 552, response: '552 Requested mail action aborted' }, 'mailbox-full'],
    ['550 5.2.2 mailbox full', { responseCode: 550, response: '550 5.2.2 Mailbox full' }, 'mailbox-full'],
    ['554 5.7.1 policy', { responseCode: 554, response: '554 5.7.1 Message rejected as spam' }, 'message-refused'],
    ['550 5.7.1 relaying denied', { responseCode: 550, response: '550 5.7.1 Relaying denied' }, 'message-refused'],
    ['451 greylisted', { responseCode: 451, response: '451 4.7.1 Try again later' }, 'temporarily-refused'],
    ['503 bad sequence', { responseCode: 503 }, 'temporarily-refused'],
    ['EAUTH', { code: 'EAUTH', message: 'Invalid login: 535 Authentication failed for herald@relay.internal' }, 'relay-configuration'],
    ['ETLS', { code: 'ETLS' }, 'relay-configuration'],
    ['EENVELOPE', { code: 'EENVELOPE' }, 'address-refused'],
    ['ECONNECTION', { code: 'ECONNECTION' }, 'unreachable'],
    ['ETIMEDOUT', { code: 'ETIMEDOUT' }, 'unreachable'],
    ['a plain Error', new Error('socket hang up'), 'unreachable'],
  ];
  for (const [label, err, expected] of cases) {
    it(`${label} → ${expected}`, () => {
      expect(smtpFailureReason(err)).toBe(expected);
    });
  }

  it('a relay that cannot be reached is "could not reach the mail server" for users, with its address only in the row', async () => {
    const port = await freePort(); // nothing listens there
    const mailer = createMailer({ url: `smtp://herald:pw@127.0.0.1:${port}`, from: 'Herald <herald@example.test>', poolMaxConnections: 1 });
    try {
      const composed = await mailer.compose({ subject: 's', text: 't', html: '<p>t</p>', to: ['to@example.com'], messageId: '<x@example.test>' });
      const err = await mailer.sendComposed(composed).then(() => undefined, (e: unknown) => e);
      expect(err).toBeDefined();
      const row = { error: describeSmtpError(err), failure_reason: smtpFailureReason(err) };
      expect(row.error).toContain(String(port)); // operators see where it tried
      const shown = failureText('en', { failureReason: row.failure_reason, smtpCodes: smtpCodesOf(row.error) ?? null });
      expect(shown).toBe('could not reach the mail server');
      expect(failureText('ko', { failureReason: row.failure_reason, smtpCodes: null })).toBe('메일 서버에 연결할 수 없었습니다');
    } finally {
      mailer.close();
    }
  });
});
