// npm run bench [-- --quick]
// Herald and BullMQ on the same machine, in the same run, delivering to the same SMTP sink.
// Writes BENCHMARKS.md and bench/lateness.svg.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { createLogger } from '../src/logger.js';
import { startDiscordEmulator } from '../test/discord-emulator/emulator.js';
import type { MailJob } from '../scripts/lib/bullmq-worker.js';
import { ROOT, startChild } from '../scripts/lib/child.js';
import { type HeraldSide, startHeraldSide } from '../scripts/lib/herald.js';
import { type Measure, writeReport } from '../scripts/lib/report.js';
import { startServices } from '../scripts/lib/services.js';
import { BenchSink, deliveryReport } from '../scripts/lib/sink.js';
import { rssMb, runConcurrently, sleep, summarize } from '../scripts/lib/stats.js';

const quick = process.argv.includes('--quick');
const SIZES = quick
  ? { lateness: [1_000], throughput: 1_000, ack: 200, immediate: 20, memory: 2_000, listingRows: 100_000 }
  : { lateness: [1_000, 10_000], throughput: 5_000, ack: 200, immediate: 50, memory: 20_000, listingRows: 1_000_000 };
const CONCURRENCY = 32; // callers at once, as many users would be
const USERS = 100;
const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

const mailOf = (i: number) => ({
  template: 'notice',
  language: 'en' as const,
  variables: { title: `Bench ${i}`, body: 'Scheduled benchmark mail.' },
  to: [`r${i}@example.com`],
});

const measures: Measure[] = [];
const latenessSeries: { label: string; values: number[] }[] = [];
const started = Date.now();

log(`mode: ${quick ? 'quick' : 'full'}; sizes ${JSON.stringify(SIZES)}`);
// The worker and the bot run from the build, as in production.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
// Whatever happens, stop every server and child this run started.
const cleanups: (() => Promise<unknown>)[] = [];
const cleanUp = async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
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
const services = await startServices(logger);
cleanups.push(() => services.stop());
const sink = await BenchSink.start();
cleanups.push(() => sink.stop());
log(`services up: ${services.temporalAddress}, redis ${services.redis.port}, sink ${sink.url}`);

// ---------------------------------------------------------------- Herald
const heraldSide = await startHeraldSide(services, sink.url, logger);
cleanups.push(() => heraldSide.stop());
const { service } = heraldSide.herald;
const heraldMessageId = (taskId: string) => `<${taskId}@herald.test>`;

log('Herald: reserve throughput');
const farFuture = () => new Date(Date.now() + 86_400_000);
const reserveDurations = await (async () => {
  const t0 = performance.now();
  const durations = await runConcurrently(SIZES.throughput, CONCURRENCY, (i) =>
    service.reserveTask({ requesterId: `user-${i % USERS}`, ...mailOfTask(i), when: farFuture() }),
  );
  return { durations, seconds: (performance.now() - t0) / 1000 };
})();
const heraldRate = SIZES.throughput / reserveDurations.seconds;

function mailOfTask(i: number) {
  const m = mailOf(i);
  return { template: m.template, language: m.language, variables: m.variables, to: m.to, description: `bench ${i}` };
}

// Memory first: the worker has taken in every sleeping reservation, and no burst yet.
log('Herald: memory with sleeping reservations');
const more = Math.max(0, SIZES.memory - SIZES.throughput);
await runConcurrently(more, CONCURRENCY, (i) =>
  service.reserveTask({ requesterId: `user-${i % USERS}`, ...mailOfTask(i), when: farFuture() }),
);
await sleep(10_000);
const sleeping = Number(
  (
    await heraldSide.herald.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'reserved')
      .executeTakeFirstOrThrow()
  ).n,
);
const heraldWorkerRss = rssMb(heraldSide.worker.pid);

const heraldLateness = new Map<number, ReturnType<typeof deliveryReport>>();
let heraldImmediate: number[] = [];
for (const n of SIZES.lateness) {
  log(`Herald: ${n} mails due at one instant`);
  // At least the one-minute lead after the last reservation is made; the rate measured on an
  // empty server is optimistic once tens of thousands of reservations sleep, hence the margin.
  const due = new Date(Date.now() + (n / heraldRate) * 1000 * 2.5 + 65_000);
  const dueById = new Map<string, number>();
  await runConcurrently(n, CONCURRENCY, async (i) => {
    const task = await service.reserveTask({ requesterId: `user-${i % USERS}`, ...mailOfTask(i), when: due });
    dueById.set(heraldMessageId(task.id), due.getTime());
  });
  log(`Herald: reserved; due in ${Math.round((due.getTime() - Date.now()) / 1000)} s`);
  const { report, immediateTimes } = await fireBurst('Herald', n, dueById, due.getTime(), async (i) => {
    const task = await service.enqueueTask({ requesterId: `now-${i}`, ...mailOfTask(i) });
    return heraldMessageId(task.id);
  });
  if (immediateTimes.length > 0) heraldImmediate = immediateTimes;
  heraldLateness.set(n, report);
  await settle(heraldSide);
}

/**
 * Waits for the burst's due time, starts the immediate sends during the largest burst, and
 * reports how the burst was delivered.
 */
async function fireBurst(system: string, n: number, dueById: ReadonlyMap<string, number>, due: number, sendNow: (i: number) => Promise<string>) {
  await sleep(due - Date.now());
  const immediate = n === Math.max(...SIZES.lateness) ? immediateSendsDuring(sendNow) : Promise.resolve([]);
  await sink.waitForAll([...dueById.keys()], 900_000);
  const immediateTimes = await immediate;
  const report = deliveryReport(sink, dueById);
  latenessSeries.push({ label: `${system}, ${n}`, values: report.lateness });
  log(`${system} ${n}: ${JSON.stringify(summarize(report.lateness))}, lost ${report.lost}, duplicates ${report.duplicates}`);
  return { report, immediateTimes };
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

log('Herald: ack latency through the Discord emulator');
const APP_ID = '910000000000000001';
const TOKEN = `bench-${randomUUID()}`;
const GUILD = '910000000000000003';
const discord = await startDiscordEmulator({
  applicationId: APP_ID,
  botUser: { id: '910000000000000002', username: 'herald' },
  guilds: [{ id: GUILD, name: 'bench' }],
  token: TOKEN,
});
cleanups.push(() => discord.close());
const bot = startChild(path.join(ROOT, 'dist/src/main.js'), ['bot'], {
  ...heraldSide.env,
  DISCORD_TOKEN: TOKEN,
  DISCORD_APPLICATION_ID: APP_ID,
  DISCORD_API_URL: discord.apiUrl,
  DISCORD_ALLOWED_GUILD_IDS: GUILD,
});
cleanups.push(() => bot.stop());
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
await bot.stop();
await discord.close();
log(`ack: ${JSON.stringify(summarize(ackMs))}, ${confirmed}/${SIZES.ack} confirmed`);

log(`Herald: listing with ${SIZES.listingRows} rows`);
const listing = await (async () => {
  const db = heraldSide.herald.db;
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
  const total = existing + toInsert;
  for (let i = 0; i < 50; i++) await service.listReserved(`list-user-${i}`, 10); // warm up
  const durations = await runConcurrently(1_000, 1, (i) => service.listReserved(`list-user-${(i * 7919) % 10000}`, 10));
  return { total, durations };
})();
log(`listing: ${JSON.stringify(summarize(listing.durations))} over ${listing.total} rows`);
await heraldSide.stop();

// ---------------------------------------------------------------- BullMQ
log('BullMQ: starting');
const connection = { host: services.redis.host, port: services.redis.port };
const queue = new Queue<MailJob>('mail', { connection });
const bullWorker = startChild(path.join(ROOT, 'scripts/lib/bullmq-worker.ts'), [], {
  SMTP_URL: sink.url,
  REDIS_HOST: services.redis.host,
  REDIS_PORT: String(services.redis.port),
});
cleanups.push(() => bullWorker.stop());
await bullWorker.waitFor('ready');
const bullMessageId = (jobId: string) => `<${jobId}@bullmq.test>`;

log('BullMQ: add throughput');
const bullAdd = await (async () => {
  const t0 = performance.now();
  const durations = await runConcurrently(SIZES.throughput, CONCURRENCY, (i) =>
    queue.add('mail', mailOf(i), { jobId: randomUUID(), delay: 86_400_000 }),
  );
  return { durations, seconds: (performance.now() - t0) / 1000 };
})();
const bullRate = SIZES.throughput / bullAdd.seconds;

const bullLateness = new Map<number, ReturnType<typeof deliveryReport>>();
let bullImmediate: number[] = [];
for (const n of SIZES.lateness) {
  log(`BullMQ: ${n} mails due at one instant`);
  const due = Date.now() + (n / bullRate) * 1000 * 1.3 + 15_000;
  const dueById = new Map<string, number>();
  await runConcurrently(n, CONCURRENCY, async (i) => {
    const jobId = randomUUID();
    await queue.add('mail', mailOf(i), { jobId, delay: due - Date.now() });
    dueById.set(bullMessageId(jobId), due);
  });
  const { report, immediateTimes } = await fireBurst('BullMQ', n, dueById, due, async (i) => {
    const jobId = randomUUID();
    await queue.add('mail', mailOf(i), { jobId });
    return bullMessageId(jobId);
  });
  if (immediateTimes.length > 0) bullImmediate = immediateTimes;
  bullLateness.set(n, report);
  await sleep(3_000);
}

log('BullMQ: memory with delayed jobs');
await runConcurrently(Math.max(0, SIZES.memory - SIZES.throughput), CONCURRENCY, (i) =>
  queue.add('mail', mailOf(i), { jobId: randomUUID(), delay: 86_400_000 }),
);
await sleep(5_000);
const bullDelayed = await queue.getDelayedCount();
const bullWorkerRss = rssMb(bullWorker.pid);
const redisRss = rssMb(services.redis.pid);
await queue.close();
await cleanUp();

// ---------------------------------------------------------------- Report
const ms = (v: number) => Math.round(v);
for (const n of SIZES.lateness) {
  const hl = summarize(heraldLateness.get(n)!.lateness);
  const bl = summarize(bullLateness.get(n)!.lateness);
  const target = n <= 1_000 ? 1_000 : 10_000;
  measures.push(
    { name: `Lateness p50, ${n.toLocaleString('en')} due together (ms)`, herald: ms(hl.p50), bullmq: ms(bl.p50), lowerIsBetter: true },
    {
      name: `Lateness p99, ${n.toLocaleString('en')} due together (ms)`,
      herald: ms(hl.p99),
      bullmq: ms(bl.p99),
      lowerIsBetter: true,
      target: `≤ ${target.toLocaleString('en')} and ≤ BullMQ`,
      met: hl.p99 <= target && hl.p99 <= bl.p99,
    },
    { name: `Lateness max, ${n.toLocaleString('en')} due together (ms)`, herald: ms(hl.max), bullmq: ms(bl.max), lowerIsBetter: true },
    {
      name: `Lost / duplicated, ${n.toLocaleString('en')}`,
      herald: `${heraldLateness.get(n)!.lost} / ${heraldLateness.get(n)!.duplicates}`,
      bullmq: `${bullLateness.get(n)!.lost} / ${bullLateness.get(n)!.duplicates}`,
      target: '0 / 0',
      met: heraldLateness.get(n)!.lost === 0 && heraldLateness.get(n)!.duplicates === 0,
    },
  );
}
const hr = summarize(reserveDurations.durations);
const br = summarize(bullAdd.durations);
measures.push(
  {
    name: `Reservations per second (${SIZES.throughput.toLocaleString('en')}, ${CONCURRENCY} callers)`,
    herald: Math.round(heraldRate),
    bullmq: Math.round(bullRate),
    lowerIsBetter: false,
    target: '≥ 300',
    met: heraldRate >= 300,
  },
  { name: 'Reserve call p50 (ms)', herald: ms(hr.p50), bullmq: ms(br.p50), lowerIsBetter: true },
  { name: 'Reserve call p99 (ms)', herald: ms(hr.p99), bullmq: ms(br.p99), lowerIsBetter: true },
);
const ack = summarize(ackMs);
measures.push(
  { name: `Ack latency p50, ${SIZES.ack} /reserve at once (ms)`, herald: ms(ack.p50), bullmq: 'n/a', lowerIsBetter: true },
  {
    name: `Ack latency p99, ${SIZES.ack} /reserve at once (ms)`,
    herald: ms(ack.p99),
    bullmq: 'n/a',
    lowerIsBetter: true,
    target: '≤ 250',
    met: ack.p99 <= 250,
  },
);
const hi = summarize(heraldImmediate);
const bi = summarize(bullImmediate);
measures.push({
  name: `Immediate sends p99 during the ${Math.max(...SIZES.lateness).toLocaleString('en')} burst (ms)`,
  herald: ms(hi.p99),
  bullmq: ms(bi.p99),
  lowerIsBetter: true,
  target: '≤ 2,000',
  met: hi.p99 <= 2_000,
});
measures.push(
  {
    name: `Worker RSS, ${sleeping.toLocaleString('en')} sleeping reservations (MB)`,
    herald: heraldWorkerRss,
    bullmq: bullWorkerRss,
    lowerIsBetter: true,
    target: '≤ 300',
    met: heraldWorkerRss <= 300,
  },
  { name: `Bot RSS after the ack burst (MB)`, herald: botRss, bullmq: 'n/a', lowerIsBetter: true },
  { name: `Redis RSS, ${bullDelayed.toLocaleString('en')} delayed jobs (MB)`, herald: 'n/a', bullmq: redisRss, lowerIsBetter: true },
);
const ls = summarize(listing.durations);
measures.push(
  { name: `listReserved p50, ${listing.total.toLocaleString('en')} rows (ms)`, herald: Math.round(ls.p50 * 100) / 100, bullmq: 'n/a', lowerIsBetter: true },
  {
    name: `listReserved p99, ${listing.total.toLocaleString('en')} rows (ms)`,
    herald: Math.round(ls.p99 * 100) / 100,
    bullmq: 'n/a',
    lowerIsBetter: true,
    target: '≤ 10',
    met: ls.p99 <= 10,
  },
);

writeReport({
  file: path.join(ROOT, 'BENCHMARKS.md'),
  svgFile: path.join(ROOT, 'bench', 'lateness.svg'),
  quick,
  measures,
  latenessSeries,
  environment: {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
    node: process.version,
    ...services.versions,
    ...packageVersions(['@temporalio/worker', 'bullmq', 'ioredis', 'nodemailer', 'pg', 'discord.js']),
    durationSeconds: String(Math.round((Date.now() - started) / 1000)),
  },
  notes: quick ? undefined : fs.readFileSync(path.join(ROOT, 'bench', 'notes.md'), 'utf8').trim(),
});
log(`wrote BENCHMARKS.md in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(0);

function packageVersions(names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => [name, (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version]),
  );
}
