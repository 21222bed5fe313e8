// `npm run dev` as a user runs it: npm, sh, tsx and Herald's node in one process group of their
// own, as a terminal's foreground job is, so that a test can signal the whole group the way Ctrl-C
// or a closed terminal does. Optionally inside a real pseudo-terminal (util-linux `script`).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning } from '../../src/infra/stop-on-exit.js';
import { PROJECT_ROOT } from '../../src/project-root.js';
import { inject } from 'vitest';
import { freePort } from './ports.js';
import { type CapturedOutput, captureOutput } from './processes.js';

const EXIT_PROBE = path.join(PROJECT_ROOT, 'test', 'support', 'exit-probe.cjs');

export interface DevScriptRun extends CapturedOutput {
  /** npm, or `script` holding the terminal; its pid is the process group's id. */
  child: ChildProcess;
  /** Herald's own node process (not npm's, not tsx's). */
  heraldPid(): number;
  /** Waits until Herald's process is gone; its exit code, or null if it died without exiting (a kill). */
  heraldExit(timeoutMs?: number): Promise<number | null>;
  signalGroup(signal: NodeJS.Signals): void;
}

export interface DevScriptOptions {
  cwd?: string;
  env: Record<string, string>;
  /** Runs it at a terminal: a pseudo-terminal that `script` holds; killing `script` closes it. */
  terminal?: boolean;
}

/**
 * The variables that put `npm run dev`'s embedded servers on ports free a moment ago (other
 * programs on this machine take ports too), with this run's Temporal CLI.
 */
export async function devServerEnv(): Promise<Record<string, string>> {
  return {
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_DEV_UI_PORT: '0',
    SMTP_SINK_PORT: String(await freePort()),
    TEMPORAL_CLI_PATH: inject('temporalCli'),
  };
}

export function hasScriptCommand(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function runDevScript(options: DevScriptOptions): DevScriptRun {
  const probeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'herald-exit-probe-')), 'exits.jsonl');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    ...options.env,
    NODE_OPTIONS: `--require ${EXIT_PROBE}`,
    HERALD_EXIT_PROBE_FILE: probeFile,
  };
  const [command, args] = options.terminal ? ['script', ['--quiet', '--flush', '--return', '--command', 'npm run dev', '/dev/null']] : ['npm', ['run', 'dev']];
  // detached: a new session and process group, like a terminal's job (and no stray signal from ours).
  const child = spawn(command as string, args as string[], { cwd: options.cwd ?? PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const captured = captureOutput(child, 'npm run dev');

  const probe = () =>
    fs.existsSync(probeFile)
      ? fs.readFileSync(probeFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { pid: number; event: string; code?: number; message?: string })
      : [];
  const heraldPid = () => {
    const started = probe().filter((r) => r.event === 'start');
    if (started.length !== 1) throw new Error(`expected one Herald process, found ${started.length}`);
    return started[0]!.pid;
  };

  return {
    child,
    ...captured,
    heraldPid,
    async heraldExit(timeoutMs = 60_000) {
      const pid = heraldPid();
      const deadline = Date.now() + timeoutMs;
      while (isRunning(pid)) {
        if (Date.now() > deadline) throw new Error(`Herald (pid ${pid}) still runs ${timeoutMs} ms later:\n${captured.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const records = probe().filter((r) => r.pid === pid);
      fs.rmSync(path.dirname(probeFile), { recursive: true, force: true });
      const uncaught = records.find((r) => r.event === 'uncaught');
      if (uncaught) captured.note(`[exit probe] uncaught exception in Herald: ${uncaught.message}`);
      return records.find((r) => r.event === 'exit')?.code ?? null;
    },
    signalGroup(signal) {
      process.kill(-child.pid!, signal);
    },
  };
}

/**
 * Processes whose command line names `dir` (embedded PostgreSQL's postmaster, the Temporal dev
 * server), with all their descendants (PostgreSQL's backends, whose command lines do not).
 */
export function processesUnder(dir: string): number[] {
  const table = fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const cmdline = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8');
        return [{ pid: Number(e), ppid, cmdline }];
      } catch {
        return [];
      }
    });
  const found = new Set(table.filter((p) => p.cmdline.includes(dir)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found].filter(isRunning).sort((a, b) => a - b);
}

/** Describes processes for a failure message. */
export function describeProcesses(pids: number[]): string {
  return pids
    .map((pid) => {
      try {
        return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`;
      } catch {
        return `${pid} (gone)`;
      }
    })
    .join('\n');
}
