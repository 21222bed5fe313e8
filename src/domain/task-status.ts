// The one module that knows which status changes are legal.
// The repository turns these into conditional UPDATEs, so an illegal change never reaches a row.

export const TASK_STATUSES = ['queued', 'reserved', 'running', 'finished', 'failed', 'canceled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  queued: ['running', 'canceled', 'failed'],
  reserved: ['running', 'canceled', 'failed'],
  // running → running: a retried attempt claims the task again.
  running: ['running', 'finished', 'failed'],
  finished: [],
  failed: [],
  canceled: [],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a task may be in for a change to `to` to be legal. */
export function sourcesOf(to: TaskStatus): TaskStatus[] {
  return TASK_STATUSES.filter((from) => canTransition(from, to));
}

/** Statuses in which the requester may still cancel or reschedule. */
export const OPEN_STATUSES: readonly TaskStatus[] = ['queued', 'reserved'];
export const TERMINAL_STATUSES: readonly TaskStatus[] = TASK_STATUSES.filter((s) => TRANSITIONS[s].length === 0);

/**
 * Statuses in which a task's mail may still be edited (issue 11): waiting for its time. The claim
 * (reserved → running) leaves them, and an edit is a conditional UPDATE on them, so an edit and a
 * send never both win.
 */
export const EDITABLE_STATUSES: readonly TaskStatus[] = ['reserved'];

export function isOpen(status: TaskStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

// ---- Series (issue 11): a repeating reservation is one row its runs point to ---------------------

/**
 * `active`: its Schedule starts a run at every run time; `paused`: runs are skipped until it is
 * resumed; `finished`: its last run has been made (or its time has passed); `canceled`.
 */
export const SERIES_STATUSES = ['active', 'paused', 'finished', 'canceled'] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

const SERIES_TRANSITIONS: Record<SeriesStatus, readonly SeriesStatus[]> = {
  active: ['paused', 'finished', 'canceled'],
  paused: ['active', 'finished', 'canceled'],
  finished: [],
  canceled: [],
};

/** The statuses a series may be in for a change to `to` to be legal. */
export function seriesSourcesOf(to: SeriesStatus): SeriesStatus[] {
  return SERIES_STATUSES.filter((from) => SERIES_TRANSITIONS[from].includes(to));
}

/** A series that still has runs to come: it counts as one open reservation, and may be edited or canceled. */
export const OPEN_SERIES_STATUSES: readonly SeriesStatus[] = ['active', 'paused'];
export const TERMINAL_SERIES_STATUSES: readonly SeriesStatus[] = SERIES_STATUSES.filter((s) => SERIES_TRANSITIONS[s].length === 0);
