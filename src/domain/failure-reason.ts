// Why a task failed, as users may be told it. The raw detail (an SMTP reply, a connection error
// naming a host and port, a stack) stays in the row's `error` for operators; users only ever see
// one of these, worded in src/i18n/ui.ts, plus the SMTP reply's numeric codes.

export const FAILURE_REASONS = [
  /** The relay refused a recipient address (5.1.x, 550, 551, 553). */
  'address-refused',
  /** The recipient's mailbox is full, or the mail too large for it (5.2.x, 552). */
  'mailbox-full',
  /** The relay refused the mail itself: policy, spam, anything else permanent (5.7.x, 554, …). */
  'message-refused',
  /** The relay kept answering "try again later" (4xx) until the attempts ran out. */
  'temporarily-refused',
  /** The relay could not be reached: connection refused or reset, a timeout, DNS. */
  'unreachable',
  /** The relay rejected Herald's login or TLS: the operator's settings are wrong. */
  'relay-configuration',
  /** The task's template can no longer be rendered with its values. */
  'template',
  /** The requester is no longer a member of the server the task was made in. */
  'requester-left',
  /** Herald is no longer in the server the task was made in. */
  'server-gone',
  /** It could not start on its way within STALE_SEND_AFTER of its time, and was not sent late. */
  'too-late',
  /** Herald's database stayed unreachable until the task's deadline. */
  'database-unavailable',
  /** A cancel came while it was being sent, and the attempt in progress did not deliver it. */
  'canceled-while-sending',
  /** Its workflow ended (terminated from the Temporal UI, say) or vanished before it was sent. */
  'stopped',
  /** Its workflow ended or vanished while it was being sent, and the relay never confirmed it. */
  'send-unconfirmed',
  /** Its workflow could not be started: Temporal surely has no such workflow. */
  'not-scheduled',
  /** A run of a series, refused at its time: the requester's MAILS_PER_HOUR was used up. */
  'hourly-limit',
  /** A run of a series, refused at its time: everyone's MAILS_PER_HOUR_TOTAL was used up. */
  'relay-limit',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Runs refused by the hourly limits: never sent, so they do not count toward them either. */
export const REFUSED_RUN_REASONS: readonly FailureReason[] = ['hourly-limit', 'relay-limit'];

export function isFailureReason(value: unknown): value is FailureReason {
  return typeof value === 'string' && (FAILURE_REASONS as readonly string[]).includes(value);
}

/**
 * The numeric part of an SMTP reply at the start of a task's stored error ("550 5.1.1"), or
 * undefined. Only digits and dots come out, so nothing else of the reply (host names) can.
 */
export function smtpCodesOf(error: string | null): string | undefined {
  const match = /^([2-5]\d\d)(?:[ -]+([245]\.\d{1,3}\.\d{1,3})\b)?/.exec(error ?? '');
  if (!match) return undefined;
  return match[2] ? `${match[1]} ${match[2]}` : match[1];
}
