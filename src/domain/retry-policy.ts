// The one place the send-mail retry policy is built. The service freezes it into each
// workflow's input, so a running reservation keeps the policy it was started with.
import type { Config } from '../config.js';

export interface MailRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  nonRetryableErrorTypes: string[];
}

/**
 * ApplicationFailure types the send-mail activity raises. The permanent ones are errors retrying
 * cannot fix, and the retry policy lists them as non-retryable.
 */
export const MAIL_ERROR_TYPES = {
  /** An SMTP 5xx reply (other than 503). */
  smtpPermanent: 'SmtpPermanentError',
  /** Authentication, TLS or a malformed message: the relay or Herald is set up wrongly. */
  configuration: 'MailConfigurationError',
  /** The task's row is missing, or its template can no longer be rendered. */
  taskData: 'TaskDataError',
  /** The requester left the task's server (or Herald did): the task is not to be sent. */
  requesterLeft: 'RequesterNotMemberError',
  /** A 4xx or 503 reply, or the relay could not be reached: worth another attempt. */
  smtpTransient: 'SmtpTransientError',
  /** The database stayed unreachable until the task's deadline: the mail would now be late. */
  databaseUnavailable: 'DatabaseUnavailableError',
  /** The task was still waiting to be sent at its deadline (its time plus STALE_SEND_AFTER). */
  tooLate: 'TaskTooLateError',
} as const;

export const PERMANENT_MAIL_ERROR_TYPES = [
  MAIL_ERROR_TYPES.smtpPermanent,
  MAIL_ERROR_TYPES.configuration,
  MAIL_ERROR_TYPES.taskData,
  MAIL_ERROR_TYPES.requesterLeft,
  MAIL_ERROR_TYPES.databaseUnavailable,
  MAIL_ERROR_TYPES.tooLate,
] as const;

export function mailRetryPolicy(config: Pick<Config, 'mailRetry'>): MailRetryPolicy {
  return {
    maximumAttempts: config.mailRetry.maximumAttempts,
    initialIntervalMs: config.mailRetry.initialIntervalMs,
    backoffCoefficient: config.mailRetry.backoffCoefficient,
    nonRetryableErrorTypes: [...PERMANENT_MAIL_ERROR_TYPES],
  };
}
