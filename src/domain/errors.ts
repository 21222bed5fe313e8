// Domain errors: a code plus the parameters its message needs. The text itself, in English
// and Korean, lives in i18n/messages.ts so every front end words a mistake the same way.
import type { ErrorCode, ErrorParams } from '../i18n/messages.js';
import { errorMessage } from '../i18n/messages.js';
import type { Locale } from '../i18n/locale.js';

export class HeraldError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly params: ErrorParams<C>,
  ) {
    super(errorMessage('en', code, params));
    this.name = 'HeraldError';
  }

  messageFor(locale: Locale): string {
    return errorMessage(locale, this.code, this.params);
  }
}

export function isHeraldError(err: unknown): err is HeraldError {
  return err instanceof HeraldError;
}
