// One Temporal CLI dev server for the whole test run, started by global-setup.ts. Files that only
// need a real-time server share it: each harness polls its own task queue and every workflow id is
// a fresh task id, so files cannot see each other's work. A file that restarts or kills its server,
// lists workflows or schedules, or changes server-wide settings asks for its own
// (useHarness({ server: 'dev', ownServer: true })).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnTemporalProcess, waitUntilServing } from '../../src/infra/temporal-dev-server.js';
import type { Logger } from '../../src/logger.js';
import { freePort } from './ports.js';

/** The dynamic config TestWorkflowEnvironment.createLocal gives its dev server (Updates on). */
const DEV_SERVER_DYNAMIC_CONFIG = [
  'frontend.enableServerVersionCheck=false',
  'frontend.enableUpdateWorkflowExecution=true',
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
];

export interface SharedDevServer {
  address: string;
  stop(): Promise<void>;
}

/** An in-memory dev server, headless, on a free port of 127.0.0.1. */
export async function startSharedDevServer(cliPath: string, logger: Logger): Promise<SharedDevServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-test-temporal-'));
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--headless',
    '--namespace', 'default',
    '--log-level', 'warn',
    ...DEV_SERVER_DYNAMIC_CONFIG.flatMap((value) => ['--dynamic-config-value', value]),
  ];
  const address = `127.0.0.1:${port}`;
  const server = spawnTemporalProcess({ name: 'shared Temporal dev server', command: cliPath, args, pidFile: path.join(dir, 'pid'), logger });
  const stop = async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(address, 'default', server.exited, 60_000);
  } catch (err) {
    await server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`The shared Temporal dev server did not start: ${(err as Error).message}\n${server.output().slice(-5).join('\n')}`, { cause: err });
  }
  return { address, stop };
}
