// The production Temporal server and its SQL schema tool, built with Go from the module proxy into
// .tools/bin: no release download reaches this machine, the Go module proxy does. The version is
// the one docker-compose.yml deploys (test/temporal-server-version.test.ts keeps them equal).
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TOOLS_DIR } from './tools.js';

export const TEMPORAL_SERVER_VERSION = '1.31.0';

const MODULE = 'go.temporal.io/server';
/** `go install` names a binary after its package folder; these are the names Temporal's images use. */
const PACKAGES = [
  { pkg: `${MODULE}/cmd/server`, built: 'server', name: 'temporal-server' },
  { pkg: `${MODULE}/cmd/tools/sql`, built: 'sql', name: 'temporal-sql-tool' },
] as const;

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  version: string;
}

/** Go is not installed, so the server cannot be built; callers may fall back to the dev server. */
export class GoMissingError extends Error {
  constructor() {
    super(
      `Go is not installed (no \`go\` on PATH), so the Temporal server ${TEMPORAL_SERVER_VERSION} cannot be built. ` +
        'Install Go 1.21 or later (https://go.dev/dl, or Debian\'s golang-go), then run `npm run temporal:server`.',
    );
    this.name = 'GoMissingError';
  }
}

export interface BuildOptions {
  /** Progress lines while building (default: none). */
  onProgress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Where the binaries go (default .tools/bin). */
  binDir?: string;
}

/** What a cold build of 1.31.0 compiles (server and tool, with the standard library): for progress lines only. */
const APPROX_PACKAGES = 1_700;

/** Builds in progress in this process, by target folder: concurrent callers share one. */
const building = new Map<string, Promise<TemporalServerBinaries>>();

/**
 * The server and schema tool at TEMPORAL_SERVER_VERSION, built on first use. A binary counts only if
 * it reports that version, so changing the pin rebuilds.
 */
export function ensureTemporalServerBinaries(options: BuildOptions = {}): Promise<TemporalServerBinaries> {
  const binDir = options.binDir ?? path.join(TOOLS_DIR, 'bin');
  let pending = building.get(binDir);
  if (!pending) {
    pending = build({ ...options, binDir }).finally(() => building.delete(binDir));
    building.set(binDir, pending);
  }
  return pending;
}

/** The binaries if both are already built at the pinned version, without building anything. */
export async function builtTemporalServerBinaries(binDir = path.join(TOOLS_DIR, 'bin')): Promise<TemporalServerBinaries | undefined> {
  const [server, sqlTool] = PACKAGES.map((p) => path.join(binDir, p.name)) as [string, string];
  const versions = await Promise.all([binaryVersion(server), binaryVersion(sqlTool)]);
  return versions.every((v) => v === TEMPORAL_SERVER_VERSION) ? { server, sqlTool, version: TEMPORAL_SERVER_VERSION } : undefined;
}

async function build(options: BuildOptions & { binDir: string }): Promise<TemporalServerBinaries> {
  const { binDir } = options;
  const ready = await builtTemporalServerBinaries(binDir);
  if (ready) return ready;

  const env = options.env ?? process.env;
  const progress = options.onProgress ?? (() => undefined);
  const goVersion = await promisify(execFile)('go', ['env', 'GOVERSION'], { env }).then(
    (r) => r.stdout.trim(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new GoMissingError();
      throw err;
    },
  );

  // Built into a staging folder and moved into place, so an interrupted or concurrent build never
  // leaves a half-written binary under the final name.
  const staging = path.join(TOOLS_DIR, `go-build-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.mkdirSync(binDir, { recursive: true });
  progress(
    `Building the Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool with ${goVersion} into ${binDir}. ` +
      `The first build downloads the modules and compiles about ${APPROX_PACKAGES.toLocaleString('en')} packages: several minutes on 2 cores; later builds take seconds.`,
  );
  const started = Date.now();
  try {
    await goInstall(PACKAGES.map((p) => `${p.pkg}@v${TEMPORAL_SERVER_VERSION}`), { ...env, GOBIN: staging }, started, progress);
    for (const p of PACKAGES) fs.renameSync(path.join(staging, p.built), path.join(binDir, p.name));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const built = await builtTemporalServerBinaries(binDir);
  if (!built) throw new Error(`The build finished, but ${binDir} has no Temporal server reporting version ${TEMPORAL_SERVER_VERSION}`);
  progress(`Temporal server ${TEMPORAL_SERVER_VERSION} built in ${formatElapsed(Date.now() - started)}: ${built.server}, ${built.sqlTool}`);
  return built;
}

/** `go install -v`, reporting downloads and compiled packages every 15 s. */
function goInstall(targets: string[], env: NodeJS.ProcessEnv, started: number, progress: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Stripped of debug symbols: a smaller binary (about a third) and a faster link.
    const child = spawn('go', ['install', '-v', '-ldflags=-s -w', ...targets], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let downloaded = 0;
    let compiled = 0;
    const tail: string[] = [];
    let pending = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('go: downloading ')) downloaded++;
        else if (/^[\w.-]+(\/[\w.~-]+)*$/.test(line.trim())) compiled++;
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    });
    const timer = setInterval(() => {
      const phase = compiled > 0 ? `${compiled} of about ${APPROX_PACKAGES.toLocaleString('en')} packages compiled` : `${downloaded} modules downloaded`;
      progress(`  … ${phase} (${formatElapsed(Date.now() - started)})`);
    }, 15_000);
    child.once('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new Error(`go install failed with code ${code}:\n${[...tail, pending].filter(Boolean).slice(-10).join('\n')}`));
    });
  });
}

/** "1.31.0" from `temporal version 1.31.0` / `temporal-sql-tool version 1.31.0`; undefined if it does not run. */
async function binaryVersion(file: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(file, ['--version'], { timeout: 30_000 });
    return /version (\S+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
