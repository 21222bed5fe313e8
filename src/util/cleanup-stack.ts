// Stops what was started, in reverse: each part that starts something pushes how to stop it, and
// run() stops them all, the last started first.
export type CleanupStep = () => unknown;

export class CleanupStack {
  private readonly steps: CleanupStep[] = [];
  private running: Promise<void> | undefined;

  push(step: CleanupStep): void {
    this.steps.push(step);
  }

  /**
   * Runs every step once, last pushed first. A failing step does not keep the others from running:
   * its error goes to `onError`, or, without one, the first error is thrown once all have run.
   * Later calls return the same promise.
   */
  run(onError?: (err: unknown) => void): Promise<void> {
    this.running ??= (async () => {
      const errors: unknown[] = [];
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        try {
          await step();
        } catch (err) {
          if (onError) onError(err);
          else errors.push(err);
        }
      }
      if (errors.length > 0) throw errors[0];
    })();
    return this.running;
  }
}
