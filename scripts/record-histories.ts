// npm run record-histories [-- <name>…]
// Records real workflow histories (mail-task and series-run) into test/fixtures/histories/, which test/replay.test.ts
// replays against the current workflow code. Each scenario runs the whole Herald (real PostgreSQL,
// Temporal, SMTP sink and worker), so the histories are what production writes.
//
// The files are only worth something because older code wrote them: they are never overwritten.
// A history is saved as `<scenario><GENERATION>.json` and only when that file is missing (or its
// name is given on the command line). When a workflow change guarded by patched() gives running
// workflows new commands, bump GENERATION and run this: every scenario is recorded again by the new
// code, beside the files of the older generations, which keep proving the patch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { ensureTemporalBinaries } from '../src/infra/tools.js';
import { createLogger } from '../src/logger.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { seriesRunWorkflowIdAt, seriesScheduleId } from '../src/domain/series-ids.js';
import { createHarness, type Harness, minutesFrom, startLocalEnv, startTimeSkippingEnv } from '../test/support/harness.js';
import { freePort } from '../test/support/ports.js';

/**
 * The workflow code's generation, as a file name suffix: '' before any patch, '.v2' since
 * 'deliver-then-record' and 'row-is-the-truth', '.v3' since 'cheaper-holds' (src/workflows/mail-task.ts PATCHES).
 */
const GENERATION = '.v3';

const OUT = path.join(PROJECT_ROOT, 'test', 'fixtures', 'histories');
const logger = createLogger({ level: 'warn' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const requested = process.argv.slice(2);

const mail = (requesterId: string) => ({
  requesterId,
  template: 'notice',
  to: `${requesterId}@example.com`,
  variables: 'title=Recorded;body=For the replay test',
  description: `history: ${requesterId}`,
});
const notice = (requesterId: string, when: Date) => ({ ...mail(requesterId), when });

/** The file a scenario's history goes to. */
const fileOf = (scenario: string) => path.join(OUT, `${scenario}${GENERATION}.json`);
/** Whether to record `scenario` in this run. */
const wanted = (scenario: string) => (requested.length > 0 ? requested.includes(`${scenario}${GENERATION}`) || requested.includes(scenario) : !fs.existsSync(fileOf(scenario)));

/** Waits for the run to close (however it closes) and saves its history. */
async function save(h: Harness, scenario: string, taskId: string, file = fileOf(scenario)): Promise<void> {
  const handle = h.workflow(taskId);
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  const json = JSON.stringify(JSON.parse(historyToJSON(history)), null, 2);
  fs.writeFileSync(file, `${json}\n`);
  const last = history.events?.at(-1)?.eventType;
  console.log(`${path.basename(file, '.json')}: ${history.events?.length ?? 0} events, last event type ${last}`);
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await pause(50);
  }
}

type Scenario = [name: string, run: (h: Harness) => Promise<void>];

/** On the time-skipping server: waits are skipped, no hold (prepare lead 0). */
const timeSkippingScenarios: Scenario[] = [
  ['sent-now', async (h) => save(h, 'sent-now', (await h.service.enqueueTask(mail('sent-now'))).id)],
  [
    'reserved-and-sent',
    async (h) => save(h, 'reserved-and-sent', (await h.service.reserveTask(notice('reserved-and-sent', minutesFrom(h.now(), 2)))).id),
  ],
  [
    'rescheduled',
    async (h) => {
      const moved = await h.service.reserveTask(notice('rescheduled', minutesFrom(h.now(), 2)));
      await h.service.rescheduleTask('rescheduled', moved.id, minutesFrom(h.now(), 20));
      await save(h, 'rescheduled', moved.id);
    },
  ],
  [
    'canceled-while-sleeping',
    async (h) => {
      const canceled = await h.service.reserveTask(notice('canceled-while-sleeping', minutesFrom(h.now(), 5)));
      await h.service.cancelTask('canceled-while-sleeping', canceled.id);
      await save(h, 'canceled-while-sleeping', canceled.id);
    },
  ],
  [
    // Closed in the database behind the workflow's back: the send step finds it canceled and the
    // run waits a minute for the cancellation that should follow, then ends as skipped.
    'closed-in-the-database',
    async (h) => {
      const closed = await h.service.reserveTask(notice('closed-in-the-database', minutesFrom(h.now(), 2)));
      await h.tasks.transition(closed.id, 'canceled', { finishedAt: new Date() });
      await save(h, 'closed-in-the-database', closed.id);
    },
  ],
  [
    'failed-after-3-attempts',
    async (h) => {
      h.sink.failNext(3, 451);
      const failed = await h.service.reserveTask(notice('failed-after-3-attempts', minutesFrom(h.now(), 2)));
      await save(h, 'failed-after-3-attempts', failed.id);
    },
  ],
];

/**
 * On the dev server in real time, with a 60 s prepare lead: the service's clock runs 58 s behind,
 * so a reservation due a few seconds from now is held in the worker at once. Herald reaches
 * PostgreSQL through a relay that a scenario can stop.
 */
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);
const holdScenarios: Scenario[] = [
  [
    'canceled-while-holding',
    async (h) => {
      const canceled = await h.service.reserveTask(notice('canceled-while-holding', inSeconds(4)));
      await pause(1_500);
      await h.service.cancelTask('canceled-while-holding', canceled.id);
      await save(h, 'canceled-while-holding', canceled.id);
    },
  ],
  [
    'rescheduled-while-holding',
    async (h) => {
      const moved = await h.service.reserveTask(notice('rescheduled-while-holding', inSeconds(3)));
      await pause(1_000);
      await h.service.rescheduleTask('rescheduled-while-holding', moved.id, inSeconds(5));
      await save(h, 'rescheduled-while-holding', moved.id);
    },
  ],
  [
    'hold-interrupted-by-shutdown',
    async (h) => {
      const interrupted = await h.service.reserveTask(notice('hold-interrupted-by-shutdown', inSeconds(6)));
      await pause(1_500);
      await h.stopWorker();
      await h.startWorker();
      await save(h, 'hold-interrupted-by-shutdown', interrupted.id);
    },
  ],
  [
    // The relay accepts while PostgreSQL is away: the send step reports the acceptance unrecorded,
    // and the workflow's recordSent finishes the row once the database is back.
    'recorded-after-database-outage',
    async (h) => {
      h.sink.setDelay(1_500);
      const task = await h.service.enqueueTask(mail('recorded-after-database-outage'));
      try {
        await until(() => h.sink.inFlight === 1);
        await h.databaseProxy!.stop();
        await until(() => h.mailsOf(task.id).length === 1);
        await pause(2_000);
      } finally {
        h.sink.setDelay(0);
        await h.databaseProxy!.resume();
      }
      await save(h, 'recorded-after-database-outage', task.id);
    },
  ],
  ...(['sent', 'refused'] as const).map((relay): Scenario => {
    // Canceled from the Temporal UI while the relay takes the mail; it accepts it (the run
    // completes as sent) or refuses it (the task fails, and says it was canceled while sending).
    const name = `canceled-while-sending-${relay}`;
    return [
      name,
      async (h) => {
        h.sink.setDelay(1_500);
        if (relay === 'refused') h.sink.failNext(1, 451);
        const task = await h.service.enqueueTask(mail(name));
        try {
          await until(() => h.sink.inFlight === 1);
          await h.workflow(task.id).cancel();
        } finally {
          h.sink.setDelay(0);
        }
        await save(h, name, task.id);
      },
    ];
  }),
];

/**
 * seriesRunWorkflow (issue 11) has generations of its own: none yet, so its files carry no suffix
 * (`series-run-<case>.json`). Each is one firing of a series' real Schedule, backfilled for a run
 * time in the past: the series is reserved on a clock set back (`seriesClock`), as if made earlier.
 */
const SERIES_GENERATION = '';
const seriesFileOf = (scenario: string) => path.join(OUT, `${scenario}${SERIES_GENERATION}.json`);
const seriesShift = { ms: 0 };

/** A series of `repeat` reserved `minutesAgo` minutes ago, its first run two minutes after that; fires that run and saves it. */
async function recordRun(h: Harness, scenario: string, repeat: string, minutesAgo: number): Promise<void> {
  seriesShift.ms = -minutesAgo * 60_000;
  const series = await h.service
    .reserveSeries({ ...mail(scenario), guildId: null, repeat, when: 'in 2 minutes', timeZone: 'UTC' })
    .finally(() => (seriesShift.ms = 0));
  const runAt = series.series!.nextRuns[0]!;
  const schedule = h.env.client.schedule.getHandle(seriesScheduleId(series.id));
  await schedule.backfill([{ start: new Date(runAt.getTime() - 1000), end: new Date(runAt.getTime() + 1000), overlap: 'ALLOW_ALL' }]);
  const workflowId = seriesRunWorkflowIdAt(series.id, runAt);
  await until(() => h.env.client.workflow.getHandle(workflowId).describe().then(() => true, () => false));
  await save(h, scenario, workflowId, seriesFileOf(scenario));
  await h.service.cancelTask(scenario, series.id);
}

const seriesScenarios: Scenario[] = [
  // Within CATCHUP_WINDOW (5 minutes here): the run is made and its mail-task workflow started.
  ['series-run-started', (h) => recordRun(h, 'series-run-started', 'every 10 minutes', 4)],
  // More than CATCHUP_WINDOW late: skipped, nothing made.
  ['series-run-missed', (h) => recordRun(h, 'series-run-missed', 'every 10 minutes', 9)],
  [
    // Over the requester's hourly limit: stored as failed, and the requester told.
    'series-run-refused',
    async (h) => {
      const rails = h.config.guardRails;
      const before = rails.mailsPerHour;
      await h.service.enqueueTask(mail('series-run-refused'));
      rails.mailsPerHour = 1;
      try {
        await recordRun(h, 'series-run-refused', 'every 10 minutes', 4);
      } finally {
        rails.mailsPerHour = before;
      }
    },
  ],
];

async function runScenarios(
  scenarios: Scenario[],
  start: () => Promise<{ h: Harness; close(): Promise<void> }>,
  isWanted: (scenario: string) => boolean = wanted,
): Promise<void> {
  const chosen = scenarios.filter(([name]) => isWanted(name));
  if (chosen.length === 0) return;
  const { h, close } = await start();
  try {
    for (const [, run] of chosen) {
      await h.syncClock();
      await run(h);
    }
  } finally {
    await close();
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
  await runScenarios(timeSkippingScenarios, async () => {
    const env = await startTimeSkippingEnv(binaries.testServer);
    const h = await createHarness({ env, postgresAdminUrl: postgres.url });
    return {
      h,
      async close() {
        await h.close();
        await env.teardown();
      },
    };
  });
  await runScenarios(holdScenarios, async () => {
    const env = await startLocalEnv(binaries.cli);
    const h = await createHarness({
      env,
      postgresAdminUrl: postgres.url,
      prepareLeadMs: 60_000,
      clock: () => new Date(Date.now() - 58_000),
      databaseProxy: true,
    });
    return {
      h,
      async close() {
        await h.close();
        await env.teardown();
      },
    };
  });
  await runScenarios(
    seriesScenarios,
    async () => {
      const env = await startLocalEnv(binaries.cli);
      const h = await createHarness({
        env,
        postgresAdminUrl: postgres.url,
        clock: () => new Date(Date.now() + seriesShift.ms),
        configEnv: { MIN_REPEAT_INTERVAL: '1m', CATCHUP_WINDOW: '5m' },
      });
      return {
        h,
        async close() {
          await h.close();
          await env.teardown();
        },
      };
    },
    (scenario) => (requested.length > 0 ? requested.includes(scenario) : !fs.existsSync(seriesFileOf(scenario))),
  );
} finally {
  await postgres.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
