// The one place the send-mail retry policy is built. The service freezes it into each
// workflow's input, so a running reservation keeps the policy it was started with.
import type { Config } from '../config.js';

export interface MailRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  nonRetryableErrorTypes: string[];
}

/** ApplicationFailure types the send-mail activity raises for errors that retrying cannot fix. */
export const PERMANENT_MAIL_ERROR_TYPES = ['SmtpPermanentError', 'MailConfigurationError', 'TaskDataError'] as const;

export function mailRetryPolicy(config: Pick<Config, 'mailRetry'>): MailRetryPolicy {
  return {
    maximumAttempts: config.mailRetry.maximumAttempts,
    initialIntervalMs: config.mailRetry.initialIntervalMs,
    backoffCoefficient: config.mailRetry.backoffCoefficient,
    nonRetryableErrorTypes: [...PERMANENT_MAIL_ERROR_TYPES],
  };
}
