// The servers the benchmark runs both systems against: embedded PostgreSQL and Temporal (the CLI
// dev server, or with `temporal: 'server'` the production server on that PostgreSQL) for Herald,
// redis-server from Debian for BullMQ. Each in a fresh temporary folder.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres.js';
import { DEFAULT_DYNAMIC_CONFIG_FILE } from '../../src/config.js';
import { type RunningTemporal, startTemporalDevServer } from '../../src/infra/temporal-dev-server.js';
import { startTemporalServer } from '../../src/infra/temporal-server.js';
import { ensureTemporalServerBinaries } from '../../src/infra/temporal-server-build.js';
import { ensureTemporalBinaries } from '../../src/infra/tools.js';
import type { Logger } from '../../src/logger.js';
import { ensureDebianCommand } from '../../test/support/debian.js';
import { freePort, freeServerPorts } from '../../test/support/ports.js';

export interface BenchServices {
  databaseUrl: string;
  temporalAddress: string;
  temporalPid: number;
  /** The postmaster; its backends are its children. */
  postgresPid: number;
  /** Which Temporal runs, and (server) its history shards. */
  temporal: { mode: 'dev' | 'server'; historyShards: number };
  redis: { host: string; port: number; pid: number };
  versions: Record<string, string>;
  /** Kills Temporal (SIGKILL) and starts it again on the same data (db file or databases) and ports. */
  restartTemporal(): Promise<void>;
  /** Stops PostgreSQL (a fast shutdown: every connection is cut), for `ms`, then starts it again on the same data and port. */
  stopPostgresFor(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ServicesOptions {
  redis?: boolean;
  /** The CLI dev server (default: SQLite, one shard) or the production server on the embedded PostgreSQL. */
  temporal?: 'dev' | 'server';
  /** History shards of the server (default 4); fixed for the run, as the databases are new. */
  historyShards?: number;
}

export async function startServices(logger: Logger, options: ServicesOptions = {}): Promise<BenchServices> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-bench-'));
  fs.chmodSync(dir, 0o755);
  const binaries = await ensureTemporalBinaries();
  const postgresOptions = { dataDir: path.join(dir, 'postgres'), port: await freePort(), database: 'herald', logger };
  let postgres = await startEmbeddedPostgres(postgresOptions);
  const versions: Record<string, string> = { temporalCli: execFileSync(binaries.cli, ['--version']).toString().trim() };
  const mode = options.temporal ?? 'dev';
  let startTemporal: () => Promise<RunningTemporal>;
  if (mode === 'server') {
    const server = await ensureTemporalServerBinaries({ onProgress: (line) => console.log(line) });
    versions.temporalServer = server.version;
    const serverOptions = {
      binaries: server,
      cliPath: binaries.cli,
      dataDir: path.join(dir, 'temporal-server'),
      postgresUrl: postgres.url,
      historyShards: options.historyShards ?? 4,
      dynamicConfigFile: DEFAULT_DYNAMIC_CONFIG_FILE,
      ports: await freeServerPorts(),
      namespace: 'default',
      logger,
    };
    startTemporal = () => startTemporalServer(serverOptions);
  } else {
    const devOptions = {
      cliPath: binaries.cli,
      dbFile: path.join(dir, 'temporal', 'temporal.db'),
      port: await freePort(),
      uiPort: 0,
      namespace: 'default',
      logger,
    };
    startTemporal = () => startTemporalDevServer(devOptions);
  }
  let temporal = await startTemporal();
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
    get postgresPid() {
      return Number(fs.readFileSync(path.join(postgres.clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    },
    temporal: { mode, historyShards: mode === 'server' ? (options.historyShards ?? 4) : 1 },
    redis: { host: '127.0.0.1', port: redis?.port ?? 0, pid: redis?.process.pid ?? 0 },
    versions,
    async restartTemporal() {
      await temporal.kill();
      temporal = await startTemporal();
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
