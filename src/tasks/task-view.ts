// A task as front ends and notices see it: camelCase, the payload spread out, no bookkeeping
// columns. This is the one mapping from the database row, so renaming a column breaks no renderer.
import type { SeriesRow, TaskRow } from '../db/schema.js';
import { type FailureReason, isFailureReason, smtpCodesOf } from '../domain/failure-reason.js';
import { type RepeatSeries, seriesFromJson } from '../domain/repeat/index.js';
import type { SeriesStatus, TaskStatus } from '../domain/task-status.js';
import type { Locale } from '../i18n/locale.js';

export interface Task {
  id: string;
  /** A short label made when the task was accepted: "template → first recipient (+ how many more)". */
  name: string;
  description: string;
  requesterId: string;
  guildId: string | null;
  status: TaskStatus;
  /** When a reservation is due; null for a mail sent now. */
  scheduledAt: Date | null;
  template: string;
  recipients: string[];
  variables: Record<string, string>;
  /** The language the mail is written in, and the requester is answered in. */
  language: Locale;
  /** Send attempts so far. */
  attempts: number;
  /**
   * Why the task failed (or its last attempt did), in words safe to show users; null when Herald
   * has no such words for it. The raw error stays in the row, for operators only.
   */
  failureReason: FailureReason | null;
  /** The SMTP reply's codes ("550 5.1.1") when the relay refused: digits only. */
  smtpCodes: string | null;
  /** Who canceled the task: its requester or an admin of its server. */
  canceledBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** A run of a series: the series it belongs to. */
  seriesId?: string;
  /**
   * A repeating reservation (issue 11): the id is the series', `scheduledAt` its next run, and the
   * status `reserved` while it has runs to come (active or paused), then `finished` or `canceled`.
   */
  series?: SeriesView;
}

export interface SeriesView {
  /** The cadence and its end: describeCadence / describeSeries word it. */
  repeat: RepeatSeries;
  state: SeriesStatus;
  /** The next runs still to be made (up to three), soonest first; empty when none is left. */
  nextRuns: Date[];
}

/** What a task and a series share: whose mail it is, and the mail. */
function mailView(row: TaskRow | SeriesRow): Pick<Task, 'id' | 'name' | 'description' | 'requesterId' | 'guildId' | 'template' | 'recipients' | 'variables' | 'language'> {
  const { payload } = row;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    requesterId: row.requester_id,
    guildId: row.guild_id,
    template: payload.template,
    recipients: [...payload.recipients],
    variables: { ...payload.variables },
    language: payload.language,
  };
}

export function toTaskView(row: TaskRow): Task {
  return {
    ...mailView(row),
    status: row.status,
    scheduledAt: row.scheduled_at,
    attempts: row.attempts,
    failureReason: isFailureReason(row.failure_reason) ? row.failure_reason : null,
    smtpCodes: smtpCodesOf(row.error) ?? null,
    canceledBy: row.canceled_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    ...(row.series_id && { seriesId: row.series_id }),
  };
}

const SERIES_TASK_STATUS: Record<SeriesStatus, TaskStatus> = { active: 'reserved', paused: 'reserved', finished: 'finished', canceled: 'canceled' };

/** A series as a task in a listing: `nextRuns` are its coming runs, worked out by the service. */
export function toSeriesTaskView(row: SeriesRow, nextRuns: Date[]): Task {
  return {
    ...mailView(row),
    status: SERIES_TASK_STATUS[row.status],
    scheduledAt: row.status === 'active' || row.status === 'paused' ? (nextRuns[0] ?? null) : null,
    attempts: 0,
    failureReason: null,
    smtpCodes: null,
    canceledBy: row.canceled_by,
    createdAt: row.created_at,
    startedAt: null,
    finishedAt: row.finished_at,
    series: { repeat: seriesFromJson(row.repeat), state: row.status, nextRuns },
  };
}
