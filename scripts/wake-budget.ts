// npm run wake-budget [-- <count>]
// Measures the Temporal dev server's wake budget here: how many reservations a second it can wake
// (start delay ends → workflow task → activity scheduled → activity started on a worker), which is
// what WAKE_BUDGET stages reservations' wake-ups to. <count> workflows (default 1,000) are started
// with start delays that all end at one instant, on the dev server as Herald starts it, with a
// worker tuned as Herald's; each one's activity records when it started. The budget is the count
// divided by the time from that instant until the last of them started.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { freePort } from '../src/infra/free-port.js';
import { startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { ensureTemporalBinaries } from '../src/infra/tools.js';
import { createLogger } from '../src/logger.js';

const count = Number(process.argv[2] ?? 1_000);
const logger = createLogger({ level: 'warn' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-wake-budget-'));
const { cli } = await ensureTemporalBinaries();
const server = await startTemporalDevServer({ cliPath: cli, dbFile: path.join(dir, 'temporal.db'), port: await freePort(), uiPort: 0, namespace: 'default', logger });
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
const taskQueue = 'wake-budget';
const startedAt = new Map<string, number>();
try {
  // Far enough ahead for every start to be in before the instant.
  const wakeAt = Date.now() + 20_000 + count * 8;
  const ids = Array.from({ length: count }, (_, i) => `wake-${i}`);
  for (let i = 0; i < ids.length; i += 32) {
    await Promise.all(
      ids.slice(i, i + 32).map((workflowId) =>
        client.workflow.start('wakeProbe', { workflowId, taskQueue, args: [], startDelay: wakeAt - Date.now() }),
      ),
    );
  }
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./wake-budget-workflow.ts', import.meta.url)),
    activities: {
      async woke(id: string): Promise<void> {
        startedAt.set(id, Date.now());
      },
    },
    // As Herald's worker (src/config.ts defaults).
    maxCachedWorkflows: 250,
    maxConcurrentWorkflowTaskExecutions: 40,
    maxConcurrentActivityTaskExecutions: 10_000,
  });
  await worker.runUntil(async () => {
    while (startedAt.size < count) await new Promise((r) => setTimeout(r, 200));
  });
  await workerConnection.close();
  const lateness = [...startedAt.values()].map((t) => t - wakeAt).sort((a, b) => a - b);
  const spanS = Math.max(1, lateness.at(-1)!) / 1000;
  const at = (q: number) => lateness[Math.min(lateness.length - 1, Math.floor(q * lateness.length))]!;
  console.log(JSON.stringify({ count, wakesPerSecond: Math.round(count / spanS), p50Ms: at(0.5), p99Ms: at(0.99), maxMs: lateness.at(-1), loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) }));
} finally {
  await connection.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
