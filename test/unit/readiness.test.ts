import { describe, expect, it } from 'vitest';
import { Readiness } from '../../src/ops/readiness.js';

describe('Readiness', () => {
  it('is ready with no checks, and with every check passing', async () => {
    const readiness = new Readiness();
    expect(await readiness.check()).toEqual({ ready: true, notReady: [], checks: [] });
    readiness.register('sync', () => undefined);
    readiness.register('async', async () => 'fine');
    expect(await readiness.check()).toEqual({ ready: true, notReady: [], checks: [{ name: 'sync', ok: true }, { name: 'async', ok: true }] });
  });

  it('names each failing check with what is wrong: a throw, a rejection, false, or no answer in time', async () => {
    const readiness = new Readiness();
    readiness.register('ok', () => true);
    readiness.register('throws', () => {
      throw new Error('connection refused');
    });
    readiness.register('rejects', () => Promise.reject(new Error('timeout')));
    readiness.register('false', () => false);
    readiness.register('hangs', () => new Promise(() => undefined));
    const report = await readiness.check(50);
    expect(report.ready).toBe(false);
    expect(report.notReady).toEqual(['throws', 'rejects', 'false', 'hangs']);
    expect(report.checks).toEqual([
      { name: 'ok', ok: true },
      { name: 'throws', ok: false, error: 'connection refused' },
      { name: 'rejects', ok: false, error: 'timeout' },
      { name: 'false', ok: false, error: 'not ready' },
      { name: 'hangs', ok: false, error: 'no answer within 50 ms' },
    ]);
  });

  it('forgets a check its part removes, and a hold once released', async () => {
    const readiness = new Readiness();
    const unregister = readiness.register('database', () => false);
    const release = readiness.hold('start-up', 'Herald is starting');
    expect((await readiness.check()).notReady).toEqual(['database', 'start-up']);
    expect((await readiness.check()).checks[1]).toEqual({ name: 'start-up', ok: false, error: 'Herald is starting' });
    unregister();
    release();
    release(); // twice is harmless
    expect(await readiness.check()).toEqual({ ready: true, notReady: [], checks: [] });
  });
});
