// What each shutdown signal means (src/runtime/signals.ts), and the stops that run however Herald
// exits (src/infra/stop-on-exit.ts), with real signals and real processes.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning } from '../../src/infra/stop-on-exit.js';
import { PROJECT_ROOT } from '../../src/project-root.js';
import { handleShutdownSignals, type ShutdownSignal, ShutdownSignalPolicy } from '../../src/runtime/signals.js';

describe('ShutdownSignalPolicy', () => {
  const at = (times: number[]) => {
    let i = 0;
    return () => times[i++]!;
  };

  it('starts the shutdown on the first SIGINT, SIGTERM or SIGHUP', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      expect(new ShutdownSignalPolicy(1_000, at([0])).receive(signal)).toBe('shutdown');
    }
  });

  it('takes every signal within the window after the first as the same request, whatever the signal', () => {
    const policy = new ShutdownSignalPolicy(1_000, at([5_000, 5_001, 5_030, 5_999, 5_999]));
    expect(policy.receive('SIGINT')).toBe('shutdown');
    expect(policy.receive('SIGINT')).toBe('duplicate'); // npm's or tsx's copy of the same Ctrl-C
    expect(policy.receive('SIGINT')).toBe('duplicate');
    expect(policy.receive('SIGTERM')).toBe('duplicate');
    expect(policy.receive('SIGHUP')).toBe('duplicate');
  });

  it('exits now on a SIGINT or SIGTERM once the window has passed; a late SIGHUP hurries nothing', () => {
    const policy = new ShutdownSignalPolicy(1_000, at([0, 1_000, 1_500, 2_000]));
    expect(policy.receive('SIGTERM')).toBe('shutdown');
    expect(policy.receive('SIGHUP')).toBe('ignore');
    expect(policy.receive('SIGINT')).toBe('exit-now');
    expect(policy.receive('SIGTERM')).toBe('exit-now');
  });
});

describe('handleShutdownSignals', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => uninstall?.());

  it('handles real signals sent to this process: SIGHUP shuts down, the copy right after is ignored', async () => {
    const calls: string[] = [];
    uninstall = handleShutdownSignals({
      shutdown: (s: ShutdownSignal) => calls.push(`shutdown ${s}`),
      exitNow: (s: ShutdownSignal) => calls.push(`exit-now ${s}`),
      ignored: (s: ShutdownSignal, action) => calls.push(`${action} ${s}`),
    });
    process.kill(process.pid, 'SIGHUP');
    process.kill(process.pid, 'SIGINT');
    for (let i = 0; i < 100 && calls.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual(['shutdown SIGHUP', 'duplicate SIGINT']);
  });
});

describe('stopOnExit', () => {
  /** Runs `code` in a Node process that has started `sleep` in its own process group (as Herald starts its servers). */
  function runWithChild(code: string): { exitCode: number; sleeper: number; stderr: string } {
    const script = `
      import { spawn } from 'node:child_process';
      import { stopOnExit } from './src/infra/stop-on-exit.ts';
      const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
      child.unref();
      console.log(child.pid);
      const release = stopOnExit({ pid: child.pid, group: true, steps: [['SIGTERM', 1000], ['SIGKILL', 1000]] });
      ${code}
    `;
    try {
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PROJECT_ROOT, stdio: 'pipe' });
      return { exitCode: 0, sleeper: Number(stdout.toString().trim()), stderr: '' };
    } catch (err) {
      const e = err as { status: number; stdout: Buffer; stderr: Buffer };
      return { exitCode: e.status, sleeper: Number(e.stdout.toString().trim()), stderr: e.stderr.toString() };
    }
  }

  it('stops the child when the process exits at once (process.exit)', () => {
    const { exitCode, sleeper } = runWithChild('process.exit(1);');
    expect(exitCode).toBe(1);
    expect(sleeper).toBeGreaterThan(0);
    expect(isRunning(sleeper)).toBe(false);
  });

  it('stops the child when the process dies of an uncaught exception', () => {
    const { exitCode, sleeper, stderr } = runWithChild("setTimeout(() => { throw new Error('boom'); }, 10);");
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/boom/);
    expect(isRunning(sleeper)).toBe(false);
  });

  it('stops the child when the process simply ends with it still registered', () => {
    const { exitCode, sleeper } = runWithChild('');
    expect(exitCode).toBe(0);
    expect(isRunning(sleeper)).toBe(false);
  });

  it('leaves a child alone once its stop is released (it was stopped in order, or handed on)', () => {
    const { exitCode, sleeper } = runWithChild('release(); process.exit(1);');
    try {
      expect(exitCode).toBe(1);
      expect(isRunning(sleeper)).toBe(true);
    } finally {
      process.kill(-sleeper, 'SIGKILL');
    }
  });
});
