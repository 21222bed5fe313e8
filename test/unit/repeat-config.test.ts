// MIN_REPEAT_INTERVAL, MAX_REPEAT_DAYS and CATCHUP_WINDOW: read into Config['repeat'] (the
// RepeatLimits every series is built with, and how late a missed run may go out); a bad value
// stops start-up naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.variable}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: repeat limits', () => {
  it('defaults to one hour, 366 days and a ten-minute catch-up window', () => {
    expect(loadConfig({}).repeat).toEqual({ minIntervalMs: 3_600_000, maxDays: 366, catchupWindowMs: 600_000 });
  });

  it('unset, the catch-up window follows a shorter STALE_SEND_AFTER, down to Temporal\'s 10 s', () => {
    expect(loadConfig({ STALE_SEND_AFTER: '4m' }).repeat.catchupWindowMs).toBe(240_000);
    expect(loadConfig({ STALE_SEND_AFTER: '3s' }).repeat.catchupWindowMs).toBe(10_000);
    expect(loadConfig({ STALE_SEND_AFTER: '1h' }).repeat.catchupWindowMs).toBe(600_000);
  });

  it('reads durations and day counts', () => {
    expect(loadConfig({ MIN_REPEAT_INTERVAL: '30m', MAX_REPEAT_DAYS: '90', CATCHUP_WINDOW: '2m' }).repeat).toEqual({
      minIntervalMs: 1_800_000,
      maxDays: 90,
      catchupWindowMs: 120_000,
    });
    expect(loadConfig({ MIN_REPEAT_INTERVAL: '24h', MAX_REPEAT_DAYS: '3660', CATCHUP_WINDOW: '10s' }).repeat).toEqual({
      minIntervalMs: 86_400_000,
      maxDays: 3660,
      catchupWindowMs: 10_000,
    });
  });

  it.each([
    [{ MIN_REPEAT_INTERVAL: '30s' }, 'MIN_REPEAT_INTERVAL: at least 1m'],
    [{ MIN_REPEAT_INTERVAL: '25h' }, 'MIN_REPEAT_INTERVAL: at most 24h'],
    [{ MIN_REPEAT_INTERVAL: 'often' }, 'MIN_REPEAT_INTERVAL: expected a duration such as 500ms, 5s, 2m or 1h'],
    [{ MAX_REPEAT_DAYS: '0' }, 'MAX_REPEAT_DAYS: '],
    [{ MAX_REPEAT_DAYS: '3661' }, 'MAX_REPEAT_DAYS: '],
    [{ MAX_REPEAT_DAYS: '1.5' }, 'MAX_REPEAT_DAYS: '],
    [{ CATCHUP_WINDOW: '5s' }, "CATCHUP_WINDOW: at least 10s (Temporal's minimum)"],
    [{ CATCHUP_WINDOW: '25h' }, 'CATCHUP_WINDOW: at most 24h'],
    [{ CATCHUP_WINDOW: 'soon' }, 'CATCHUP_WINDOW: expected a duration'],
    // A run sent that late would only fail at its send as too late.
    [{ CATCHUP_WINDOW: '20m' }, 'CATCHUP_WINDOW: must not be longer than STALE_SEND_AFTER'],
  ])('%j is refused, naming the variable', (env, problem) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(problem)).toBe(true);
  });
});
