// The Temporal CLI dev server (`temporal server start-dev`) on a SQLite db file, so reservations
// survive restarts. It runs in its own process group: Herald stops it in order on shutdown, and at
// once if Herald exits any other way (stop-on-exit.ts). The process helpers below run the Temporal
// server of TEMPORAL_MODE=server too (temporal-server.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { type Logger, redactUrl } from '../logger.js';
import { stopOnExit } from './stop-on-exit.js';

/**
 * Dynamic config Herald needs from the dev server: the priority-aware task matcher, so a
 * send-now (priorityKey 1) overtakes a backlog of reservations. Set explicitly rather than
 * trusting the CLI's default, which has changed between server versions.
 */
export const TEMPORAL_DEV_DYNAMIC_CONFIG: readonly (readonly [string, string])[] = [['matching.useNewMatcher', 'true']];

export interface TemporalDevServerOptions {
  cliPath: string;
  dbFile: string;
  port: number;
  /** 0 runs headless. */
  uiPort: number;
  namespace: string;
  logger: Logger;
  startTimeoutMs?: number;
  /** Dynamic config values beside TEMPORAL_DEV_DYNAMIC_CONFIG (tests that need a setting of their own). */
  dynamicConfig?: readonly (readonly [string, string])[];
}

export interface RunningTemporal {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<RunningTemporal> {
  const { cliPath, dbFile, port, uiPort, namespace, logger } = options;
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const pidFile = `${dbFile}.pid`;
  await stopStaleServer(pidFile, 'start-dev', logger);
  if (!(await isPortFree(port))) {
    throw new Error(`Port ${port} is in use, so the Temporal dev server cannot start. Is Herald already running? Set TEMPORAL_DEV_PORT to another port.`);
  }

  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    ...(uiPort > 0 ? ['--ui-port', String(uiPort)] : ['--headless']),
    '--namespace', namespace,
    '--db-filename', dbFile,
    // WAL keeps writes cheap; a process crash still loses nothing that was committed.
    '--sqlite-pragma', 'journal_mode=WAL',
    '--sqlite-pragma', 'synchronous=NORMAL',
    '--log-level', 'warn',
    ...[...TEMPORAL_DEV_DYNAMIC_CONFIG, ...(options.dynamicConfig ?? [])].flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]),
  ];
  const address = `127.0.0.1:${port}`;
  const server = spawnTemporalProcess({ name: 'Temporal dev server', command: cliPath, args, pidFile, logger });
  try {
    await waitUntilServing(address, namespace, server.exited, options.startTimeoutMs ?? 60_000);
  } catch (err) {
    await server.kill();
    throw new Error(`The Temporal dev server did not start: ${(err as Error).message}\n${server.output().slice(-5).join('\n')}`, { cause: err });
  }
  logger.info({ address, dbFile, ui: uiPort > 0 ? redactUrl(`http://127.0.0.1:${uiPort}`) : 'off' }, 'Temporal dev server started');
  return { address, process: server.process, stop: server.stop, kill: server.kill };
}

export interface TemporalProcess {
  process: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Its last lines of output, for error messages. */
  output(): string[];
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
}

/**
 * Starts a Temporal server binary in its own process group (Ctrl-C in the terminal reaches Herald
 * only, which stops it in order) and records its pid, so a later start can stop one left behind.
 */
export function spawnTemporalProcess(options: {
  name: string;
  command: string;
  args: string[];
  pidFile: string;
  logger: Logger;
}): TemporalProcess {
  const { name, command, args, pidFile, logger } = options;
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  fs.writeFileSync(pidFile, String(child.pid));
  // Its own process group keeps Ctrl-C away from it, so it must be stopped if Herald exits first.
  const releaseExitStop = stopOnExit({
    pid: child.pid!,
    group: true,
    steps: [['SIGTERM', 1_000], ['SIGKILL', 1_000]],
    onStopped: () => fs.rmSync(pidFile, { force: true }),
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8').trim();
    if (text) {
      output.push(text);
      if (output.length > 50) output.shift();
      logger.debug({ component: 'temporal' }, text);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(releaseExitStop);

  const stopWith = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(pidFile, { force: true });
  };
  return {
    process: child,
    exited,
    output: () => output,
    stop: async () => {
      await stopWith('SIGTERM', 15_000);
      logger.info(`${name} stopped`);
    },
    kill: () => stopWith('SIGKILL', 0),
  };
}

/** Waits until the frontend at `address` answers for `namespace`; fails at once if the process exits. */
export async function waitUntilServing(address: string, namespace: string, exited: Promise<number | null>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the server exited with code ${exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`no answer on ${address} within ${timeoutMs} ms (${(lastError as Error)?.message ?? 'unknown'})`);
}

/**
 * A server left running by a crashed Herald still holds its data: stop it first. `marker` must be
 * in its command line, so a recycled pid of some other program is never signalled.
 */
export async function stopStaleServer(pidFile: string, marker: string, logger: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  };
  if (pid > 0 && alive()) {
    logger.warn({ pid }, 'stopping a Temporal server left over from an earlier run');
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive()) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(pidFile, { force: true });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
