// Durability on the Temporal server Herald is deployed with (PostgreSQL, 4 history shards): sleeping
// reservations survive the server being killed (SIGKILL, as a crash) or stopped and started again
// on the same databases, and each mail goes out exactly once.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { startTestTemporalServer, type TestTemporalServer } from '../support/temporal-server.js';

let server: TestTemporalServer;
let env: TestWorkflowEnvironment;
let h: Harness;

beforeAll(async () => {
  server = await startTestTemporalServer({ historyShards: 4 });
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace: 'default' });
  // The service's clock runs 20 s behind, so a reservation one minute ahead by the rules falls due
  // 40 s from now in real time; with a 30 s prepare lead its workflow sleeps on a server timer for
  // the first 10 s. The restart falls into that sleep; the one-minute wait is not needed for it.
  h = await createHarness({ env, clock: () => new Date(Date.now() - 20_000), prepareLeadMs: 30_000 });
});
afterAll(async () => {
  await h?.close();
  await env?.teardown();
  await server?.close();
});

it('runs on the server it was asked for', async () => {
  const info = await env.client.workflowService.getClusterInfo({});
  expect(info.serverVersion).toBe(server.current().version);
  expect(info.historyShardCount).toBe(4);
  expect(info.persistenceStore).toMatch(/postgres/);
});

for (const how of ['kill', 'stop'] as const) {
  it(`sends each reservation exactly once after the server is ${how === 'kill' ? 'killed' : 'stopped'} while they sleep`, { timeout: 120_000 }, async () => {
    // Several, so that their workflows land on more than one of the four shards.
    const tasks = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        h.service.reserveTask({
          requesterId: `restart-${how}`,
          template: 'notice',
          to: `ops${i}@example.com`,
          variables: `title=Restart ${i};body=Still here.`,
          description: `survives a server ${how}`,
          when: 'in 1 minute',
        }),
      ),
    );
    for (const task of tasks) expect(task.status).toBe('reserved');
    // Each workflow has started its timer (its first workflow task ran) before the worker goes.
    for (const task of tasks) await waitForEvent(task.id, 'timerStartedEventAttributes');

    await h.stopWorker();
    await server.restart(how); // same ports: the client and worker connections reconnect by themselves

    // The timers fire on the restarted server while no worker runs; nothing may be sent until one is back.
    for (const task of tasks) await waitForEvent(task.id, 'timerFiredEventAttributes');
    await new Promise((r) => setTimeout(r, 2_000));
    const ids = new Set(tasks.map((t) => `<${t.id}@example.test>`));
    expect(h.sink.mails.filter((m) => ids.has(m.messageId ?? ''))).toHaveLength(0);
    for (const task of tasks) expect((await h.tasks.findById(task.id))!.status).toBe('reserved');

    await h.startWorker();
    for (const task of tasks) {
      const result = await env.client.workflow.getHandle(task.id).result();
      expect(result).toEqual({ kind: 'sent', messageId: `<${task.id}@example.test>` });
    }
    await new Promise((r) => setTimeout(r, 2_000)); // room for a duplicate to show up
    for (const task of tasks) {
      expect(h.sink.mails.filter((m) => m.messageId === `<${task.id}@example.test>`)).toHaveLength(1);
      expect((await h.tasks.findById(task.id))!).toMatchObject({ status: 'finished', attempts: 1 });
    }
  });
}

/** Waits until the workflow's history has an event of this kind (e.g. its timer fired). */
async function waitForEvent(workflowId: string, kind: 'timerStartedEventAttributes' | 'timerFiredEventAttributes'): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    if (history.events?.some((event) => event[kind] != null)) return;
    if (Date.now() > deadline) throw new Error(`${workflowId}: no ${kind} within 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
