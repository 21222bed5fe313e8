// The servers the benchmark runs both systems against: embedded PostgreSQL and the Temporal CLI
// dev server (Herald), redis-server from Debian (BullMQ). Each in a fresh temporary folder.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres.js';
import { startTemporalDevServer } from '../../src/infra/temporal-dev-server.js';
import { ensureTemporalBinaries } from '../../src/infra/tools.js';
import type { Logger } from '../../src/logger.js';
import { ensureDebianCommand } from '../../test/support/debian.js';
import { freePort } from '../../test/support/ports.js';

export interface BenchServices {
  databaseUrl: string;
  temporalAddress: string;
  temporalPid: number;
  redis: { host: string; port: number; pid: number };
  versions: Record<string, string>;
  /** Kills the Temporal dev server (SIGKILL) and starts it again on the same db file and port. */
  restartTemporal(): Promise<void>;
  /** Stops PostgreSQL (a fast shutdown: every connection is cut), for `ms`, then starts it again on the same data and port. */
  stopPostgresFor(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startServices(logger: Logger, options: { redis?: boolean } = {}): Promise<BenchServices> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-'));
  fs.chmodSync(dir, 0o755);
  const binaries = await ensureTemporalBinaries();
  const postgresOptions = { dataDir: path.join(dir, 'postgres'), port: await freePort(), database: 'herald', logger };
  let postgres = await startEmbeddedPostgres(postgresOptions);
  const temporalOptions = {
    cliPath: binaries.cli,
    dbFile: path.join(dir, 'temporal', 'temporal.db'),
    port: await freePort(),
    uiPort: 0,
    namespace: 'default',
    logger,
  };
  let temporal = await startTemporalDevServer(temporalOptions);
  const versions: Record<string, string> = { temporalCli: execFileSync(binaries.cli, ['--version']).toString().trim() };
  let redis: { process: ReturnType<typeof spawn>; port: number } | undefined;
  if (options.redis !== false) {
    const redisServer = await ensureDebianCommand({ command: 'redis-server' });
    const redisPort = await freePort();
    redis = {
      port: redisPort,
      process: spawn(redisServer, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }),
    };
    await waitForPort(redisPort);
    versions.redis = execFileSync(redisServer, ['--version']).toString().trim().split(' ').slice(0, 3).join(' ');
  }
  return {
    databaseUrl: postgres.url,
    temporalAddress: temporal.address,
    get temporalPid() {
      return temporal.process.pid!;
    },
    redis: { host: '127.0.0.1', port: redis?.port ?? 0, pid: redis?.process.pid ?? 0 },
    versions,
    async restartTemporal() {
      await temporal.kill();
      temporal = await startTemporalDevServer(temporalOptions);
    },
    async stopPostgresFor(ms) {
      await postgres.stop();
      await new Promise((resolve) => setTimeout(resolve, ms));
      postgres = await startEmbeddedPostgres(postgresOptions);
    },
    async stop() {
      redis?.process.kill('SIGTERM');
      await temporal.stop();
      await postgres.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number): Promise<void> {
  const net = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}
