import { describe, expect, it } from 'vitest';
import { CleanupStack } from '../../src/util/cleanup-stack.js';

describe('CleanupStack', () => {
  it('runs the steps last pushed first, awaiting each', async () => {
    const stack = new CleanupStack();
    const order: string[] = [];
    stack.push(() => order.push('database'));
    stack.push(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('temporal');
    });
    stack.push(() => order.push('worker'));
    await stack.run();
    expect(order).toEqual(['worker', 'temporal', 'database']);
  });

  it('runs every step when one fails, then throws the first error', async () => {
    const stack = new CleanupStack();
    const order: string[] = [];
    stack.push(() => order.push('first'));
    stack.push(() => {
      throw new Error('second failed');
    });
    stack.push(async () => {
      throw new Error('third failed');
    });
    await expect(stack.run()).rejects.toThrow('third failed');
    expect(order).toEqual(['first']);
  });

  it('hands errors to onError instead, and does not throw', async () => {
    const stack = new CleanupStack();
    const seen: string[] = [];
    stack.push(() => {
      throw new Error('a');
    });
    stack.push(() => {
      throw new Error('b');
    });
    await stack.run((err) => seen.push((err as Error).message));
    expect(seen).toEqual(['b', 'a']);
  });

  it('runs once however often it is called', async () => {
    const stack = new CleanupStack();
    let runs = 0;
    stack.push(() => runs++);
    await Promise.all([stack.run(), stack.run()]);
    await stack.run();
    expect(runs).toBe(1);
  });
});
