// npm run bench [-- --quick] [-- --only=table,scaling,growth] [-- --skip=…] [-- --growth-server]
// Herald and BullMQ on the same machine, in the same run, delivering to the same SMTP sink. Herald
// runs on the Temporal CLI dev server and on the Temporal server built from source (PostgreSQL).
// Parts: `table` (every measure, three columns), `scaling` (1 vs 4 shards, 2 and 3 worker
// processes, one worker killed), `growth` (100,000 due over ten minutes). Full mode runs table and
// scaling (about 40 minutes on 2 cores); growth is a part of its own (about 30 minutes more), run
// with `--only=growth`. Each part's results go to bench/results.json, and BENCHMARKS.md,
// bench/lateness.svg and bench/growth.svg are written from every part there, so the parts can be
// run one after another. Quick mode runs the table with small sizes and of the server column only
// starts and reservations (a burst waits at least a minute), in under 3 minutes on a quiet machine.
// BENCH_SCALE=0.02 scales every count (and the growth window) down, to try the full path quickly;
// BENCH_PREPARE_LEAD sets MAIL_PREPARE_LEAD for Herald; BENCH_SERVER_ALL_ROWS=1 adds the server
// column's worker-memory and listing rows; BENCH_SCALING_WORKERS (default 2,3) the scaling part's
// worker counts.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { isHeraldError } from '../src/domain/errors.js';
import { MIN_LEAD_MS } from '../src/domain/limits.js';
import { DEFAULT_WAKE_BUDGET } from '../src/domain/wake-stagger.js';
import { createLogger } from '../src/logger.js';
import { startDiscordEmulator } from '../test/discord-emulator/emulator.js';
import type { MailJob } from '../scripts/lib/bullmq-worker.js';
import { type Child, ROOT, startChild } from '../scripts/lib/child.js';
import { type HeraldSide, outboxSample, startHeraldSide, wokenSoFar } from '../scripts/lib/herald.js';
import {
  type Column,
  type GrowthPoint,
  type Measure,
  mergeResults,
  type Results,
  SECTIONS,
  type ScalingRow,
  type Section,
  type SectionResult,
  type Series,
  sampleOf,
  writeReport,
} from '../scripts/lib/report.js';
import { type BenchServices, startServices } from '../scripts/lib/services.js';
import { BenchSink, deliveryReport } from '../scripts/lib/sink.js';
import { type ResourceUse, rssMb, runConcurrently, sampleResources, sleep, summarize } from '../scripts/lib/stats.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const listArg = (name: string) =>
  argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
    .filter(Boolean);
const only = listArg('only') as Section[] | undefined;
const skip = (listArg('skip') ?? []) as Section[];
for (const s of [...(only ?? []), ...skip]) if (!SECTIONS.includes(s)) throw new Error(`unknown part "${s}"; the parts are ${SECTIONS.join(', ')}`);
const sections = (only ?? (quick ? ['table'] : ['table', 'scaling'])).filter((s) => !skip.includes(s));
const growthServer = argv.includes('--growth-server');
const scale = Number(process.env.BENCH_SCALE ?? 1);
if (!(scale > 0 && scale <= 1)) throw new Error('BENCH_SCALE must be a number in (0, 1]');
const n = (count: number) => Math.max(10, Math.round(count * scale));
const SIZES = quick
  ? { lateness: [n(1_000)], throughput: n(500), starts: n(300), ack: 200, immediate: 20, memory: n(1_000), listingRows: n(100_000), serverLateness: [] as number[] }
  : {
      lateness: [n(1_000), n(10_000)],
      throughput: n(5_000),
      starts: n(2_000),
      ack: 200,
      immediate: 50,
      memory: n(20_000),
      listingRows: n(1_000_000),
      serverLateness: [n(1_000), n(10_000)],
      scalingBurst: n(10_000),
      killBurst: n(2_000),
      rateProbe: n(1_000),
      growth: n(100_000),
      growthWindowMs: Math.round(600_000 * scale),
    };
/** Worker processes of the scaling part's bursts besides the table's one (BENCH_SCALING_WORKERS=2 saves a burst). */
const SCALING_WORKERS = (process.env.BENCH_SCALING_WORKERS ?? '2,3').split(',').map(Number).filter((w) => w >= 1);
/** History shards of the server column; the scaling part compares 1 with this. */
const SHARDS = 4;
/** The server column's memory and listing rows depend on Herald's worker and PostgreSQL, not on Temporal: set to run them too. */
const serverAllRows = process.env.BENCH_SERVER_ALL_ROWS === '1';
const heraldExtra: Record<string, string> = process.env.BENCH_PREPARE_LEAD ? { MAIL_PREPARE_LEAD: process.env.BENCH_PREPARE_LEAD } : {};
const leadMs = loadConfig({ DATABASE_URL: 'postgres://x', SMTP_URL: 'smtp://x', ...heraldExtra }).delivery.prepareLeadMs;
/** How far ahead the last reservation of a burst is made: a reservation may not be sooner, and it should wake on its lead. */
const burstMarginMs = Math.max(leadMs, MIN_LEAD_MS) + 5_000;
/** The workers' WAKE_BUDGET (wake-ups a second Herald stages reservations to; 0: not staged). */
const wakeBudget = Number(process.env.WAKE_BUDGET ?? DEFAULT_WAKE_BUDGET);
const CONCURRENCY = 32; // callers at once, as many users would be
const USERS = 100;
const BARE_START_QUEUE = 'bench-bare-starts';
const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const fmt = (v: number) => v.toLocaleString('en');

const mailOf = (i: number) => ({
  template: 'notice',
  language: 'en' as const,
  variables: { title: `Bench ${i}`, body: 'Scheduled benchmark mail.' },
  to: [`r${i}@example.com`],
});
const mailOfTask = (i: number) => ({ ...mailOf(i), description: `bench ${i}` });
const heraldMessageId = (taskId: string) => `<${taskId}@herald.test>`;
const bullMessageId = (jobId: string) => `<${jobId}@bullmq.test>`;
const farFuture = () => new Date(Date.now() + 86_400_000);

const started = Date.now();
log(`mode: ${quick ? 'quick' : 'full'}; parts ${sections.join(', ')}; scale ${scale}; lead ${leadMs} ms; sizes ${JSON.stringify(SIZES)}`);
// The worker and the bot run from the build, as in production.
buildIfStale();
// Whatever happens, stop every server and child this run started.
const cleanups: (() => Promise<unknown>)[] = [];
const cleanUp = async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
};
const withCleanup = async <T>(start: () => Promise<T>, stop: (value: T) => Promise<unknown>): Promise<[T, () => Promise<void>]> => {
  const value = await start();
  const c = () => stop(value);
  cleanups.push(c);
  return [
    value,
    async () => {
      const i = cleanups.indexOf(c);
      if (i >= 0) cleanups.splice(i, 1);
      await c();
    },
  ];
};
process.on('uncaughtException', (err) => {
  console.error(err);
  void cleanUp().then(() => process.exit(1));
});
process.on('unhandledRejection', (err) => {
  console.error(err);
  void cleanUp().then(() => process.exit(1));
});
process.on('SIGINT', () => void cleanUp().then(() => process.exit(130)));
const [sink] = await withCleanup(() => BenchSink.start(), (s) => s.stop());
const versions: Record<string, string> = {};

const results: Results = { quick, scale, serverShards: SHARDS, sections: {} };
for (const section of sections) {
  const t0 = Date.now();
  log(`---- part: ${section}`);
  const result = section === 'table' ? await tablePart() : section === 'scaling' ? await scalingPart() : await growthPart();
  results.sections[section] = { ...result, date: new Date().toISOString(), durationSeconds: Math.round((Date.now() - t0) / 1000), environment: environment() };
  log(`part ${section} took ${Math.round((Date.now() - t0) / 1000)} s`);
}
await cleanUp();

// Quick and scaled runs keep their results and their report apart from the full run's, so a
// smoke run never replaces the committed BENCHMARKS.md.
const trial = quick || scale !== 1 ? (quick ? 'quick' : `scale-${scale}`) : undefined;
const outDir = trial ? fs.mkdtempSync(path.join(os.tmpdir(), `herald-bench-${trial}-`)) : ROOT;
const resultsFile = trial ? path.join(os.tmpdir(), `herald-bench-results-${trial}.json`) : path.join(ROOT, 'bench', 'results.json');
const merged = mergeResults(resultsFile, results, quick);
const reportFile = path.join(outDir, 'BENCHMARKS.md');
writeReport(merged, {
  file: reportFile,
  latenessSvg: path.join(outDir, 'bench', 'lateness.svg'),
  growthSvg: path.join(outDir, 'bench', 'growth.svg'),
  notes: trial ? undefined : fs.readFileSync(path.join(ROOT, 'bench', 'notes.md'), 'utf8').trim(),
});
log(`wrote ${path.relative(ROOT, reportFile)} (results in ${path.relative(ROOT, resultsFile)}) in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(0);

// ================================================================ parts

type SectionBody = Omit<SectionResult, 'date' | 'durationSeconds' | 'environment'>;

/** Every measure, for Herald on the dev server, BullMQ, then Herald on the Temporal server. */
async function tablePart(): Promise<SectionBody> {
  const notRun: string[] = [];
  const series: Series[] = [];
  const scaling: ScalingRow[] = [];
  const growth: GrowthPoint[] = [];

  const [devServices, stopDev] = await withCleanup(() => startServices(logger), (s) => s.stop());
  Object.assign(versions, devServices.versions);
  const dev = await heraldColumn('dev', devServices, { lateness: SIZES.lateness, memory: true, listing: true, ack: true }, series, scaling);
  const bull = await bullColumn(devServices, series);
  await stopDev();

  // Only now: an idle Temporal server on PostgreSQL still takes CPU from the columns before it.
  const [serverServices, stopServer] = await withCleanup(() => startServices(logger, { redis: false, temporal: 'server', historyShards: SHARDS }), (s) => s.stop());
  Object.assign(versions, serverServices.versions);
  const server = await heraldColumn('server', serverServices, { lateness: SIZES.serverLateness, memory: serverAllRows, listing: serverAllRows, ack: !quick }, series, scaling);
  await stopServer();
  if (!serverAllRows) {
    notRun.push(
      'Server column, worker RSS and listing rows: not run, to keep the full bench inside its time. Sleeping reservations wait in Temporal, not in the worker, and the listing is one PostgreSQL query; `BENCH_SERVER_ALL_ROWS=1` runs them.',
    );
  }
  if (quick) notRun.push('Quick mode: the server column measures starts and reservations only (a burst waits at least a minute, and quick mode has three).');

  for (const size of new Set([...SIZES.lateness, ...SIZES.serverLateness])) {
    for (const [column, values] of [['dev', dev], ['server', server], ['bullmq', bull]] as const) {
      const p99 = values[`lateness.${size}.p99`];
      if (typeof p99 === 'number') growth.push({ column, due: size, p99 });
    }
  }
  return { measures: tableMeasures({ dev, server, bullmq: bull }), series, scaling, growth, notRun };
}

type Values = Record<string, number | string>;

/** The table's rows from each column's values; a value a column did not measure shows as "not run". */
function tableMeasures(v: Record<Column, Values>): Measure[] {
  const measures: Measure[] = [];
  const row = (name: string, key: string, extra: Partial<Measure> = {}, check?: (value: number, bull: number) => boolean): void => {
    const m: Measure = { name, dev: v.dev[key], server: v.server[key], bullmq: v.bullmq[key] ?? 'n/a', lowerIsBetter: true, ...extra };
    if (check) {
      m.met = {};
      for (const c of ['dev', 'server'] as const) {
        const value = v[c][key];
        if (typeof value === 'number') m.met[c] = check(value, typeof v.bullmq[key] === 'number' ? (v.bullmq[key] as number) : Number.NaN);
      }
    }
    measures.push(m);
  };
  const sizes = [...new Set([...SIZES.lateness, ...SIZES.serverLateness])].sort((a, b) => a - b);
  for (const size of sizes) {
    const big = size >= 10_000;
    row(`Lateness p50, ${fmt(size)} due together (ms)`, `lateness.${size}.p50`);
    row(
      `Lateness p99, ${fmt(size)} due together (ms)`,
      `lateness.${size}.p99`,
      { target: big ? '≤ 10,000 and ≤ 2× BullMQ' : '≤ 1,000 and ≤ BullMQ' },
      big ? (h, b) => h <= 10_000 && h <= 2 * b : (h, b) => h <= 1_000 && h <= b,
    );
    row(`Lateness max, ${fmt(size)} due together (ms)`, `lateness.${size}.max`);
    lostRow(measures, v, `Lost / duplicated, ${fmt(size)}`, `lateness.${size}`);
  }
  const biggest = Math.max(...SIZES.lateness);
  row(`Immediate sends p99 during the ${fmt(biggest)} burst (ms)`, 'immediate.p99', { target: '≤ 2,000' }, (h) => h <= 2_000);
  row(
    `Reservations per second (${fmt(SIZES.throughput)}, ${CONCURRENCY} callers)`,
    'reserve.rate',
    { lowerIsBetter: false, target: '≥ 1,000 or ≥ 0.3× BullMQ, whichever is lower' },
    (h, b) => h >= Math.min(1_000, 0.3 * b),
  );
  row(`Outbox backlog age, largest while reserving ${fmt(SIZES.throughput)} (s)`, 'outbox.reserve.maxAge');
  row(`Outbox emptied, after the last of those ${fmt(SIZES.throughput)} (s)`, 'outbox.reserve.drain');
  row(`Outbox backlog age, largest while reserving the ${fmt(biggest)} burst (s)`, `lateness.${biggest}.outboxMaxAge`);
  row(
    `Workflows started after their due time, ${fmt(biggest)} burst`,
    `lateness.${biggest}.startedLate`,
    { target: '0 (each started before its wake time)' },
    (h) => h === 0,
  );
  row('Reserve call p50 (ms)', 'reserve.p50');
  row('Reserve call p99 (ms)', 'reserve.p99');
  row(`Bare workflow starts per second (${fmt(SIZES.starts)}, ${CONCURRENCY} callers)`, 'starts.rate', { lowerIsBetter: false });
  row(`Ack latency p50, ${SIZES.ack} /reserve at once (ms)`, 'ack.p50');
  row(`Ack latency p99, ${SIZES.ack} /reserve at once (ms)`, 'ack.p99', { target: '≤ 100' }, (h) => h <= 100);
  row(`Worker RSS, ${fmt(SIZES.memory)} sleeping reservations (MB)`, 'memory.workerRss', { target: '≤ 300' }, (h) => h <= 300);
  row('Bot RSS after the ack burst (MB)', 'bot.rss');
  row(`Redis RSS, ${fmt(SIZES.memory)} delayed jobs (MB)`, 'redis.rss', { dev: 'n/a', server: 'n/a' });
  row(`Temporal server CPU during the ${fmt(biggest)} burst (cores)`, `lateness.${biggest}.serverCores`);
  row(`Temporal server peak RSS during the ${fmt(biggest)} burst (MB)`, `lateness.${biggest}.serverRss`);
  row(`listReserved p50, ${fmt(SIZES.listingRows)} rows (ms)`, 'listing.p50');
  row(`listReserved p99, ${fmt(SIZES.listingRows)} rows (ms)`, 'listing.p99', { target: '≤ 10' }, (h) => h <= 10);
  return measures;
}

function lostRow(measures: Measure[], v: Partial<Record<Column, Values>>, name: string, key: string): void {
  const pair = (values: Values | undefined) => {
    if (values?.[`${key}.lost`] === undefined) return undefined;
    const leftOut = values[`${key}.leftOut`];
    return `${values[`${key}.lost`]} / ${values[`${key}.duplicates`]}${leftOut ? ` (${fmt(leftOut as number)} not reservable in time)` : ''}`;
  };
  const zero = (values: Values | undefined) => (values?.[`${key}.lost`] === undefined ? undefined : values[`${key}.lost`] === 0 && values[`${key}.duplicates`] === 0);
  const met: Measure['met'] = {};
  if (zero(v.dev) !== undefined) met.dev = zero(v.dev);
  if (zero(v.server) !== undefined) met.server = zero(v.server);
  measures.push({ name, dev: pair(v.dev), server: pair(v.server), bullmq: pair(v.bullmq), target: '0 / 0', met });
}

/** One Herald column: starts, reservations, memory, bursts, acks through the bot, listing. */
async function heraldColumn(
  column: 'dev' | 'server',
  services: BenchServices,
  rows: { lateness: number[]; memory: boolean; listing: boolean; ack: boolean },
  series: Series[],
  scaling: ScalingRow[],
): Promise<Values> {
  const label = column === 'dev' ? 'Herald, dev server' : `Herald, server ${services.temporal.historyShards} shards`;
  const values: Values = {};
  const [side, stopSide] = await withCleanup(() => startHeraldSide(services, sink.url, logger, heraldExtra), (s) => s.stop());

  log(`${label}: bare workflow starts`);
  values['starts.rate'] = await bareStarts(side, SIZES.starts);
  log(`${label}: reserve throughput`);
  const { result: reserve, outbox } = await watchOutbox(side, () => reserveFarFuture(side, SIZES.throughput));
  values['reserve.rate'] = Math.round(reserve.rate);
  values['outbox.reserve.maxAge'] = outbox.maxAgeSeconds;
  if (outbox.drainSeconds !== undefined) values['outbox.reserve.drain'] = outbox.drainSeconds;
  values['reserve.p50'] = Math.round(summarize(reserve.durations).p50);
  values['reserve.p99'] = Math.round(summarize(reserve.durations).p99);

  if (rows.memory) {
    // Memory first: the worker has taken in every sleeping reservation, and no burst yet.
    log(`${label}: memory with sleeping reservations`);
    await reserveFarFuture(side, Math.max(0, SIZES.memory - SIZES.throughput));
    await sleep(quick ? 3_000 : 10_000);
    values['memory.workerRss'] = rssMb(side.worker.pid);
  }

  // Workflows are started no faster than the server takes starts, whatever the reservation call costs.
  const rate = Math.min(reserve.rate, values['starts.rate'] as number);
  for (const size of rows.lateness) {
    const burst = await heraldBurst(side, services, label, size, { rate, immediate: size === Math.max(...rows.lateness) });
    series.push({ label: `${label}, ${fmt(size)}`, values: sampleOf(burst.report.lateness) });
    Object.assign(values, deliveryValues(`lateness.${size}`, burst.report, burst.leftOut), {
      [`lateness.${size}.outboxMaxAge`]: burst.outboxMaxAgeSeconds,
      [`lateness.${size}.startedLate`]: burst.startedLate,
      [`lateness.${size}.serverCores`]: burst.server.cores,
      [`lateness.${size}.serverRss`]: burst.server.peakRssMb,
    });
    if (burst.immediate.length > 0) values['immediate.p99'] = Math.round(summarize(burst.immediate).p99);
    if (size === Math.max(...rows.lateness)) {
      scaling.push(scalingRowOf(column === 'dev' ? 'dev server' : 'server', services, 1, size, burst, values['starts.rate'] as number));
    }
    await settle(side);
  }

  if (rows.ack) Object.assign(values, await ackBurst(side));
  if (rows.listing) Object.assign(values, await listingQueries(side));
  await stopSide();
  return values;
}

/** Starts `count` workflows of a type no worker polls, with a start delay of a month: the server's own start rate. */
async function bareStarts(side: HeraldSide, count: number): Promise<number> {
  const t0 = performance.now();
  await runConcurrently(count, CONCURRENCY, () =>
    side.herald.temporal.workflow.start('benchBareStart', { taskQueue: BARE_START_QUEUE, workflowId: `bare-${randomUUID()}`, startDelay: '30 days', args: [] }),
  );
  return Math.round(count / ((performance.now() - t0) / 1000));
}

async function reserveFarFuture(side: HeraldSide, count: number): Promise<{ rate: number; durations: number[] }> {
  const t0 = performance.now();
  const durations = await runConcurrently(count, CONCURRENCY, (i) =>
    side.herald.service.reserveTask({ requesterId: `user-${i % USERS}`, ...mailOfTask(i), when: farFuture() }),
  );
  return { rate: count / ((performance.now() - t0) / 1000), durations };
}

interface BurstOutcome {
  report: ReturnType<typeof deliveryReport>;
  /** Reservations left out: made too late for their time (see heraldBurst). */
  leftOut: number;
  immediate: number[];
  wakeRate: number;
  wokenByDue: number;
  /** The outbox's oldest row while the burst was reserved (s), as the workers' gauge said. */
  outboxMaxAgeSeconds: number;
  /** Reservations whose workflow started after their due time (the outbox must start each before). */
  startedLate: number;
  server: ResourceUse;
  postgres: ResourceUse;
  workerPeakRssMb: number;
}

/**
 * Reserves `size` mails due at one instant (or, with `spreadMs`, spread evenly over that window, made
 * in due order), waits for them, and measures: lateness at the sink, immediate sends during the
 * burst, the wake-up rate, the Temporal server's and PostgreSQL's CPU and memory, the workers' RSS.
 * `killAt` SIGKILLs the first worker that long before the (first) due time.
 */
async function heraldBurst(
  side: HeraldSide,
  services: BenchServices,
  label: string,
  size: number,
  options: { rate: number; immediate?: boolean; spreadMs?: number; killBeforeDueMs?: number },
): Promise<BurstOutcome> {
  const spreadMs = options.spreadMs ?? 0;
  log(`${label}: ${fmt(size)} mails due ${spreadMs ? `over ${spreadMs / 1000} s` : 'at one instant'}`);
  // At least the lead after the last reservation is made; the rate measured on an emptier server is
  // optimistic once tens of thousands of reservations sleep, hence the margin. A spread burst is
  // made while it falls due, so only the part that outruns the window counts.
  // A reservation that comes too late for its time anyway is left out and counted.
  const makeMs = (size / options.rate) * 1000 * 1.6;
  // Herald knows each time in advance and stages the wake-ups of mails due together over the
  // seconds before their lead, at most WAKE_BUDGET a second: a burst is reserved at least that
  // much earlier, as a real one (made over hours or days) is. BullMQ's jobs wait in Redis either way.
  const stagingMs = wakeBudget > 0 && !spreadMs ? (size / wakeBudget) * 1000 : 0;
  const firstDue = Date.now() + Math.max(0, makeMs - spreadMs) + stagingMs + burstMarginMs;
  const dueOf = (i: number) => firstDue + (spreadMs * i) / size;
  const lastDue = dueOf(size - 1);
  const dueById = new Map<string, number>();
  const watch = await watchBurst(side, services, size, firstDue - leadMs - 5_000);
  let tooLate = 0;
  const taskIds: string[] = [];
  const { outbox } = await watchOutbox(side, () =>
    runConcurrently(size, CONCURRENCY, async (i) => {
      const due = dueOf(i);
      try {
        const task = await side.herald.service.reserveTask({ requesterId: `user-${i % USERS}`, ...mailOfTask(i), when: new Date(due) });
        dueById.set(heraldMessageId(task.id), due);
        taskIds.push(task.id);
      } catch (err) {
        // Reservations came slower than the margin assumed: this one's time is no longer allowed.
        if (!isHeraldError(err) || err.code !== 'TIME_TOO_SOON') throw err;
        tooLate++;
      }
    }),
  );
  log(`${label}: reserved${tooLate ? ` (${tooLate} too late to reserve, left out)` : ''}; due in ${Math.round((firstDue - Date.now()) / 1000)} s`);
  if (options.killBeforeDueMs !== undefined) {
    await sleep(firstDue - options.killBeforeDueMs - Date.now());
    log(`${label}: SIGKILL to one worker (pid ${side.worker.pid})`);
    await side.worker.stop('SIGKILL');
  }
  await sleep(firstDue - Date.now());
  const immediate = options.immediate ? immediateSendsDuring(async (i) => heraldMessageId((await side.herald.service.enqueueTask({ requesterId: `now-${i}`, ...mailOfTask(i) })).id)) : Promise.resolve([]);
  await sleep(lastDue - Date.now());
  const woken = watch.wokenAt(Date.now());
  await sink.waitForAll([...dueById.keys()], 900_000);
  const immediateTimes = await immediate;
  const use = await watch.stop();
  const report = deliveryReport(sink, dueById);
  const s = summarize(report.lateness);
  const startedLate = await startedAfterDue(side, taskIds);
  log(
    `${label} ${fmt(size)}: p50 ${Math.round(s.p50)} p99 ${Math.round(s.p99)} max ${Math.round(s.max)} ms, lost ${report.lost}, duplicates ${report.duplicates}; ` +
      `outbox oldest ${outbox.maxAgeSeconds} s, ${startedLate} started after due; ` +
      `wake-ups ${use.wakeRate}/s, ${Math.round((woken / Math.max(1, dueById.size)) * 100)}% by due; server ${use.server.cores} cores, ${use.server.peakRssMb} MB; PostgreSQL ${use.postgres.cores} cores`,
  );
  return {
    report,
    leftOut: tooLate,
    immediate: immediateTimes,
    wakeRate: use.wakeRate,
    wokenByDue: Math.min(1, woken / Math.max(1, dueById.size)),
    outboxMaxAgeSeconds: outbox.maxAgeSeconds,
    startedLate,
    server: use.server,
    postgres: use.postgres,
    workerPeakRssMb: use.workerPeakRssMb,
  };
}

/** Of these tasks, how many had their workflow started after their due time (or never). */
async function startedAfterDue(side: HeraldSide, taskIds: readonly string[]): Promise<number> {
  let late = 0;
  for (let i = 0; i < taskIds.length; i += 5_000) {
    const { rows } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM tasks
       WHERE id = ANY(${taskIds.slice(i, i + 5_000)}::uuid[]) AND (workflow_started_at IS NULL OR workflow_started_at > scheduled_at)`.execute(side.herald.db);
    late += Number(rows[0]!.n);
  }
  return late;
}

/**
 * The outbox while `work` runs and after it, until the workers' starters have emptied it: the age
 * of its oldest row at its largest (s), and how long after `work` it took to empty (s; undefined if
 * it was not empty within two minutes). From the workers' gauges, four times a second.
 */
async function watchOutbox<T>(side: HeraldSide, work: () => Promise<T>): Promise<{ result: T; outbox: { maxAgeSeconds: number; drainSeconds?: number } }> {
  let maxAge = 0;
  let workDoneAt: number | undefined;
  let drainedAt: number | undefined;
  const loop = (async () => {
    for (;;) {
      const sample = await outboxSample(side);
      if (sample) {
        maxAge = Math.max(maxAge, sample.ageSeconds);
        if (workDoneAt !== undefined && sample.pending === 0) {
          drainedAt = Date.now();
          return;
        }
      }
      if (workDoneAt !== undefined && Date.now() - workDoneAt > 120_000) return;
      await sleep(250);
    }
  })();
  const result = await work();
  workDoneAt = Date.now();
  await loop;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return { result, outbox: { maxAgeSeconds: round1(maxAge), drainSeconds: drainedAt === undefined ? undefined : round1((drainedAt - workDoneAt) / 1000) } };
}

/**
 * From `from` on: the Temporal server's and PostgreSQL's CPU and memory, the workers' RSS, and the
 * wake-ups counted by the workers' metrics once a second.
 */
async function watchBurst(side: HeraldSide, services: BenchServices, size: number, from: number) {
  let server: ReturnType<typeof sampleResources> | undefined;
  let postgres: ReturnType<typeof sampleResources> | undefined;
  // Before the burst is reserved: the counters carry earlier bursts' sends.
  const base = await wokenSoFar(side);
  const samples: [number, number][] = [];
  let workerPeakRssMb = 0;
  let stopped = false;
  const loop = (async () => {
    await sleep(from - Date.now());
    server = sampleResources(() => services.temporalPid, false);
    postgres = sampleResources(() => services.postgresPid, true);
    while (!stopped) {
      samples.push([Date.now(), (await wokenSoFar(side)) - base]);
      let rss = 0;
      for (const w of side.workers) if (w.child.process.exitCode === null && w.child.process.signalCode === null) rss += rssMb(w.child.pid);
      workerPeakRssMb = Math.max(workerPeakRssMb, rss);
      await sleep(1_000);
    }
  })();
  return {
    /**
     * Wake-ups counted by `at`: the most any sample saw, since a send that has left its hold is not
     * counted again until the relay accepts it.
     */
    wokenAt(at: number): number {
      return Math.max(0, ...samples.filter(([t]) => t <= at).map(([, w]) => w));
    },
    async stop() {
      stopped = true;
      await loop;
      const none: ResourceUse = { cores: Number.NaN, cpuSeconds: Number.NaN, peakRssMb: Number.NaN };
      // From the last sample without a wake-up to the first that saw 99% of the burst woken (the
      // immediate sends count too, but are few): at the resolution of one sample a second.
      const firstAt = samples.findIndex(([, w]) => w > 0);
      const before = samples[Math.max(0, firstAt - 1)]?.[0];
      const last = samples.find(([, w]) => w >= size * 0.99)?.[0];
      const wakeRate = firstAt >= 0 && before !== undefined && last !== undefined ? Math.round((size * 0.99) / (Math.max(1_000, last - before) / 1000)) : Number.NaN;
      return { server: server?.stop() ?? none, postgres: postgres?.stop() ?? none, wakeRate, workerPeakRssMb };
    },
  };
}

function scalingRowOf(temporal: string, services: BenchServices, workers: number, due: number, burst: BurstOutcome, startsPerSecond?: number, note?: string): ScalingRow {
  const s = summarize(burst.report.lateness);
  return {
    temporal,
    shards: services.temporal.historyShards,
    workers,
    due,
    note: [note, burst.leftOut ? `${fmt(burst.leftOut)} not reservable in time, left out` : undefined].filter(Boolean).join('; ') || undefined,
    p50: Math.round(s.p50),
    p99: Math.round(s.p99),
    max: Math.round(s.max),
    lost: burst.report.lost,
    duplicates: burst.report.duplicates,
    wakeRate: burst.wakeRate,
    wokenByDue: burst.wokenByDue,
    serverCores: burst.server.cores,
    serverRssMb: burst.server.peakRssMb,
    postgresCores: burst.postgres.cores,
    startsPerSecond,
  };
}

/** Lateness p50, p99 and max, lost and duplicated of one burst, under `prefix`. */
function deliveryValues(prefix: string, report: ReturnType<typeof deliveryReport>, leftOut = 0): Values {
  const s = summarize(report.lateness);
  return {
    [`${prefix}.leftOut`]: leftOut,
    [`${prefix}.p50`]: Math.round(s.p50),
    [`${prefix}.p99`]: Math.round(s.p99),
    [`${prefix}.max`]: Math.round(s.max),
    [`${prefix}.lost`]: report.lost,
    [`${prefix}.duplicates`]: report.duplicates,
  };
}

/** Starts SIZES.immediate sends, one every 100 ms, as the burst fires; returns each one's time to delivery. */
async function immediateSendsDuring(send: (i: number) => Promise<string>): Promise<number[]> {
  const times: Promise<number>[] = [];
  for (let i = 0; i < SIZES.immediate; i++) {
    const startedAt = Date.now();
    times.push(
      send(i).then(async (id) => {
        await sink.waitForAll([id], 900_000);
        const at = sink.received.get(id)?.[0];
        return at === undefined ? Number.POSITIVE_INFINITY : at - startedAt;
      }),
    );
    await sleep(100);
  }
  return Promise.all(times);
}

/** Waits until no task of the run is still being sent, so the next scenario starts quiet. */
async function settle(side: HeraldSide): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const row = await side.herald.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    const reservedDue = await side.herald.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'reserved')
      .where('scheduled_at', '<', new Date())
      .executeTakeFirstOrThrow();
    if (Number(row.n) === 0 && Number(reservedDue.n) === 0) break;
    await sleep(500);
  }
  await sleep(2_000);
}

/** `SIZES.ack` /reserve at once through the Discord emulator and the bot process. */
async function ackBurst(side: HeraldSide): Promise<Values> {
  log('Herald: ack latency through the Discord emulator');
  const APP_ID = '910000000000000001';
  const TOKEN = `bench-${randomUUID()}`;
  const GUILD = '910000000000000003';
  const [discord, closeDiscord] = await withCleanup(
    () => startDiscordEmulator({ applicationId: APP_ID, botUser: { id: '910000000000000002', username: 'herald' }, guilds: [{ id: GUILD, name: 'bench' }], token: TOKEN }),
    (d) => d.close(),
  );
  const [bot, stopBot] = await withCleanup(
    async () =>
      startChild(path.join(ROOT, 'dist/src/main.js'), ['bot'], {
        ...side.env,
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: APP_ID,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_ALLOWED_GUILD_IDS: GUILD,
      }),
    (b) => b.stop(),
  );
  await discord.waitForIdentify({ timeoutMs: 60_000 });
  await sleep(2_000);
  const handles = Array.from({ length: SIZES.ack }, (_, i) =>
    discord.slashCommand({
      name: 'reserve',
      user: { id: `92000000000000${String(i).padStart(4, '0')}`, username: `u${i}` },
      options: { template: 'notice', to: `ack${i}@example.com`, when: 'tomorrow 9am', vars: 'title=Ack;body=Latency', description: `ack ${i}` },
    }),
  );
  const callbacks = await Promise.all(handles.map((h) => h.callback({ timeoutMs: 30_000 })));
  const finals = await Promise.all(handles.map((h) => h.waitForFinal({ timeoutMs: 60_000 }).catch(() => undefined)));
  const ackMs = callbacks.map((c) => c.elapsedMs);
  const confirmed = finals.filter((m) => m?.embeds?.[0]?.title === 'Mail reserved').length;
  const botRss = rssMb(bot.pid);
  await stopBot();
  await closeDiscord();
  const ack = summarize(ackMs);
  log(`ack: ${JSON.stringify(ack)}, ${confirmed}/${SIZES.ack} confirmed`);
  return { 'ack.p50': Math.round(ack.p50), 'ack.p99': Math.round(ack.p99), 'bot.rss': botRss };
}

async function listingQueries(side: HeraldSide): Promise<Values> {
  log(`Herald: listing with ${fmt(SIZES.listingRows)} rows`);
  const db = side.herald.db;
  const existing = Number((await db.selectFrom('tasks').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const toInsert = Math.max(0, SIZES.listingRows - existing);
  // 10,000 users; a tenth of the rows reserved, the rest finished; times spread over a year.
  await sql`
    INSERT INTO tasks (id, name, description, requester_id, status, scheduled_at, payload, created_at, updated_at, finished_at)
    SELECT gen_random_uuid(), 'notice → x@example.com', 'listing bench', 'list-user-' || (g % 10000),
           (CASE WHEN g % 10 = 0 THEN 'reserved' ELSE 'finished' END)::task_status,
           now() + (g % 525600) * interval '1 minute',
           '{"recipients":["x@example.com"],"template":"notice","variables":{"title":"t","body":"b"},"language":"en"}'::jsonb,
           now(), now(), CASE WHEN g % 10 = 0 THEN NULL ELSE now() END
    FROM generate_series(1, ${toInsert}) AS g`.execute(db);
  await sql`ANALYZE tasks`.execute(db);
  for (let i = 0; i < 50; i++) await side.herald.service.listReserved(`list-user-${i}`, 10); // warm up
  const durations = await runConcurrently(1_000, 1, (i) => side.herald.service.listReserved(`list-user-${(i * 7919) % 10000}`, 10));
  const s = summarize(durations);
  log(`listing: ${JSON.stringify(s)} over ${fmt(existing + toInsert)} rows`);
  return { 'listing.p50': Math.round(s.p50 * 100) / 100, 'listing.p99': Math.round(s.p99 * 100) / 100 };
}

/** BullMQ: add throughput, the same bursts, memory with delayed jobs. */
async function bullColumn(services: BenchServices, series: Series[]): Promise<Values> {
  log('BullMQ: starting');
  const values: Values = {};
  const bull = await startBull(services);
  log('BullMQ: add throughput');
  const add = await bullAddFarFuture(bull.queue, SIZES.throughput);
  values['reserve.rate'] = Math.round(add.rate);
  values['reserve.p50'] = Math.round(summarize(add.durations).p50);
  values['reserve.p99'] = Math.round(summarize(add.durations).p99);
  for (const size of SIZES.lateness) {
    const burst = await bullBurst(bull, size, { rate: add.rate, immediate: size === Math.max(...SIZES.lateness) });
    series.push({ label: `BullMQ, ${fmt(size)}`, values: sampleOf(burst.report.lateness) });
    Object.assign(values, deliveryValues(`lateness.${size}`, burst.report));
    if (burst.immediate.length > 0) values['immediate.p99'] = Math.round(summarize(burst.immediate).p99);
    await sleep(3_000);
  }
  log('BullMQ: memory with delayed jobs');
  await bullAddFarFuture(bull.queue, Math.max(0, SIZES.memory - SIZES.throughput));
  await sleep(5_000);
  values['memory.workerRss'] = rssMb(bull.worker.pid);
  values['redis.rss'] = rssMb(services.redis.pid);
  log(`BullMQ: ${fmt(await bull.queue.getDelayedCount())} delayed jobs`);
  await bull.stop();
  return values;
}

interface Bull {
  queue: Queue<MailJob>;
  worker: Child;
  stop(): Promise<void>;
}

async function startBull(services: BenchServices): Promise<Bull> {
  const queue = new Queue<MailJob>('mail', { connection: { host: services.redis.host, port: services.redis.port } });
  const [worker, stopWorker] = await withCleanup(
    async () => {
      const child = startChild(path.join(ROOT, 'scripts/lib/bullmq-worker.ts'), [], {
        SMTP_URL: sink.url,
        REDIS_HOST: services.redis.host,
        REDIS_PORT: String(services.redis.port),
      });
      await child.waitFor('ready');
      return child;
    },
    (c) => c.stop(),
  );
  return {
    queue,
    worker,
    async stop() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await stopWorker();
    },
  };
}

async function bullAddFarFuture(queue: Queue<MailJob>, count: number): Promise<{ rate: number; durations: number[] }> {
  const t0 = performance.now();
  const durations = await runConcurrently(count, CONCURRENCY, (i) => queue.add('mail', mailOf(i), { jobId: randomUUID(), delay: 86_400_000 }));
  return { rate: count / ((performance.now() - t0) / 1000), durations };
}

async function bullBurst(bull: Bull, size: number, options: { rate: number; immediate?: boolean; spreadMs?: number }) {
  const spreadMs = options.spreadMs ?? 0;
  log(`BullMQ: ${fmt(size)} mails due ${spreadMs ? `over ${spreadMs / 1000} s` : 'at one instant'}`);
  const makeMs = (size / options.rate) * 1000 * 1.3;
  const firstDue = Date.now() + Math.max(0, makeMs - spreadMs) + 15_000;
  const dueOf = (i: number) => firstDue + (spreadMs * i) / size;
  const dueById = new Map<string, number>();
  let workerPeakRssMb = 0;
  const rssTimer = setInterval(() => {
    workerPeakRssMb = Math.max(workerPeakRssMb, rssMb(bull.worker.pid));
  }, 1_000);
  await runConcurrently(size, CONCURRENCY, async (i) => {
    const jobId = randomUUID();
    const due = dueOf(i);
    await bull.queue.add('mail', mailOf(i), { jobId, delay: Math.max(0, due - Date.now()) });
    dueById.set(bullMessageId(jobId), due);
  });
  await sleep(firstDue - Date.now());
  const immediate = options.immediate
    ? immediateSendsDuring(async (i) => {
        const jobId = randomUUID();
        await bull.queue.add('mail', mailOf(i), { jobId });
        return bullMessageId(jobId);
      })
    : Promise.resolve([]);
  await sink.waitForAll([...dueById.keys()], 900_000);
  const immediateTimes = await immediate;
  clearInterval(rssTimer);
  const report = deliveryReport(sink, dueById);
  const s = summarize(report.lateness);
  log(`BullMQ ${fmt(size)}: p50 ${Math.round(s.p50)} p99 ${Math.round(s.p99)} max ${Math.round(s.max)} ms, lost ${report.lost}, duplicates ${report.duplicates}`);
  return { report, immediate: immediateTimes, workerPeakRssMb };
}

/** The Temporal server on PostgreSQL: 1 vs SHARDS shards, 2 and 3 worker processes, one worker killed. */
async function scalingPart(): Promise<SectionBody> {
  const scaling: ScalingRow[] = [];
  const size = SIZES.scalingBurst!;
  {
    const [services, stop] = await withCleanup(() => startServices(logger, { redis: false, temporal: 'server', historyShards: SHARDS }), (s) => s.stop());
    Object.assign(versions, services.versions);
    // The reservation and start rates set how soon a burst can fall due; short probes measure them.
    const rate = await (async () => {
      const [side, stopSide] = await withCleanup(() => startHeraldSide(services, sink.url, logger, heraldExtra), (s) => s.stop());
      const r = Math.min((await reserveFarFuture(side, SIZES.rateProbe!)).rate, await bareStarts(side, SIZES.rateProbe!));
      await stopSide();
      return r;
    })();
    for (const workers of SCALING_WORKERS) {
      const [side, stopSide] = await withCleanup(() => startHeraldSide(services, sink.url, logger, heraldExtra, workers), (s) => s.stop());
      const burst = await heraldBurst(side, services, `server ${SHARDS} shards, ${workers} workers`, size, { rate });
      scaling.push(scalingRowOf('server', services, workers, size, burst));
      await settle(side);
      await stopSide();
    }
    {
      const [side, stopSide] = await withCleanup(() => startHeraldSide(services, sink.url, logger, heraldExtra, 2), (s) => s.stop());
      const killSize = SIZES.killBurst!;
      // While the burst's sends wait in their holds: the killed worker's holds must go to the other.
      const killBeforeDueMs = Math.min(10_000, leadMs / 2);
      const burst = await heraldBurst(side, services, `server ${SHARDS} shards, 2 workers, one killed`, killSize, { rate, killBeforeDueMs });
      scaling.push(scalingRowOf('server', services, 2, killSize, burst, undefined, `one worker SIGKILLed ${killBeforeDueMs / 1000} s before due`));
      await settle(side);
      await stopSide();
    }
    await stop();
  }
  {
    const [services, stop] = await withCleanup(() => startServices(logger, { redis: false, temporal: 'server', historyShards: 1 }), (s) => s.stop());
    const [side, stopSide] = await withCleanup(() => startHeraldSide(services, sink.url, logger, heraldExtra), (s) => s.stop());
    const starts = await bareStarts(side, SIZES.starts);
    const rate = Math.min(starts, (await reserveFarFuture(side, SIZES.rateProbe!)).rate);
    const burst = await heraldBurst(side, services, 'server 1 shard, 1 worker', size, { rate });
    scaling.push(scalingRowOf('server', services, 1, size, burst, starts));
    await stopSide();
    await stop();
  }
  return { measures: [], scaling };
}

/** 100,000 due over ten minutes: Herald on the dev server and BullMQ (and with --growth-server, Herald on the server). */
async function growthPart(): Promise<SectionBody> {
  const size = SIZES.growth!;
  const windowMs = SIZES.growthWindowMs!;
  const values: Partial<Record<Column, Values>> = {};
  const series: Series[] = [];
  const growth: GrowthPoint[] = [];
  const notRun: string[] = [];
  const record = (column: Column, report: ReturnType<typeof deliveryReport>, workerPeakRssMb: number, leftOut = 0) => {
    values[column] = { ...deliveryValues('growth', report, leftOut), 'growth.workerRss': workerPeakRssMb };
    growth.push({ column, due: size, p99: summarize(report.lateness).p99 });
  };
  const heraldGrowth = async (column: 'dev' | 'server', services: BenchServices) => {
    const label = column === 'dev' ? 'Herald, dev server' : `Herald, server ${SHARDS} shards`;
    const [side, stopSide] = await withCleanup(() => startHeraldSide(services, sink.url, logger, heraldExtra), (s) => s.stop());
    const rate = Math.min((await reserveFarFuture(side, SIZES.rateProbe!)).rate, await bareStarts(side, SIZES.rateProbe!));
    const burst = await heraldBurst(side, services, label, size, { rate, spreadMs: windowMs });
    series.push({ label: `${label}, ${fmt(size)} over ${windowText(windowMs)}`, values: sampleOf(burst.report.lateness) });
    record(column, burst.report, burst.workerPeakRssMb, burst.leftOut);
    await stopSide();
  };

  const [services, stop] = await withCleanup(() => startServices(logger), (s) => s.stop());
  Object.assign(versions, services.versions);
  await heraldGrowth('dev', services);
  {
    const bull = await startBull(services);
    const add = await bullAddFarFuture(bull.queue, SIZES.throughput);
    const burst = await bullBurst(bull, size, { rate: add.rate, spreadMs: windowMs });
    series.push({ label: `BullMQ, ${fmt(size)} over ${windowText(windowMs)}`, values: sampleOf(burst.report.lateness) });
    record('bullmq', burst.report, burst.workerPeakRssMb);
    await bull.stop();
  }
  await stop();
  if (growthServer) {
    const [serverServices, stopServer] = await withCleanup(() => startServices(logger, { redis: false, temporal: 'server', historyShards: SHARDS }), (s) => s.stop());
    Object.assign(versions, serverServices.versions);
    await heraldGrowth('server', serverServices);
    await stopServer();
  } else {
    notRun.push('Server column, 100,000 run: not run (it takes as long again); `npm run bench -- --only=growth --growth-server` runs it.');
  }

  const v = { dev: values.dev ?? {}, server: values.server ?? {}, bullmq: values.bullmq ?? {} };
  const label = `${fmt(size)} due over ${windowText(windowMs)}`;
  const measures: Measure[] = [
    { name: `Lateness p50, ${label} (ms)`, dev: v.dev['growth.p50'], server: v.server['growth.p50'], bullmq: v.bullmq['growth.p50'], lowerIsBetter: true },
    { name: `Lateness p99, ${label} (ms)`, dev: v.dev['growth.p99'], server: v.server['growth.p99'], bullmq: v.bullmq['growth.p99'], lowerIsBetter: true },
    { name: `Lateness max, ${label} (ms)`, dev: v.dev['growth.max'], server: v.server['growth.max'], bullmq: v.bullmq['growth.max'], lowerIsBetter: true },
  ];
  lostRow(measures, values, `Lost / duplicated, ${fmt(size)}`, 'growth');
  measures.push({ name: `Worker peak RSS, ${label} (MB)`, dev: v.dev['growth.workerRss'], server: v.server['growth.workerRss'], bullmq: v.bullmq['growth.workerRss'], lowerIsBetter: true });
  return { measures, series, growth, notRun };
}

// ================================================================ helpers

function windowText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 6_000) / 10} min` : `${Math.round(ms / 1000)} s`;
}

function environment(): Record<string, string> {
  return {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
    node: process.version,
    ...versions,
    ...packageVersions(['@temporalio/worker', 'bullmq', 'ioredis', 'nodemailer', 'pg', 'discord.js']),
  };
}

function packageVersions(names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => [name, (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version]),
  );
}

/** `npm run build` unless dist is newer than every source file it is built from. */
function buildIfStale(): void {
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = path.join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const built = path.join(ROOT, 'dist', 'src', 'main.js');
  const sources = Math.max(newest(path.join(ROOT, 'src')), newest(path.join(ROOT, 'migrations')), ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs > sources) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
