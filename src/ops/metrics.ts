// Herald's own Prometheus metrics: one registry, defined here and nowhere else, so a call site needs
// an import and one line. Served on /metrics (src/ops/server.ts) next to the Temporal SDK's metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isHeraldError } from '../domain/errors.js';
import type { SmtpErrorKind } from '../mail/smtp-errors.js';

export const registry = new Registry();

/** Sends now are `now`; reservations are `reserved`. */
export type TaskKind = 'now' | 'reserved';

export const tasksCreated = new Counter({
  name: 'herald_tasks_created_total',
  help: 'Tasks accepted (row stored; a send-now\'s workflow started), by kind',
  labelNames: ['kind'] as const,
  registers: [registry],
});

export const sends = new Counter({
  name: 'herald_sends_total',
  help: 'Tasks that reached an end in the worker: sent (accepted by the relay) or failed (given up on)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const attemptErrors = new Counter({
  name: 'herald_send_attempt_errors_total',
  help: 'Failed send attempts, by class: transient (retried), permanent, configuration, task_data',
  labelNames: ['class'] as const,
  registers: [registry],
});

export const lateness = new Histogram({
  name: 'herald_send_lateness_seconds',
  help: "From a task's scheduled time (its creation for sends now) to the relay's acceptance",
  labelNames: ['kind'] as const,
  // From "on time" (a held send leaves within milliseconds) to a backlog of many minutes.
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  registers: [registry],
});

export const holdsInProgress = new Gauge({
  name: 'herald_holds_in_progress',
  help: 'Sends waiting in this worker for their due time (MAIL_PREPARE_LEAD)',
  registers: [registry],
});

export const dmOutcomes = new Counter({
  name: 'herald_dm_outcomes_total',
  help: 'Outcome DMs to requesters: delivered, undeliverable (DMs closed) or error (retried)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const reconcilerRepairs = new Counter({
  name: 'herald_reconciler_repairs_total',
  help: 'Tasks the reconciler repaired: started (no workflow, or a vanished one), failed or finished (workflow ended without them), or whose workflow it told to read a changed time',
  registers: [registry],
});

export const commandDuration = new Histogram({
  name: 'herald_command_duration_seconds',
  help: 'Time to answer a command, by command and result (ok, rejected: a user error, error: unexpected)',
  labelNames: ['command', 'result'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const outboxPending = new Gauge({
  name: 'herald_outbox_pending',
  help: 'Open tasks whose workflow the starter has yet to start (the outbox), as this process last saw it',
  registers: [registry],
});

export const outboxBacklogAge = new Gauge({
  name: 'herald_outbox_backlog_age_seconds',
  help: 'How long the oldest task in the outbox has waited for its workflow to start (0: none waits)',
  registers: [registry],
});

export const workflowsStarted = new Counter({
  name: 'herald_outbox_workflows_started_total',
  help: 'Workflows the outbox starter started, by result (started, failed: left for the next pass)',
  labelNames: ['result'] as const,
  registers: [registry],
});

let defaultMetrics = false;

/** Process metrics (CPU, RSS, heap, event-loop lag, GC): on once something serves /metrics. */
export function collectProcessMetrics(): void {
  if (defaultMetrics) return;
  defaultMetrics = true;
  collectDefaultMetrics({ register: registry });
}

/** A task was accepted. */
export function countTaskCreated(status: string): void {
  tasksCreated.inc({ kind: kindOf(status === 'reserved') });
}

/** The relay accepted a task's mail: counts the send and observes its lateness. */
export function countSent(task: { scheduled_at: Date | null; created_at: Date }, acceptedAt = new Date()): void {
  sends.inc({ outcome: 'sent' });
  const due = task.scheduled_at ?? task.created_at;
  lateness.observe({ kind: kindOf(task.scheduled_at !== null) }, (acceptedAt.getTime() - due.getTime()) / 1000);
}

/** A task was given up on (recorded as failed). */
export function countFailed(): void {
  sends.inc({ outcome: 'failed' });
}

export function countAttemptError(kind: SmtpErrorKind | 'task_data'): void {
  attemptErrors.inc({ class: kind });
}

/** Counts the hold as in progress until `held` settles; passes its result through. */
export async function holding<T>(held: Promise<T>): Promise<T> {
  holdsInProgress.inc();
  try {
    return await held;
  } finally {
    holdsInProgress.dec();
  }
}

/** Counts an outcome DM by how it ended; passes its result (or error) through. */
export async function countDm<T extends string>(notice: Promise<T>): Promise<T> {
  try {
    const outcome = await notice;
    dmOutcomes.inc({ outcome });
    return outcome;
  } catch (err) {
    dmOutcomes.inc({ outcome: 'error' });
    throw err;
  }
}

/** Times a command; a HeraldError is the user's mistake ("rejected"), anything else "error". */
export async function timeCommand<T>(command: string, body: Promise<T>): Promise<T> {
  const stop = commandDuration.startTimer({ command });
  try {
    const result = await body;
    stop({ result: 'ok' });
    return result;
  } catch (err) {
    stop({ result: isHeraldError(err) ? 'rejected' : 'error' });
    throw err;
  }
}

function kindOf(reserved: boolean): TaskKind {
  return reserved ? 'reserved' : 'now';
}
