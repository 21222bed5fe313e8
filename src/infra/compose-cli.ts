// Docker Compose v2 for checking docker-compose.yml where no compose plugin is installed.
// There is no Docker engine here and GitHub downloads are unreachable, so the compose CLI is built
// from the Go module proxy into .tools/bin (about two minutes, once). `config` needs no engine.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TOOLS_DIR } from './tools.js';

const run = promisify(execFile);
const COMPOSE_VERSION = 'v2.40.3';
const BUILT = path.join(TOOLS_DIR, 'bin', 'docker-compose');

/** The command that runs Docker Compose v2: the docker plugin if it works, else a local build. */
export async function ensureComposeCli(): Promise<string[]> {
  if (works('docker', ['compose', 'version'])) return ['docker', 'compose'];
  if (works(BUILT, ['version'])) return [BUILT];
  if (!works('go', ['version'])) {
    throw new Error('Neither the docker compose plugin nor a Go toolchain to build it is installed.');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-compose-'));
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', `github.com/docker/compose/v2@${COMPOSE_VERSION}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const source = path.join(work, 'src');
    fs.cpSync((JSON.parse(stdout) as { Dir: string }).Dir, source, { recursive: true });
    fs.chmodSync(source, 0o755);
    // Built as the main module: its go.mod has exclude directives that `go install` refuses.
    fs.mkdirSync(path.dirname(BUILT), { recursive: true });
    await run(
      'go',
      ['build', '-trimpath', '-ldflags', `-s -w -X github.com/docker/compose/v2/internal.Version=${COMPOSE_VERSION}`, '-o', `${BUILT}.tmp`, './cmd'],
      { cwd: source, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GOFLAGS: '-mod=mod' } },
    );
    fs.renameSync(`${BUILT}.tmp`, BUILT);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return [BUILT];
}

function works(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
