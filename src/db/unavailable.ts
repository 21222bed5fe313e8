// Which database errors mean "PostgreSQL cannot be reached right now" (wait and try again) rather
// than "this statement is wrong" (trying again changes nothing). Send steps wait out the first kind
// instead of spending a delivery attempt on it.

/** SQLSTATE classes and codes that say the server, not the statement, is the problem. */
const UNAVAILABLE_SQLSTATE = [
  /^08/, // connection exception
  /^53/, // insufficient resources (too many connections, out of memory or disk)
  /^57P0[1-4]$/, // admin shutdown, crash shutdown, cannot connect now (starting up), database dropped
  /^40001$/, // serialization failure
  /^40P01$/, // deadlock detected
  /^55P03$/, // lock not available
];

/** Socket-level errors (node), including the AggregateError of a dual-stack connect. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** What node-postgres and its pool say when a connection is lost or cannot be had. */
const DRIVER_MESSAGES = [
  /Connection terminated/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /server closed the connection unexpectedly/i,
];

/** True when `err` means the database is unreachable or overloaded, so the same step may work later. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message, errors, cause } = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE.some((pattern) => pattern.test(code));
  }
  if (typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}

/** The database stayed unreachable until the step's deadline. */
export class DatabaseUnavailableError extends Error {
  constructor(readonly lastError: unknown) {
    super('The database could not be reached in time');
    this.name = 'DatabaseUnavailableError';
  }
}

/** A wait for the database was cut short by `stop` (the worker is shutting down, or the step was canceled). */
export class DatabaseWaitStopped extends Error {
  constructor() {
    super('Stopped while waiting for the database');
    this.name = 'DatabaseWaitStopped';
  }
}

export interface DatabaseWaitOptions {
  /** Give up (DatabaseUnavailableError) rather than wait past this instant (ms since the epoch). */
  giveUpAt: number;
  /** Stop waiting (DatabaseWaitStopped) when one of these aborts; a step already running is not interrupted. */
  stops?: readonly AbortSignal[];
  /** Told of each failed try that will be tried again. */
  onRetry?: (err: unknown, waitMs: number) => void;
}

const FIRST_WAIT_MS = 250;
const LONGEST_WAIT_MS = 5_000;

/**
 * Runs `step`, and runs it again while it fails because the database is unavailable: after 250 ms,
 * then twice as long each time up to 5 s, until `giveUpAt`. Any other error is thrown at once.
 * The step must be safe to repeat (the conditional UPDATEs are).
 */
export async function retryWhileUnavailable<T>(step: () => Promise<T>, options: DatabaseWaitOptions): Promise<T> {
  let waitMs = FIRST_WAIT_MS;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      const left = options.giveUpAt - Date.now();
      if (left <= 0) throw new DatabaseUnavailableError(err);
      const wait = Math.min(waitMs, left);
      options.onRetry?.(err, wait);
      if (!(await pause(wait, options.stops ?? []))) throw new DatabaseWaitStopped();
      waitMs = Math.min(waitMs * 2, LONGEST_WAIT_MS);
    }
  }
}

/** Waits `ms`; false if one of `stops` aborted first. */
export function pause(ms: number, stops: readonly AbortSignal[]): Promise<boolean> {
  if (stops.some((s) => s.aborted)) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (waited: boolean) => {
      clearTimeout(timer);
      for (const s of stops) s.removeEventListener('abort', onAbort);
      resolve(waited);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(true), ms);
    for (const s of stops) s.addEventListener('abort', onAbort, { once: true });
  });
}
