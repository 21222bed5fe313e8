// Durability: a reservation survives the worker stopping and the Temporal dev server being
// killed and restarted on the same db file, and its mail still goes out exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { type RunningTemporal, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { createLogger } from '../src/logger.js';
import { createHarness, type Harness } from './support/harness.js';
import { freePort } from './support/ports.js';

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let dir: string;
let port: number;
let server: RunningTemporal | undefined;

const startServer = () =>
  startTemporalDevServer({
    cliPath: inject('temporalCli'),
    dbFile: path.join(dir, 'temporal.db'),
    port,
    uiPort: 0,
    namespace: 'default',
    logger,
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-restart-'));
  port = await freePort();
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('sends a reservation exactly once after the worker stops and the server restarts', async () => {
  server = await startServer();
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
  // The service's clock runs 55 s behind, so a reservation one minute ahead by the rules falls due
  // 5 s from now in real time: the restart is real, the one-minute wait is not needed for it.
  const h: Harness = await createHarness({ env, clock: () => new Date(Date.now() - 55_000) });
  try {
    const task = await h.service.reserveTask({
      requesterId: 'restart-user',
      template: 'notice',
      to: 'ops@example.com',
      variables: 'title=Restart;body=Still here.',
      description: 'survives a restart',
      when: 'in 1 minute',
    });
    expect(task.status).toBe('reserved');

    await h.stopWorker();
    await server.kill(); // SIGKILL, as a crash would
    server = await startServer(); // same port: the client and worker connections reconnect by themselves

    // The timer fires while no worker runs; nothing may be sent until one is back.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(h.sink.mails).toHaveLength(0);
    expect((await h.tasks.findById(task.id))!.status).toBe('reserved');

    await h.startWorker();
    const result = await h.workflow(task.id).result();
    expect(result).toEqual({ kind: 'sent', messageId: `<${task.id}@example.test>` });
    await new Promise((r) => setTimeout(r, 2_000)); // room for a duplicate to show up
    expect(h.mailsOf(task.id)).toHaveLength(1);
    expect((await h.tasks.findById(task.id))!).toMatchObject({ status: 'finished', attempts: 1 });
  } finally {
    await h.close();
    await env.teardown();
  }
});
