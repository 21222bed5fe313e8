// Servers Herald starts for itself (embedded PostgreSQL, the Temporal dev server) run in their own
// session or process group, so that a terminal's Ctrl-C reaches Herald alone and Herald stops them
// in order, after the worker has drained. The price is that they do not die with Herald. Each one
// therefore registers a synchronous last-resort stop here, run on the process's 'exit' event: after
// an orderly shutdown there is nothing left to do, but a forced exit (a deliberate second Ctrl-C),
// a fatal error or a stray process.exit() still takes them down. Only SIGKILL skips it; the next
// start then finds and stops (Temporal) or reuses (PostgreSQL) what was left.
import fs from 'node:fs';

export interface ExitStop {
  /** The process that must be gone; a function where it is known only at that moment (a pid file). */
  pid: number | (() => number | undefined);
  /** Signal its whole process group (it leads one), not the process alone. */
  group?: boolean;
  /** Signals in turn, each with how long to wait for the process to go before the next. */
  steps: [NodeJS.Signals, number][];
  /** Runs once the process is gone (say, to remove its pid file). */
  onStopped?(): void;
}

const registered = new Map<symbol, ExitStop>();
const runRegistered = () => {
  const all = [...registered.values()];
  registered.clear();
  stopNow(all);
};

/** Registers `stop` to run when the process exits; the returned function unregisters it. */
export function stopOnExit(stop: ExitStop): () => void {
  if (registered.size === 0) process.on('exit', runRegistered);
  const key = Symbol('stop');
  registered.set(key, stop);
  return () => {
    if (!registered.delete(key)) return;
    if (registered.size === 0) process.off('exit', runRegistered);
  };
}

/**
 * Stops the processes now, blocking until they are gone or out of steps. Each step's signal goes to
 * every process still running before any waiting starts, so the whole stop takes as long as the
 * slowest process, not their sum: an exit must be quick, or a parent such as tsx may kill us first.
 * Blocking is the point: on 'exit' no event loop turns any more.
 */
export function stopNow(all: ExitStop[]): void {
  const stops = all.flatMap((stop) => {
    const pid = typeof stop.pid === 'function' ? stop.pid() : stop.pid;
    return pid ? [{ ...stop, pid }] : [];
  });
  for (let step = 0; stops.some((s) => step < s.steps.length && isRunning(s.pid)); step++) {
    let waitMs = 0;
    for (const stop of stops) {
      const current = stop.steps[step];
      if (!current || !isRunning(stop.pid)) continue;
      try {
        process.kill(stop.group ? -stop.pid : stop.pid, current[0]);
      } catch {
        // Gone meanwhile, or not ours to signal: nothing more to do for it.
      }
      waitMs = Math.max(waitMs, current[1]);
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline && stops.some((s) => isRunning(s.pid))) sleepSync(10);
  }
  for (const stop of stops) {
    if (isRunning(stop.pid)) continue;
    try {
      stop.onStopped?.();
    } catch {
      // Exiting: nothing to report to, and the others must still run.
    }
  }
}

/** True while `pid` exists and is not a zombie (a dead child its parent has not reaped yet). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself contain any character.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // No /proc (not Linux): fall back to a signal-0 probe, which counts zombies as alive.
    if (!fs.existsSync('/proc/self')) {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }
}

/** Polls `check`, blocking, until it gives a value or `timeoutMs` has passed. */
export function waitSync<T>(check: () => T | undefined, timeoutMs: number): T | undefined {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined || Date.now() >= deadline) return value;
    sleepSync(10);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
