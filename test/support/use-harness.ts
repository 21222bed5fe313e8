// The vitest hooks every Herald test file needs, registered once: connect to (or start) a Temporal
// server and start a harness before the file's tests, keep the harness clock in step with a time-skipping server
// before each test, and tear both down after.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { connectSharedDevEnv, createHarness, type Harness, type HarnessOptions, startLocalEnv, startTimeSkippingEnv } from './harness.js';
import { startedLater } from './started-later.js';

export interface UseHarnessOptions extends Omit<HarnessOptions, 'env'> {
  /** The time-skipping test server (long waits), or the CLI dev server (real time, restarts, listing). */
  server: 'time-skipping' | 'dev';
  /**
   * With `server: 'dev'`: start a dev server for this file alone instead of using the run's shared
   * one. Needed when the file restarts or kills it, lists workflows or schedules across the
   * namespace, or changes server-wide settings (shared-temporal.ts).
   */
  ownServer?: boolean;
}

/**
 * Registers the hooks in the calling file (or describe block) and returns the harness. It is
 * there inside tests and inside hooks registered after this call; options may be a function
 * when they depend on something an earlier beforeAll starts.
 */
export function useHarness(options: UseHarnessOptions | (() => UseHarnessOptions)): Harness {
  let env: TestWorkflowEnvironment | undefined;
  let harness: Harness | undefined;
  beforeAll(async () => {
    const { server, ownServer, ...rest } = typeof options === 'function' ? options() : options;
    env = server === 'time-skipping' ? await startTimeSkippingEnv() : ownServer ? await startLocalEnv() : await connectSharedDevEnv();
    harness = await createHarness({ env, ...rest });
  });
  beforeEach(async () => {
    if (env?.supportsTimeSkipping) await harness?.syncClock();
  });
  afterAll(async () => {
    await harness?.close();
    await env?.teardown();
  });
  return startedLater(() => harness, 'The harness');
}
