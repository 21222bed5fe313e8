// Immediate sends run on a task queue of their own: a reservations' queue with every activity
// slot taken (here by holds waiting for their time) does not hold them up. Real time, dev server;
// the service's clock runs 58 s behind, so reservations fall due inside the 60 s prepare lead.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, startLocalEnv } from './support/harness.js';

let env: TestWorkflowEnvironment;
let h: Harness;

beforeAll(async () => {
  env = await startLocalEnv();
  h = await createHarness({
    env,
    clock: () => new Date(Date.now() - 58_000),
    prepareLeadMs: 60_000,
    workerTuning: { maxConcurrentActivities: 2 },
  });
});
afterAll(async () => {
  await h?.close();
  await env?.teardown();
});

const mailsOf = (taskId: string) => h.sink.mails.filter((m) => m.messageId === `<${taskId}@example.test>`);
const until = async (check: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
};

describe('an immediate send', () => {
  it('goes out while every activity slot of the reservations\' queue is busy holding', async () => {
    const holds = await Promise.all(
      [1, 2].map((n) =>
        h.service.reserveTask({
          requesterId: `holder-${n}`,
          template: 'notice',
          to: `hold${n}@example.com`,
          variables: 'title=Held;body=Later',
          description: 'fills a slot',
          when: new Date(Date.now() + 15_000),
        }),
      ),
    );
    const holding = async () => {
      const described = await Promise.all(holds.map((t) => env.client.workflow.getHandle(t.id).describe()));
      return described.every((d) => d.raw.pendingActivities?.[0]?.state === 2 /* STARTED */);
    };
    expect(await until(holding, 10_000)).toBe(true);

    const now = await h.service.enqueueTask({ requesterId: 'sender', template: 'notice', to: 'now@example.com', variables: 'title=Now;body=Now' });
    expect((await env.client.workflow.getHandle(now.id).describe()).taskQueue).toBe(`${h.taskQueue}-now`);
    // Well before the holds end (about 15 s from their start) and free a slot.
    expect(await until(() => mailsOf(now.id).length === 1, 5_000)).toBe(true);
    expect(holds.every((t) => mailsOf(t.id).length === 0)).toBe(true);

    for (const t of holds) await env.client.workflow.getHandle(t.id).result();
    expect(holds.map((t) => mailsOf(t.id).length)).toEqual([1, 1]);
  }, 60_000);
});
