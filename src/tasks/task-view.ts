// A task as front ends and notices see it: camelCase, the payload spread out, no bookkeeping
// columns. This is the one mapping from the database row, so renaming a column breaks no renderer.
import type { TaskRow } from '../db/schema.js';
import { type FailureReason, isFailureReason, smtpCodesOf } from '../domain/failure-reason.js';
import type { TaskStatus } from '../domain/task-status.js';
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
}

export function toTaskView(row: TaskRow): Task {
  const { payload } = row;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    requesterId: row.requester_id,
    guildId: row.guild_id,
    status: row.status,
    scheduledAt: row.scheduled_at,
    template: payload.template,
    recipients: [...payload.recipients],
    variables: { ...payload.variables },
    language: payload.language,
    attempts: row.attempts,
    failureReason: isFailureReason(row.failure_reason) ? row.failure_reason : null,
    smtpCodes: smtpCodesOf(row.error) ?? null,
    canceledBy: row.canceled_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
