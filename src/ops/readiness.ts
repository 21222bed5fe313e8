// Readiness as a list of named checks. Each part of Herald registers its own when it starts (the
// database, the Temporal connection, the worker, the Discord session; later the web server) and
// removes it when it stops; /readyz runs them all. A process is ready when every check passes.

/** Resolves when the part is ready; throws (or resolves false) with what is wrong when it is not. */
export type ReadinessCheck = () => Promise<unknown> | unknown;

export interface CheckResult {
  name: string;
  ok: boolean;
  /** Why it is not ready. */
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** The names of the checks that failed. */
  notReady: string[];
  checks: CheckResult[];
}

/** A check that answers nothing within this long counts as failed (a hung database, say). */
export const CHECK_TIMEOUT_MS = 3_000;

export class Readiness {
  private readonly checks = new Set<{ name: string; check: ReadinessCheck }>();

  /** Adds a named check; returns the function that removes it again (for the part's stop). */
  register(name: string, check: ReadinessCheck): () => void {
    const entry = { name, check };
    this.checks.add(entry);
    return () => {
      this.checks.delete(entry);
    };
  }

  /** Not ready while `name` holds (start-up, shutdown): returns the function that releases it. */
  hold(name: string, reason: string): () => void {
    return this.register(name, () => {
      throw new Error(reason);
    });
  }

  /** Runs every check at once, each bounded by CHECK_TIMEOUT_MS. */
  async check(timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
    const checks = await Promise.all([...this.checks].map(({ name, check }) => run(name, check, timeoutMs)));
    const notReady = checks.filter((c) => !c.ok).map((c) => c.name);
    return { ready: notReady.length === 0, notReady, checks };
  }
}

async function run(name: string, check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const answer = await Promise.race([Promise.resolve().then(check), timeout]);
    return answer === false ? { name, ok: false, error: 'not ready' } : { name, ok: true };
  } catch (err) {
    return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** The process's readiness: every part registers here, and the ops server reports it. */
export const readiness = new Readiness();
