// What the client, the worker and the workflow agree on: inputs, outcomes, signal names.
// Deterministic code only: this file is bundled into the workflow sandbox.
import { defineSignal } from '@temporalio/workflow';
import type { MailRetryPolicy } from '../domain/retry-policy.js';
import type { TaskStatus } from '../domain/task-status.js';

export const MAIL_TASK_WORKFLOW = 'mailTaskWorkflow';

export interface MailTaskInput {
  taskId: string;
  /** ISO instant to send at; null sends at once. */
  scheduledAt: string | null;
  retry: MailRetryPolicy;
  /**
   * Wake this long before the deadline and let the send step wait in the worker, so that many
   * mails due at one instant leave on time instead of queueing behind Temporal's bookkeeping.
   */
  prepareLeadMs?: number;
  /** Tell the requester of a reservation how it ended. */
  notify?: boolean;
  /**
   * STALE_SEND_AFTER when the task was made: the task's deadline is its time plus this (see
   * src/domain/send-deadline.ts). Absent in workflows started before it existed: the default.
   */
  staleSendAfterMs?: number;
}

export type MailTaskOutcome =
  | { kind: 'sent'; messageId: string }
  /** The row was closed by someone else (e.g. canceled in the database) before it could be sent. */
  | { kind: 'skipped'; status: TaskStatus };

/**
 * Moves a sleeping reservation. The new time is already stored on the task row, and the workflow
 * reads it from there (signals can arrive out of order, or after the move was undone); the time
 * the signal carries is what older workflow code followed.
 */
export const rescheduleSignal = defineSignal<[scheduledAt: string]>('reschedule');

/** What the send-mail activity answers. */
export type DeliveryResult =
  /**
   * The relay accepted the mail. `recorded: false`: the row could not be marked finished then (the
   * database was away), and the workflow must do it (recordSent). Absent in older histories: recorded.
   */
  | { kind: 'sent'; messageId: string; recorded?: boolean }
  /** The row says another time (a later one; or, since 'deliver-then-record', any other): follow it. */
  | { kind: 'not-due'; scheduledAt: string }
  | { kind: 'closed'; status: TaskStatus }
  /** The worker shut down while holding: nothing was claimed, run the send step again. */
  | { kind: 'interrupted' };

// ---- Series (issue 11) --------------------------------------------------------------------------

/** What a series' Temporal Schedule starts at each of its times (candidates: see domain/repeat). */
export const SERIES_RUN_WORKFLOW = 'seriesRunWorkflow';

export interface SeriesRunInput {
  seriesId: string;
}

/** What the run step found at one of the Schedule's times. */
export type PreparedRun =
  /** The run's task exists (made now, or before by a retry or a quick move) and its workflow is to be started. */
  | { kind: 'start'; taskId: string }
  /** Over an hourly limit: stored as failed with the reason; the requester is to be told. */
  | { kind: 'refused'; taskId: string }
  | { kind: 'skipped'; reason: RunSkipReason };

/**
 * Why a Schedule firing made no run: it is not one of the series' runs (a candidate of the spec, a
 * manual trigger), the series is paused or closed or gone, or the run came more than CATCHUP_WINDOW
 * late; `no-time`: the workflow was not started by a Schedule.
 */
export type RunSkipReason = 'not-a-run' | 'not-active' | 'missed' | 'gone' | 'no-time';

export type SeriesRunOutcome = { kind: 'started'; taskId: string } | { kind: 'refused'; taskId: string } | { kind: 'skipped'; reason: RunSkipReason };
