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

it('a series sends exactly one mail per run across a server crash between its runs (issue 11)', async () => {
  server ??= await startServer();
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
  // The service's clock runs 45 s behind: a series whose first run is a minute ahead by the rules
  // starts 15 s from now.
  const h: Harness = await createHarness({ env, clock: () => new Date(Date.now() - 45_000), configEnv: { MIN_REPEAT_INTERVAL: '1m' } });
  try {
    const series = await h.service.reserveSeries({
      requesterId: 'restart-series',
      template: 'notice',
      to: 'ops@example.com',
      variables: 'title=Restart;body=Every minute.',
      description: 'a series across a restart',
      repeat: 'every minute, 2 times',
      when: 'in 1 minute',
      timeZone: 'UTC',
    });
    const [first, second] = series.series!.nextRuns;
    const runs = () => h.db.selectFrom('tasks').selectAll().where('series_id', '=', series.id).orderBy('run_at').execute();
    const waitForRuns = async (n: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while ((await runs()).filter((r) => r.status === 'finished').length < n) {
        if (Date.now() > deadline) throw new Error(`fewer than ${n} runs finished`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await waitForRuns(1, first!.getTime() - Date.now() + 30_000);

    // Between the runs: the worker stops and the server is killed and comes back on its db file,
    // with the Schedule in it.
    await h.stopWorker();
    await server.kill();
    server = await startServer();
    await h.startWorker();

    await waitForRuns(2, second!.getTime() - Date.now() + 40_000);
    await new Promise((r) => setTimeout(r, 2_000)); // room for a duplicate to show up
    const made = await runs();
    expect(made.map((r) => r.run_at!.toISOString())).toEqual([first!.toISOString(), second!.toISOString()]);
    for (const run of made) expect(h.mailsOf(run.id)).toHaveLength(1);
    expect(h.sink.mails.filter((m) => m.subject.includes('Restart'))).toHaveLength(2);
    expect((await h.seriesRepository.findById(series.id))!.status).toBe('finished');
  } finally {
    await h.close();
    await env.teardown();
  }
}, 240_000);
