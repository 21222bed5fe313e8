// Child processes for the benchmark: each system's worker, the bot and the sink run on their own
// event loop, as they would in production, and their memory can be read separately.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  process: ChildProcess;
  pid: number;
  /** Resolves with the first message of this type. */
  waitFor<T = Record<string, unknown>>(type: string, timeoutMs?: number): Promise<T>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `script` in a child Node.js process: .ts files through tsx, built .js files as they are. */
export function startChild(script: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Child {
  const child = fork(script, args, {
    cwd: ROOT,
    execArgv: [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), ...nodeArgs],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    pid: child.pid!,
    waitFor(type, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
        const onMessage = (message: { type?: string }) => {
          if (message?.type !== type) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message as never);
        };
        child.on('message', onMessage);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${script} exited with ${code} before "${type}"`));
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
