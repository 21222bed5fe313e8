// Why a task failed, in words a requester may see. The row keeps the raw detail for operators
// (an SMTP reply, or an error code with the relay's address); users get the relay's own reply, or
// a classified reason that names no host, port or path.
import { MAX_NOTICE_ERROR_LENGTH } from '../domain/limits.js';
import type { Locale } from '../i18n/locale.js';
import { ui } from '../i18n/ui.js';

const SMTP_REPLY = /^[45]\d\d[ -]/;
const UNREACHABLE = /^(ECONNECTION|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKET|EDNS|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b|\bconnect\b|timed? ?out/i;
const RELAY_SETUP = /^(EAUTH|ETLS|ECONFIG|EENVELOPE|EMESSAGE|EINVALID)\b/;

export function failureReason(error: string | null, locale: Locale): string | null {
  if (!error) return null;
  const firstLine = error.split('\n', 1)[0]!.trim();
  if (SMTP_REPLY.test(firstLine)) return `${ui(locale, 'failureRelayReplied')}: ${firstLine.slice(0, MAX_NOTICE_ERROR_LENGTH)}`;
  if (firstLine.startsWith('Could not start the workflow')) return ui(locale, 'failureNotScheduled');
  if (RELAY_SETUP.test(firstLine)) return ui(locale, 'failureRelaySetup');
  if (UNREACHABLE.test(firstLine)) return ui(locale, 'failureUnreachable');
  return ui(locale, 'failureOther');
}
