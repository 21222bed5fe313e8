// The production Temporal server (built by temporal-server-build.ts) on PostgreSQL, as Herald is
// deployed with it: the schema is set up and the namespace registered by the same scripts the
// compose stack runs (deploy/temporal/), the server is configured by a YAML file generated into
// its data folder, and the process is run like the dev server: own process group, pid file,
// stale-process cleanup, stopped in order.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import type { Logger } from '../logger.js';
import { PROJECT_ROOT } from '../project-root.js';
import { isPortFree, type RunningTemporal, spawnTemporalProcess, stopStaleServer, waitUntilServing } from './temporal-dev-server.js';
import type { TemporalServerBinaries } from './temporal-server-build.js';

const run = promisify(execFile);
const SCRIPTS_DIR = path.join(PROJECT_ROOT, 'deploy', 'temporal');

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];
/** Each service's gRPC port and its membership (ringpop) port. */
export type TemporalServerPorts = Record<TemporalService, { grpc: number; membership: number }>;

/** Temporal keeps membership ports in a SMALLINT column (cluster_membership.rpc_port). */
export const MAX_MEMBERSHIP_PORT = 32_767;

/**
 * Temporal's own port layout (7233 frontend, 7234 history, 7235 matching, 7239 worker, membership
 * 300 below each), moved so that the frontend is on `frontend`.
 */
export function serverPortsFrom(frontend: number): TemporalServerPorts {
  const offsets: Record<TemporalService, number> = { frontend: 0, history: 1, matching: 2, worker: 6 };
  const ports = Object.fromEntries(
    TEMPORAL_SERVICES.map((service) => [service, { grpc: frontend + offsets[service], membership: frontend - 300 + offsets[service] }]),
  ) as TemporalServerPorts;
  const membership = TEMPORAL_SERVICES.map((service) => ports[service].membership);
  if (Math.min(...membership) < 1 || Math.max(...membership) > MAX_MEMBERSHIP_PORT || ports.worker.grpc > 65_535) {
    throw new Error(
      `The Temporal server's ports lie from 300 below its frontend port to 6 above, and Temporal stores the lower ones as a ` +
        `SMALLINT: the frontend port (TEMPORAL_DEV_PORT, ${frontend}) must be between 301 and ${MAX_MEMBERSHIP_PORT + 300 - 6}.`,
    );
  }
  return ports;
}

export interface TemporalServerOptions {
  binaries: TemporalServerBinaries;
  /** The Temporal CLI, which create-namespace.sh runs. */
  cliPath: string;
  /** Holds the generated config, the pid file and the server's log. */
  dataDir: string;
  /** A PostgreSQL user that may create databases, as a URL (its path is ignored). */
  postgresUrl: string;
  /** Default temporal and temporal_visibility, as in the compose stack. */
  databases?: { temporal: string; visibility: string };
  /** Fixed when the cluster's schema is first used; a different number later is refused. */
  historyShards: number;
  dynamicConfigFile: string;
  ports: TemporalServerPorts;
  namespace: string;
  logger: Logger;
  startTimeoutMs?: number;
}

export interface RunningTemporalServer extends RunningTemporal {
  historyShards: number;
  version: string;
  configFile: string;
}

/** A cluster whose schema was made with another shard count: Temporal cannot change it. */
export class ShardCountMismatchError extends Error {
  constructor(
    readonly persisted: number,
    readonly requested: number,
    databases: { temporal: string; visibility: string },
  ) {
    super(
      `This Temporal cluster was created with ${persisted} history shards, and the shard count of a cluster cannot change ` +
        `after its schema is created, so TEMPORAL_HISTORY_SHARDS=${requested} cannot apply. Set TEMPORAL_HISTORY_SHARDS=${persisted}, ` +
        `or drop the databases ${databases.temporal} and ${databases.visibility} (every workflow in them is lost) to start a new cluster.`,
    );
    this.name = 'ShardCountMismatchError';
  }
}

export async function startTemporalServer(options: TemporalServerOptions): Promise<RunningTemporalServer> {
  const { binaries, dataDir, ports, namespace, logger } = options;
  const databases = options.databases ?? { temporal: 'temporal', visibility: 'temporal_visibility' };
  fs.mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(dataDir, 'config.yaml');
  const pidFile = path.join(dataDir, 'temporal-server.pid');
  await stopStaleServer(pidFile, configFile, logger);
  for (const port of allPorts(ports)) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `Port ${port} is in use, so the Temporal server cannot start (it needs ${allPorts(ports).join(', ')}). ` +
          'Is Herald already running? Set TEMPORAL_DEV_PORT to move them.',
      );
    }
  }

  const postgres = postgresTarget(options.postgresUrl);
  const started = Date.now();
  await runScript('setup-postgres.sh', binaries.sqlTool, {
    POSTGRES_SEEDS: postgres.host,
    DB_PORT: String(postgres.port),
    POSTGRES_USER: postgres.user,
    SQL_PASSWORD: postgres.password,
    DBNAME: databases.temporal,
    VISIBILITY_DBNAME: databases.visibility,
  }, logger);
  logger.info({ databases: Object.values(databases), ms: Date.now() - started }, 'Temporal schema is up to date');

  // Holds the database password: readable by this user only.
  fs.writeFileSync(configFile, serverConfigYaml({ ...options, databases, postgres }), { mode: 0o600 });
  fs.chmodSync(configFile, 0o600);
  const address = `127.0.0.1:${ports.frontend.grpc}`;
  const server = spawnTemporalProcess({
    name: 'Temporal server',
    command: binaries.server,
    args: ['--config-file', configFile, '--allow-no-auth', 'start'],
    pidFile,
    logger,
  });
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  try {
    await waitUntilServing(address, 'temporal-system', server.exited, timeoutMs);
    const cluster = await clusterInfo(address);
    if (cluster.historyShards !== options.historyShards) {
      throw new ShardCountMismatchError(cluster.historyShards, options.historyShards, databases);
    }
    await runScript('create-namespace.sh', options.cliPath, { TEMPORAL_ADDRESS: address, NAMESPACE: namespace }, logger);
    await waitUntilServing(address, namespace, server.exited, timeoutMs);
    logger.info(
      { address, version: cluster.version, historyShards: cluster.historyShards, databases: Object.values(databases), ms: Date.now() - started },
      'Temporal server started',
    );
    return {
      address,
      process: server.process,
      stop: server.stop,
      kill: server.kill,
      historyShards: cluster.historyShards,
      version: cluster.version,
      configFile,
    };
  } catch (err) {
    await server.stop();
    if (err instanceof ShardCountMismatchError) throw err;
    throw new Error(`The Temporal server did not start: ${(err as Error).message}\n${server.output().slice(-5).join('\n')}`, { cause: err });
  }
}

interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

function postgresTarget(url: string): PostgresTarget {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

/** Runs one of deploy/temporal's scripts with `tool`'s folder first on PATH, as the admin-tools image has it. */
async function runScript(script: string, tool: string, env: Record<string, string>, logger: Logger): Promise<void> {
  try {
    const { stdout, stderr } = await run('sh', [path.join(SCRIPTS_DIR, script)], {
      env: { ...process.env, ...env, PATH: `${path.dirname(tool)}${path.delimiter}${process.env.PATH ?? ''}` },
      maxBuffer: 16 * 1024 * 1024,
    });
    logger.debug({ component: 'temporal', script }, `${stdout}${stderr}`.trim());
  } catch (err) {
    const output = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`.trim();
    throw new Error(`deploy/temporal/${script} failed:\n${output.split('\n').slice(-8).join('\n')}`, { cause: err });
  }
}

async function clusterInfo(address: string): Promise<{ historyShards: number; version: string }> {
  const connection = await Connection.connect({ address });
  try {
    const info = await connection.workflowService.getClusterInfo({});
    return { historyShards: info.historyShardCount ?? 0, version: info.serverVersion ?? 'unknown' };
  } finally {
    await connection.close();
  }
}

function allPorts(ports: TemporalServerPorts): number[] {
  return TEMPORAL_SERVICES.flatMap((service) => [ports[service].grpc, ports[service].membership]);
}

/**
 * The server's YAML config: PostgreSQL persistence (postgres12 plugin) for both stores, every
 * service on 127.0.0.1, no HTTP API, no archival, no metrics endpoint. Strings are JSON-quoted,
 * which YAML reads as double-quoted scalars.
 */
function serverConfigYaml(options: TemporalServerOptions & { databases: { temporal: string; visibility: string }; postgres: PostgresTarget }): string {
  const { postgres, databases, ports, historyShards } = options;
  const q = (value: string) => JSON.stringify(value);
  const store = (database: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: ${q(database)}
        connectAddr: ${q(`${postgres.host}:${postgres.port}`)}
        connectProtocol: "tcp"
        user: ${q(postgres.user)}
        password: ${q(postgres.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const services = TEMPORAL_SERVICES.map(
    (service) => `
  ${service}:
    rpc:
      grpcPort: ${ports[service].grpc}
      membershipPort: ${ports[service].membership}
      bindOnIP: "127.0.0.1"`,
  ).join('');
  return `# Generated by Herald (src/infra/temporal-server.ts) at every start; edits are overwritten.
# Namespace ${q(options.namespace)} is registered by deploy/temporal/create-namespace.sh.
log:
  stdout: true
  level: "warn"

persistence:
  defaultStore: "default"
  visibilityStore: "visibility"
  # Fixed once the schema is first used.
  numHistoryShards: ${historyShards}
  datastores:
    default:${store(databases.temporal, 20)}
    visibility:${store(databases.visibility, 10)}

global:
  membership:
    maxJoinDuration: "30s"
    broadcastAddress: "127.0.0.1"
  pprof:
    port: 0

services:${services}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: ${q(`127.0.0.1:${ports.frontend.grpc}`)}

dcRedirectionPolicy:
  policy: "noop"

archival:
  history:
    state: "disabled"
  visibility:
    state: "disabled"

namespaceDefaults:
  archival:
    history:
      state: "disabled"
    visibility:
      state: "disabled"

dynamicConfigClient:
  filepath: ${q(options.dynamicConfigFile)}
  pollInterval: "10s"
`;
}
