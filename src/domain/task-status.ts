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

export function isOpen(status: TaskStatus): boolean {
  return OPEN_STATUSES.includes(status);
}
