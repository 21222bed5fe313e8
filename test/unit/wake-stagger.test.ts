import { describe, expect, it } from 'vitest';
import { stageWakes, type WakeRequest } from '../../src/domain/wake-stagger.js';

const burst = (n: number, nominal: number, latest: number): WakeRequest[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${i}`, nominal, latest }));

const perSecond = (assigned: Map<string, number>) => {
  const counts = new Map<number, number>();
  for (const s of assigned.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
};

describe('stageWakes', () => {
  it('spreads a burst due together backwards from its usual wake, never over the budget', () => {
    const assigned = stageWakes(burst(1_000, 1_000, 1_050), new Map(), 50, 0);
    const counts = perSecond(assigned);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 981 + i));
    for (const n of counts.values()) expect(n).toBe(50);
  });

  it('counts the wakes already set, including those of earlier batches', () => {
    const used = new Map([[1_000, 48], [999, 50]]);
    const assigned = stageWakes(burst(5, 1_000, 1_050), used, 50, 0);
    expect([...assigned.values()]).toEqual([1_000, 1_000, 998, 998, 998]);
    expect(used.get(1_000)).toBe(50);
    expect(used.get(998)).toBe(3);
  });

  it('takes a later second, before the time, when none before the usual wake has room, and the usual wake when none has', () => {
    const used = new Map([[10, 2], [11, 2], [12, 2]]);
    const assigned = stageWakes(burst(4, 11, 13), used, 2, 10);
    expect([...assigned.values()]).toEqual([13, 13, 11, 11]);
  });
});
