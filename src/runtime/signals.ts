// What a shutdown signal means to Herald.
// - SIGINT, SIGTERM and SIGHUP all ask for the orderly shutdown (the worker drains, then the servers
//   Herald started stop). SIGHUP is what closing the terminal sends.
// - A terminal's Ctrl-C goes to the whole foreground process group (npm, sh, tsx, node), and npm or
//   tsx may pass it on again: one key press can arrive as two or three SIGINTs within milliseconds.
//   Signals within `duplicateWindowMs` of the first are that same request and are ignored.
// - A SIGINT or SIGTERM after that window is a deliberate second request: exit now. The servers
//   Herald started are still stopped, synchronously, by their stop-on-exit hooks.
// - A later SIGHUP never hurries the shutdown: the terminal closing says nothing about urgency, and
//   an orderly stop never cuts a send in flight.

export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];
export type SignalAction = 'shutdown' | 'duplicate' | 'exit-now' | 'ignore';

/** Long enough for any relay of the same key press, short enough that a second press is heard. */
export const DUPLICATE_SIGNAL_WINDOW_MS = 1_000;

/** The rule above, kept apart from `process` so that it is tested without sending signals. */
export class ShutdownSignalPolicy {
  private firstAt: number | undefined;

  constructor(
    private readonly duplicateWindowMs: number = DUPLICATE_SIGNAL_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  receive(signal: ShutdownSignal): SignalAction {
    const at = this.now();
    if (this.firstAt === undefined) {
      this.firstAt = at;
      return 'shutdown';
    }
    if (at - this.firstAt < this.duplicateWindowMs) return 'duplicate';
    return signal === 'SIGHUP' ? 'ignore' : 'exit-now';
  }
}

export interface ShutdownSignalHandlers {
  /** The first signal: start the orderly shutdown. */
  shutdown(signal: ShutdownSignal): void;
  /** A deliberate repeat: exit at once (process.exit runs the stop-on-exit hooks). */
  exitNow(signal: ShutdownSignal): void;
  /** A signal that changes nothing (a duplicate, or a late SIGHUP). */
  ignored?(signal: ShutdownSignal, action: 'duplicate' | 'ignore'): void;
}

/** Installs the handlers for SIGINT, SIGTERM and SIGHUP; returns a function that removes them. */
export function handleShutdownSignals(handlers: ShutdownSignalHandlers, policy = new ShutdownSignalPolicy()): () => void {
  const listeners = SHUTDOWN_SIGNALS.map((signal) => {
    const listener = () => {
      const action = policy.receive(signal);
      if (action === 'shutdown') handlers.shutdown(signal);
      else if (action === 'exit-now') handlers.exitNow(signal);
      else handlers.ignored?.(signal, action);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  const unguard = survivesClosedTerminal();
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
    unguard();
  };
}

/**
 * Once the terminal is closed, every write to it fails with EIO (EPIPE for a closed pipe), and an
 * unhandled stream error would end the process in the middle of its shutdown. Log lines that
 * cannot be shown are dropped instead; other errors still surface.
 */
function survivesClosedTerminal(): () => void {
  const ignoreGone = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EIO' || err.code === 'EPIPE') return;
    throw err;
  };
  process.stdout.on('error', ignoreGone);
  process.stderr.on('error', ignoreGone);
  return () => {
    process.stdout.off('error', ignoreGone);
    process.stderr.off('error', ignoreGone);
  };
}
