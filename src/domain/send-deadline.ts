// A task's deadline: the last moment its mail may still start on its way. Past it, a mail that has
// not left fails with a reason instead of going out late ("your 9:00 reminder" at noon is worse
// than none). It is the task's due time plus STALE_SEND_AFTER; a send-now is due when it was made.
// Until the deadline, waits for the database are just waits: a database that blinks is never a
// reason to fail a task, nor a send attempt. Deterministic code: the workflow imports it.
import type { FailureReason } from './failure-reason.js';

/** STALE_SEND_AFTER's default. */
export const DEFAULT_STALE_SEND_AFTER_MS = 10 * 60_000;

/** The instant (ms) after which a mail due at `dueAtMs` is no longer started. */
export function sendDeadline(dueAtMs: number, staleSendAfterMs: number): number {
  return dueAtMs + staleSendAfterMs;
}

/** "10 minutes", "90 seconds": a stale bound as the failure reasons quote it. */
export function describeStaleBound(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  const seconds = Math.round(ms / 1000);
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

// The two reasons below are the text of the send step's failure, which is all the workflow passes
// on to recordFailure; their openings say which user-safe reason they are (deadlineFailureReason).
const TOO_LATE = 'Not sent: it could not start on its way within';
const DATABASE_UNAVAILABLE = "Not sent: Herald's database could not be reached";

/** Why a task past its deadline was not sent (stored on the row; the requester is told). */
export function tooLateReason(staleSendAfterMs: number): string {
  return `${TOO_LATE} ${describeStaleBound(staleSendAfterMs)} of its time, and a late mail is worse than none.`;
}

/** Why a task whose database stayed away until its deadline was not sent. */
export function databaseUnavailableReason(staleSendAfterMs: number | undefined): string {
  const until = staleSendAfterMs === undefined ? 'in time' : `until ${describeStaleBound(staleSendAfterMs)} after its time`;
  return `${DATABASE_UNAVAILABLE} ${until}, and a late mail is worse than none.`;
}

/** The user-safe reason for a failure worded by tooLateReason or databaseUnavailableReason; undefined for any other. */
export function deadlineFailureReason(error: string): Extract<FailureReason, 'too-late' | 'database-unavailable'> | undefined {
  if (error.startsWith(TOO_LATE)) return 'too-late';
  if (error.startsWith(DATABASE_UNAVAILABLE)) return 'database-unavailable';
  return undefined;
}
