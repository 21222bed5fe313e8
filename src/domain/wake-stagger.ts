// Staged wake-ups. A reservation's workflow wakes MAIL_PREPARE_LEAD before its time and holds the
// send in a worker. The Temporal server can wake only so many workflows a second (WAKE_BUDGET,
// measured with `npm run wake-budget`); mails due together would otherwise all ask to wake in the
// same second and most would wake late. Herald knows every reservation's time when it starts its
// workflow, so each one is given the latest second, at or before its usual wake, that still has
// room: a burst of N due together wakes over N / WAKE_BUDGET seconds before the lead, and every
// second stays within the budget. When no second before it has room (the burst is close), a later
// one up to `latest` is taken; when none has, the usual wake (over budget).

/**
 * WAKE_BUDGET's default, for the Temporal CLI dev server on the 2-core machine the benchmarks run
 * on. `npm run wake-budget` (1,000 at one instant) measured 68 a second at a load average of 2 and
 * 18 a second at 15 (the CPU shared four ways); BENCHMARKS.md's tuning notes saw 50 to 90. Below
 * the quiet figure: a second over budget costs lateness, one under it only an earlier wake. A real
 * cluster takes far more; measure it and set WAKE_BUDGET.
 */
export const DEFAULT_WAKE_BUDGET = 50;

export interface WakeRequest {
  id: string;
  /** Epoch second of the usual wake (the time minus the lead). */
  nominal: number;
  /** The last epoch second it may still wake (its time minus the shortest useful hold). */
  latest: number;
}

/**
 * Assigns each request (in the order given: the earliest due first) a wake second no earlier than
 * `floor`, counting into `used` (epoch second → wakes already set there), which it updates.
 */
export function stageWakes(requests: readonly WakeRequest[], used: Map<number, number>, budget: number, floor: number): Map<string, number> {
  const assigned = new Map<string, number>();
  const hasRoom = (second: number) => (used.get(second) ?? 0) < budget;
  for (const request of requests) {
    let second: number | undefined;
    for (let s = request.nominal; s >= floor && second === undefined; s--) if (hasRoom(s)) second = s;
    for (let s = request.nominal + 1; s <= request.latest && second === undefined; s++) if (hasRoom(s)) second = s;
    second ??= request.nominal;
    used.set(second, (used.get(second) ?? 0) + 1);
    assigned.set(request.id, second);
  }
  return assigned;
}
