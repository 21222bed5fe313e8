// Herald's real entry point (src/main.ts) as a child process, for tests of signals and logs.
import { type ChildProcess, spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/project-root.js';
import { workflowBundleEnv } from './workflow-bundle.js';

export interface CapturedOutput {
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when a line matching `pattern` appears; rejects if the process ends first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Adds a line of the test's own to the output (a clue for failure messages). */
  note(text: string): void;
}

export interface HeraldProcess extends CapturedOutput {
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export function startHeraldProcess(mode: 'all' | 'worker' | 'bot' | 'web', env: Record<string, string>): HeraldProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', mode], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NODE_ENV: 'production', ...workflowBundleEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, ...captureOutput(child) };
}

/** Collects a child's stdout and stderr, to wait for lines and to quote in failure messages. */
export function captureOutput(child: ChildProcess, label = 'the process'): CapturedOutput {
  let text = '';
  let ended = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  const collect = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    changed();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('exit', () => {
    ended = true;
    changed();
  });
  return {
    output: () => text,
    note(line) {
      text += `\n${line}\n`;
    },
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${text.slice(-3000)}`)), timeoutMs);
        const check = () => {
          if (pattern.test(text)) done();
          else if (ended) done(new Error(`${label} ended before output matching ${pattern}:\n${text.slice(-3000)}`));
        };
        const done = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
  };
}
