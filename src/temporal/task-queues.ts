// The one place that says which task queue a task's workflow runs on.
// Sends of the /sendmail kind get a queue of their own, so that a burst of reservations falling
// due at once (thousands of workflow and activity tasks in one queue) never stands in their way.

/** The queue for a task: reservations on the configured queue, immediate sends on its `-now` twin. */
export function taskQueueFor(baseQueue: string, kind: 'reserved' | 'immediate'): string {
  return kind === 'immediate' ? `${baseQueue}-now` : baseQueue;
}

/** Every queue a worker for `baseQueue` polls. */
export function taskQueuesOf(baseQueue: string): { kind: 'reserved' | 'immediate'; name: string }[] {
  return (['reserved', 'immediate'] as const).map((kind) => ({ kind, name: taskQueueFor(baseQueue, kind) }));
}
