// Embedded PostgreSQL when Herald runs as root. PostgreSQL refuses to run as root, so its binaries
// run as the system user `postgres`, which must be able to enter every folder above the binaries
// and above its cluster. A checkout in a private home (/root is 0700) gives it neither, and Herald
// does not loosen the user's folders behind their back. Instead postgres gets what it needs in a
// place it can reach, tied to this checkout: /var/lib/herald/<checkout>-<hash>/ holds a copy of the
// binaries and the cluster, and the data folder (.data/postgres) becomes a symbolic link to that
// cluster, so `ls -l .data` shows where it is. The log says so at every start.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';
import { PROJECT_ROOT } from '../project-root.js';
import { runningPostmaster } from './postmaster.js';
import { stopNow } from './stop-on-exit.js';

const run = promisify(execFile);

/** Where root's checkouts keep what user postgres must reach; persistent, unlike /tmp. */
export const POSTGRES_HOMES_DIR = '/var/lib/herald';

export interface PostgresUser {
  uid: number;
  gid: number;
}

/** The place for this checkout's copy of the binaries and its relocated clusters. */
export function checkoutPostgresHome(projectRoot: string = PROJECT_ROOT): string {
  const real = fs.realpathSync(projectRoot);
  return path.join(POSTGRES_HOMES_DIR, `${path.basename(real)}-${shortHash(real, 10)}`);
}

/** The uid and gid of user postgres, creating that system user if it does not exist yet. */
export async function ensurePostgresUser(logger: Logger): Promise<PostgresUser> {
  const existing = await postgresUserIds().catch(() => undefined);
  if (existing) return existing;
  logger.info('creating the system user "postgres": PostgreSQL refuses to run as root, so embedded PostgreSQL runs as that user');
  try {
    await run('groupadd', ['--system', 'postgres']).catch(async (err: { code?: number }) => {
      if (err.code !== 9) throw err; // 9: the group exists already
    });
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return await postgresUserIds();
  } catch (err) {
    throw new Error(
      'Herald runs as root, and embedded PostgreSQL must run as a user named "postgres", which does not exist and could not be created ' +
        `(${(err as Error).message.trim()}). Create it (useradd --system postgres), run Herald as an ordinary user, or set DATABASE_URL to a PostgreSQL server.`,
      { cause: err },
    );
  }
}

async function postgresUserIds(): Promise<PostgresUser> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The first of `target` and the folders above it that `user` cannot enter (or, for `target` itself,
 * execute), as the kernel decides it for that user (modes, ACLs, everything); undefined if none.
 */
export async function firstBlocked(user: PostgresUser, target: string): Promise<string | undefined> {
  const chain: string[] = [];
  for (let p = path.resolve(target); ; p = path.dirname(p)) {
    chain.unshift(p);
    if (p === path.dirname(p)) break;
  }
  try {
    await run('/bin/sh', ['-c', 'for p do [ -x "$p" ] || { printf %s "$p"; exit 1; }; done', 'sh', ...chain], user);
    return undefined;
  } catch (err) {
    const blocked = (err as { stdout?: string }).stdout;
    if (blocked) return blocked;
    throw err;
  }
}

/** "/root (mode 0700, owner root)": why user postgres cannot pass. */
function describeFolder(folder: string): string {
  const stat = fs.statSync(folder);
  let owner = String(stat.uid);
  try {
    owner = execFileSync('id', ['-nu', owner], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || owner;
  } catch {
    // A uid without a name: the number will do.
  }
  return `${folder} (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${owner})`;
}

/**
 * A folder of PostgreSQL binaries that `user` can run: the package's own, or else a copy of them in
 * this checkout's home, made once per package version.
 */
export async function binariesFor(user: PostgresUser, packageBinDir: string, logger: Logger): Promise<string> {
  const blocked = await firstBlocked(user, path.join(packageBinDir, 'pg_ctl'));
  if (!blocked) return packageBinDir;

  const nativeDir = path.dirname(packageBinDir);
  const { version } = JSON.parse(fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const home = makeHome();
  const copy = path.join(home, `postgres-${version}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'pg_ctl'))) {
    // Copied into a fresh folder and renamed into place, so that a concurrent start (npm test
    // while npm run dev runs) or an interrupted copy never leaves half a copy behind.
    const staging = `${copy}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    openToOthers(staging);
    try {
      fs.renameSync(staging, copy);
    } catch (err) {
      fs.rmSync(staging, { recursive: true, force: true });
      if (!fs.existsSync(path.join(copy, 'bin', 'pg_ctl'))) throw err;
    }
  }
  const stillBlocked = await firstBlocked(user, path.join(copy, 'bin', 'pg_ctl'));
  if (stillBlocked) throw new Error(unreachableMessage(`the copy of the PostgreSQL binaries in ${copy}`, stillBlocked));
  logger.info(
    { binaries: path.join(copy, 'bin') },
    `user postgres cannot enter ${describeFolder(blocked)}, so embedded PostgreSQL runs from a copy of its binaries in ${copy}`,
  );
  return path.join(copy, 'bin');
}

/**
 * The folder that holds the cluster for `dataDir`, owned by `user`: `dataDir` itself when user
 * postgres can reach it, else a folder in this checkout's home that `dataDir` links to.
 */
export async function clusterFor(user: PostgresUser, dataDir: string, logger: Logger): Promise<string> {
  const entry = fs.lstatSync(dataDir, { throwIfNoEntry: false });
  if (entry?.isSymbolicLink()) {
    const target = path.resolve(path.dirname(dataDir), fs.readlinkSync(dataDir));
    makeClusterFolder(target, user);
    const blocked = await firstBlocked(user, target);
    if (blocked) throw new Error(unreachableMessage(`the PostgreSQL cluster ${target} (linked from ${dataDir})`, blocked));
    logger.info({ cluster: target }, `embedded PostgreSQL cluster: ${target} (linked from ${dataDir})`);
    return target;
  }
  if (entry) {
    const blocked = await firstBlocked(user, dataDir);
    if (!blocked) return dataDir;
    // An empty folder is what a failed start of an older Herald left here; nothing to keep.
    if (!entry.isDirectory() || fs.readdirSync(dataDir).length > 0) {
      throw new Error(
        `${unreachableMessage(`the PostgreSQL cluster in ${dataDir}`, blocked)} ` +
          `To keep that cluster, move it where user postgres can reach it and leave a link: mv ${dataDir} <folder> && ln -s <folder> ${dataDir}.`,
      );
    }
    fs.rmdirSync(dataDir);
  }

  const parent = path.dirname(dataDir);
  fs.mkdirSync(parent, { recursive: true });
  const blocked = await firstBlocked(user, parent);
  if (!blocked) return dataDir;

  const target = path.join(makeHome(), `cluster-${shortHash(path.resolve(dataDir), 8)}`);
  if (fs.existsSync(target)) {
    // Its link went with the data folder it belonged to (and its password with it): a user who
    // deletes .data starts afresh, as they would without the link.
    stopLeftOver(target);
    fs.rmSync(target, { recursive: true, force: true });
    logger.warn({ cluster: target }, `removed the PostgreSQL cluster left in ${target} by a data folder that was deleted (${dataDir})`);
  }
  makeClusterFolder(target, user);
  fs.symlinkSync(target, dataDir);
  logger.info(
    { cluster: target },
    `user postgres cannot enter ${describeFolder(blocked)}, so the embedded PostgreSQL cluster lives in ${target}; ${dataDir} links to it`,
  );
  return target;
}

function unreachableMessage(what: string, blocked: string): string {
  return (
    `Herald runs as root, and embedded PostgreSQL runs as user postgres, which cannot reach ${what}: it cannot enter ${describeFolder(blocked)}. ` +
    `Give it access (chmod o+x on the folders on the way), run Herald as an ordinary user, or set DATABASE_URL to a PostgreSQL server.`
  );
}

function makeHome(): string {
  const home = checkoutPostgresHome();
  for (const dir of [POSTGRES_HOMES_DIR, home]) {
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      fs.chmodSync(dir, 0o755); // whatever root's umask: user postgres must enter it
    }
  }
  const readme = path.join(home, 'README');
  if (!fs.existsSync(readme)) {
    fs.writeFileSync(
      readme,
      `Embedded PostgreSQL for the Herald checkout in ${fs.realpathSync(PROJECT_ROOT)}.\n` +
        'Herald runs as root there, and user postgres, which runs PostgreSQL, cannot enter that folder.\n' +
        'So its binaries (postgres-<version>/) and clusters (cluster-<hash>/, each linked from a data folder) live here.\n' +
        'Delete this folder when that checkout is gone.\n',
      { mode: 0o644 },
    );
  }
  return home;
}

function makeClusterFolder(folder: string, user: PostgresUser): void {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(folder);
  if (stat.uid !== user.uid) fs.chownSync(folder, user.uid, user.gid);
  fs.chmodSync(folder, 0o700); // initdb and postgres insist on it
}

/** Makes a copy we own readable (and, where executable, runnable) by every user, whatever the umask. */
function openToOthers(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const mode = fs.statSync(file).mode & 0o7777;
    const wanted = entry.isDirectory() || mode & 0o100 ? mode | 0o555 : mode | 0o444;
    if (wanted !== mode) fs.chmodSync(file, wanted);
  }
  fs.chmodSync(dir, 0o755);
}

/** Stops a postmaster still running on a cluster that is about to be removed. */
function stopLeftOver(cluster: string): void {
  stopNow([{ pid: () => runningPostmaster(cluster), steps: [['SIGQUIT', 5_000], ['SIGKILL', 1_000]] }]);
}

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
