// Task-queue priority on the dev server Herald ships with (started as the product starts it,
// src/infra/temporal-dev-server.ts): a send-now started behind a backlog of reservations is handed
// to the first free worker slot before any of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { mailRetryPolicy } from '../src/domain/retry-policy.js';
import { freePort } from '../src/infra/free-port.js';
import { type RunningTemporal, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { createLogger } from '../src/logger.js';
import { TemporalTaskScheduler } from '../src/temporal/mail-task-scheduler.js';

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const BACKLOG = 40;

let dir: string;
let server: RunningTemporal;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-priority-'));
  server = await startTemporalDevServer({
    cliPath: inject('temporalCli'),
    dbFile: path.join(dir, 'temporal.db'),
    port: await freePort(),
    uiPort: 0,
    namespace: 'default',
    logger,
    // One partition per task queue (the product runs with Temporal's default, four): each
    // partition orders only its own backlog, and a poll may be answered from another partition
    // first, so with four the send-now came anywhere from 1st to 10th under load. With one, the
    // order is the matcher's alone, which is what this test is about.
    dynamicConfig: [
      ['matching.numTaskqueueReadPartitions', '1'],
      ['matching.numTaskqueueWritePartitions', '1'],
    ],
  });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: 'default' });
}, 90_000);

afterAll(async () => {
  await connection?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** When the workflow's first workflow task was handed to a worker. */
async function firstPickedUp(workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const started = history.events?.find((e) => e.workflowTaskStartedEventAttributes);
  const { seconds, nanos } = started!.eventTime!;
  return Number(seconds) * 1000 + (nanos ?? 0) / 1e6;
}

it('hands a send-now to a worker before a backlog of reservations started earlier', async () => {
  const taskQueue = `priority-${Date.now()}`;
  const scheduler = new TemporalTaskScheduler({
    client,
    taskQueue,
    retryPolicy: mailRetryPolicy(loadConfig({ SMTP_FROM: 'Herald <herald@example.test>' })),
    prepareLeadMs: 0,
  });
  // Reservations due in a moment start without a start delay: with no worker polling yet, each
  // one's first workflow task waits in the task queue's backlog, in the order they were started.
  const soon = new Date(Date.now() + 20_000);
  const reservations = Array.from({ length: BACKLOG }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  for (const id of reservations) await scheduler.start({ id, scheduledAt: soon });
  const sendNow = '00000000-0000-4000-9000-000000000001';
  await scheduler.start({ id: sendNow, scheduledAt: null });

  // One worker with one workflow-task slot takes the backlog a task at a time.
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./fixtures/workflows/priority-probe.ts', import.meta.url)),
    maxConcurrentWorkflowTaskExecutions: 2,
    maxConcurrentWorkflowTaskPolls: 1,
    maxCachedWorkflows: 0,
  });
  await worker.runUntil(async () => {
    await Promise.all([...reservations, sendNow].map((id) => client.workflow.getHandle(id).result()));
  });
  await workerConnection.close();

  const times = new Map<string, number>();
  for (const id of [...reservations, sendNow]) times.set(id, await firstPickedUp(id));
  const order = [...times.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  // FIFO would put it last (41st). With priority it comes first, before the whole backlog.
  expect(order.indexOf(sendNow)).toBe(0);
}, 120_000);
