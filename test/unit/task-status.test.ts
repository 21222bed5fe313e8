import { describe, it, expect } from 'vitest';
import {
  OPEN_STATUSES,
  TASK_STATUSES,
  TERMINAL_STATUSES,
  canTransition,
  isOpen,
  sourcesOf,
  type TaskStatus,
} from '../../src/domain/task-status.js';

// The whole table, written out: every pair not listed here must be refused.
const ALLOWED: Record<TaskStatus, TaskStatus[]> = {
  queued: ['running', 'canceled', 'failed'],
  reserved: ['running', 'canceled', 'failed'],
  running: ['running', 'finished', 'failed'],
  finished: [],
  failed: [],
  canceled: [],
};

describe('task status transitions', () => {
  it('knows exactly the six statuses', () => {
    expect([...TASK_STATUSES]).toEqual(['queued', 'reserved', 'running', 'finished', 'failed', 'canceled']);
  });

  for (const from of TASK_STATUSES) {
    for (const to of TASK_STATUSES) {
      const expected = ALLOWED[from].includes(to);
      it(`${from} → ${to} is ${expected ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(expected);
      });
    }
  }

  it('finished, failed and canceled are terminal', () => {
    expect([...TERMINAL_STATUSES]).toEqual(['finished', 'failed', 'canceled']);
    for (const from of ['finished', 'failed', 'canceled'] as const) {
      expect(TASK_STATUSES.filter((to) => canTransition(from, to))).toEqual([]);
    }
  });

  it('a canceled task can never become running', () => {
    expect(canTransition('canceled', 'running')).toBe(false);
    expect(sourcesOf('running')).not.toContain('canceled');
  });

  it('running → running is allowed for retries', () => {
    expect(canTransition('running', 'running')).toBe(true);
  });

  it('a running task can no longer be canceled', () => {
    expect(canTransition('running', 'canceled')).toBe(false);
  });
});

describe('sourcesOf', () => {
  it('lists the statuses each target may be reached from, in table order', () => {
    expect(sourcesOf('queued')).toEqual([]);
    expect(sourcesOf('reserved')).toEqual([]);
    expect(sourcesOf('running')).toEqual(['queued', 'reserved', 'running']);
    expect(sourcesOf('finished')).toEqual(['running']);
    expect(sourcesOf('failed')).toEqual(['queued', 'reserved', 'running']);
    expect(sourcesOf('canceled')).toEqual(['queued', 'reserved']);
  });
});

describe('open statuses', () => {
  it('only queued and reserved are open', () => {
    expect([...OPEN_STATUSES]).toEqual(['queued', 'reserved']);
    expect(TASK_STATUSES.filter(isOpen)).toEqual(['queued', 'reserved']);
  });
});
