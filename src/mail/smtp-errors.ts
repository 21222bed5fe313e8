// How a nodemailer error should be treated: retried later, or given up on at once.
// nodemailer sets `responseCode` to the SMTP reply code and `code` to its own error kind.
import type { FailureReason } from '../domain/failure-reason.js';
import { MAX_ERROR_LENGTH } from '../domain/limits.js';

export type SmtpErrorKind = 'transient' | 'permanent' | 'configuration';

const CONFIGURATION_CODES = new Set(['EAUTH', 'ETLS', 'EENVELOPE', 'EMESSAGE', 'ECONFIG', 'EINVALID']);

export function classifySmtpError(err: unknown): SmtpErrorKind {
  const e = err as { responseCode?: unknown; code?: unknown };
  const responseCode = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  if (responseCode !== undefined) {
    // 503 is "bad sequence of commands": a glitch of the session, worth another try.
    if (responseCode >= 500 && responseCode !== 503) return 'permanent';
    if (responseCode >= 400) return 'transient';
  }
  if (typeof e?.code === 'string' && CONFIGURATION_CODES.has(e.code)) return 'configuration';
  // Connection refused or reset, timeouts, DNS: the relay may be back soon.
  return 'transient';
}

/** One line for the task's error column and the user: the SMTP reply when there is one. */
export function describeSmtpError(err: unknown): string {
  const e = err as { response?: unknown; code?: unknown; message?: unknown };
  if (typeof e?.response === 'string' && e.response.length > 0) return e.response.slice(0, MAX_ERROR_LENGTH);
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return `${code}${String(e?.message ?? err)}`.slice(0, MAX_ERROR_LENGTH);
}

/** What a failed SMTP attempt means for the user, from nodemailer's structured fields (never its text). */
export function smtpFailureReason(err: unknown): FailureReason {
  const e = err as { responseCode?: unknown; code?: unknown; response?: unknown };
  const responseCode = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  if (responseCode !== undefined && responseCode >= 400) {
    if (responseCode < 500 || responseCode === 503) return 'temporarily-refused';
    const enhanced = typeof e.response === 'string' ? /\b5\.(\d)\.\d{1,3}\b/.exec(e.response)?.[1] : undefined;
    if (enhanced === '1') return 'address-refused';
    if (enhanced === '2' || responseCode === 552) return 'mailbox-full';
    if (enhanced === undefined && (responseCode === 550 || responseCode === 551 || responseCode === 553)) return 'address-refused';
    return 'message-refused';
  }
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'EAUTH' || code === 'ETLS' || code === 'ECONFIG' || code === 'EINVALID') return 'relay-configuration';
  if (code === 'EENVELOPE') return 'address-refused';
  if (code === 'EMESSAGE') return 'message-refused';
  // ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, or a socket error without a code of nodemailer's own.
  return 'unreachable';
}
