// How a nodemailer error should be treated: retried later, or given up on at once.
// nodemailer sets `responseCode` to the SMTP reply code and `code` to its own error kind.
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
