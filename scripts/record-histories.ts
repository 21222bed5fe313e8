// npm run record-histories
// Records real mail-task workflow histories into test/fixtures/histories/, which test/replay.test.ts
// replays against the current workflow code. Each scenario runs the whole Herald (real PostgreSQL,
// Temporal, SMTP sink and worker), so the histories are what production writes.
//
// The files are only worth something because older code wrote them: re-record after a workflow
// change only when that change is meant to break old histories, and then guard it with patched().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { ensureTemporalBinaries } from '../src/infra/tools.js';
import { createLogger } from '../src/logger.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { createHarness, type Harness, minutesFrom, startLocalEnv, startTimeSkippingEnv } from '../test/support/harness.js';
import { freePort } from '../test/support/ports.js';

const OUT = path.join(PROJECT_ROOT, 'test', 'fixtures', 'histories');
const logger = createLogger({ level: 'warn' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const mail = (requesterId: string) => ({
  requesterId,
  template: 'notice',
  to: `${requesterId}@example.com`,
  variables: 'title=Recorded;body=For the replay test',
  description: `history: ${requesterId}`,
});
const notice = (requesterId: string, when: Date) => ({ ...mail(requesterId), when });

/** Waits for the run to close (however it closes) and saves its history as `<name>.json`. */
async function save(h: Harness, name: string, taskId: string): Promise<void> {
  const handle = h.workflow(taskId);
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  const json = JSON.stringify(JSON.parse(historyToJSON(history)), null, 2);
  fs.writeFileSync(path.join(OUT, `${name}.json`), `${json}\n`);
  const last = history.events?.at(-1)?.eventType;
  console.log(`${name}: ${history.events?.length ?? 0} events, last event type ${last}`);
}

/** On the time-skipping server: waits are skipped, no hold (prepare lead 0). */
async function timeSkippingScenarios(postgresAdminUrl: string, testServer: string): Promise<void> {
  const env = await startTimeSkippingEnv(testServer);
  const h = await createHarness({ env, postgresAdminUrl });
  try {
    const sent = await h.service.enqueueTask(mail('sent-now'));
    await save(h, 'sent-now', sent.id);

    await h.syncClock();
    const reserved = await h.service.reserveTask(notice('reserved-and-sent', minutesFrom(h.now(), 2)));
    await save(h, 'reserved-and-sent', reserved.id);

    await h.syncClock();
    const moved = await h.service.reserveTask(notice('rescheduled', minutesFrom(h.now(), 2)));
    await h.service.rescheduleTask('rescheduled', moved.id, minutesFrom(h.now(), 20));
    await save(h, 'rescheduled', moved.id);

    await h.syncClock();
    const canceled = await h.service.reserveTask(notice('canceled-while-sleeping', minutesFrom(h.now(), 5)));
    await h.service.cancelTask('canceled-while-sleeping', canceled.id);
    await save(h, 'canceled-while-sleeping', canceled.id);

    // Closed in the database behind the workflow's back: the send step finds it canceled and the
    // run waits a minute for the cancellation that should follow, then ends as skipped.
    await h.syncClock();
    const closed = await h.service.reserveTask(notice('closed-in-the-database', minutesFrom(h.now(), 2)));
    await h.tasks.transition(closed.id, 'canceled', { finishedAt: new Date() });
    await save(h, 'closed-in-the-database', closed.id);

    await h.syncClock();
    h.sink.failNext(3, 451);
    const failed = await h.service.reserveTask(notice('failed-after-3-attempts', minutesFrom(h.now(), 2)));
    await save(h, 'failed-after-3-attempts', failed.id);
  } finally {
    await h.close();
    await env.teardown();
  }
}

/**
 * On the dev server in real time, with a 60 s prepare lead: the service's clock runs 58 s behind,
 * so a reservation due a few seconds from now is held in the worker at once.
 */
async function holdScenarios(postgresAdminUrl: string, cli: string): Promise<void> {
  const env = await startLocalEnv(cli);
  const h = await createHarness({ env, postgresAdminUrl, prepareLeadMs: 60_000, clock: () => new Date(Date.now() - 58_000) });
  const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);
  try {
    const canceled = await h.service.reserveTask(notice('canceled-while-holding', inSeconds(4)));
    await pause(1_500);
    await h.service.cancelTask('canceled-while-holding', canceled.id);
    await save(h, 'canceled-while-holding', canceled.id);

    const moved = await h.service.reserveTask(notice('rescheduled-while-holding', inSeconds(3)));
    await pause(1_000);
    await h.service.rescheduleTask('rescheduled-while-holding', moved.id, inSeconds(5));
    await save(h, 'rescheduled-while-holding', moved.id);

    const interrupted = await h.service.reserveTask(notice('hold-interrupted-by-shutdown', inSeconds(6)));
    await pause(1_500);
    await h.stopWorker();
    await h.startWorker();
    await save(h, 'hold-interrupted-by-shutdown', interrupted.id);
  } finally {
    await h.close();
    await env.teardown();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-histories-'));
fs.chmodSync(dir, 0o755); // embedded PostgreSQL runs as user postgres when we are root
fs.mkdirSync(OUT, { recursive: true });
const [binaries, postgres] = await Promise.all([
  ensureTemporalBinaries(),
  startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await freePort(), database: 'postgres', logger }),
]);
try {
  await timeSkippingScenarios(postgres.url, binaries.testServer);
  await holdScenarios(postgres.url, binaries.cli);
} finally {
  await postgres.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
