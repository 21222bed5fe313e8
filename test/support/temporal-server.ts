// The production Temporal server for one test file: its own two databases on the run's embedded
// PostgreSQL, its own ports and config folder. Restartable on the same databases, as a crash and a
// deploy would restart it.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { DEFAULT_DYNAMIC_CONFIG_FILE } from '../../src/config.js';
import { type RunningTemporalServer, startTemporalServer, type TemporalServerOptions } from '../../src/infra/temporal-server.js';
import { TEMPORAL_SERVER_VERSION } from '../../src/infra/temporal-server-build.js';
import { createLogger } from '../../src/logger.js';
import { freeServerPorts } from './ports.js';

export interface TestTemporalServer {
  address: string;
  options: TemporalServerOptions;
  /** The running process (a new one after each restart). */
  current(): RunningTemporalServer;
  /** Ends the server (SIGKILL as a crash, or an orderly stop) and starts it again on the same databases and ports. */
  restart(how: 'kill' | 'stop'): Promise<void>;
  /** Stops it and drops its databases. */
  close(): Promise<void>;
}

export async function startTestTemporalServer(settings: { historyShards?: number } = {}): Promise<TestTemporalServer> {
  const adminUrl = inject('postgresAdminUrl');
  const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
  const databases = { temporal: `temporal_${suffix}`, visibility: `temporal_${suffix}_visibility` };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-temporal-server-'));
  const options: TemporalServerOptions = {
    binaries: { server: inject('temporalServer'), sqlTool: inject('temporalSqlTool'), version: TEMPORAL_SERVER_VERSION },
    cliPath: inject('temporalCli'),
    dataDir,
    postgresUrl: adminUrl,
    databases,
    historyShards: settings.historyShards ?? 4,
    dynamicConfigFile: DEFAULT_DYNAMIC_CONFIG_FILE,
    ports: await freeServerPorts(),
    namespace: 'default',
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  };
  const cleanUp = async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      for (const name of Object.values(databases)) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  let server = await startTemporalServer(options).catch(async (err: unknown) => {
    await cleanUp();
    throw err;
  });
  return {
    address: server.address,
    options,
    current: () => server,
    async restart(how) {
      await (how === 'kill' ? server.kill() : server.stop());
      server = await startTemporalServer(options);
    },
    async close() {
      await server.stop();
      await cleanUp();
    },
  };
}
