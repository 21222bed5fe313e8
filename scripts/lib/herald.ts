// Herald's side of the benchmark: the worker as production runs it (`src/main.ts worker`, its own
// process), and the TaskService in this process, where the bot would call it.
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { type Herald, startHerald } from '../../src/runtime/herald.js';
import { type Child, ROOT, startChild } from './child.js';
import type { BenchServices } from './services.js';
import { sleep } from './stats.js';
import { freePort } from '../../src/infra/free-port.js';

export const HERALD_TASK_QUEUE = 'herald-bench';

export interface HeraldSide {
  herald: Herald;
  /** The first worker process. */
  worker: Child;
  /** Every worker process (`npm run worker` each), and the port each serves /metrics on. */
  workers: { child: Child; metricsPort: number }[];
  env: Record<string, string>;
  stop(): Promise<void>;
}

export function heraldEnv(services: BenchServices, smtpUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: services.databaseUrl,
    TEMPORAL_ADDRESS: services.temporalAddress,
    TEMPORAL_TASK_QUEUE: HERALD_TASK_QUEUE,
    SMTP_URL: smtpUrl,
    SMTP_FROM: 'Herald <herald@herald.test>',
    MAILS_PER_HOUR: '100000',
    MAILS_PER_HOUR_TOTAL: '10000000',
    MAX_OPEN_RESERVATIONS: '100000',
    DATABASE_POOL_MAX: '20',
    ...extra,
  };
}

export async function startHeraldSide(
  services: BenchServices,
  smtpUrl: string,
  logger: Logger,
  extra: Record<string, string> = {},
  workerCount = 1,
): Promise<HeraldSide> {
  const env = heraldEnv(services, smtpUrl, extra);
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // The built worker, as production runs it (`npm run build` first), each in its own process.
  const workers: HeraldSide['workers'] = [];
  for (let i = 0; i < workerCount; i++) {
    const metricsPort = await freePort();
    workers.push({ child: startChild(path.join(ROOT, 'dist/src/main.js'), ['worker'], { ...env, METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' }, nodeArgs), metricsPort });
  }
  await waitForPollers(services.temporalAddress, workerCount);
  const config = loadConfig(env);
  const herald = await startHerald(
    config,
    { databaseUrl: services.databaseUrl, temporalAddress: services.temporalAddress, smtpUrl },
    logger,
    { worker: false },
  );
  return {
    herald,
    worker: workers[0]!.child,
    workers,
    env,
    async stop() {
      await Promise.all(workers.map((w) => w.child.stop()));
      await herald.stop();
    },
  };
}

/** Until every worker process polls the task queue. */
async function waitForPollers(address: string, count: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    for (let i = 0; i < 600; i++) {
      // A server that has just registered the namespace may not know it everywhere yet (NOT_FOUND).
      const pollers = await connection.workflowService
        .describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: HERALD_TASK_QUEUE },
          taskQueueType: 1, // workflow
        })
        .then(
          (r) => r.pollers?.length ?? 0,
          () => 0,
        );
      if (pollers >= count) return;
      await sleep(200);
    }
    throw new Error('the Herald worker did not start polling');
  } finally {
    await connection.close();
  }
}

/**
 * Wake-ups so far: sends each worker holds for their due time plus those it has finished
 * (herald_holds_in_progress + herald_sends_total), summed over the workers that still answer.
 */
export async function wokenSoFar(side: HeraldSide): Promise<number> {
  let total = 0;
  for (const lines of await workerMetrics(side)) total += sumOf(lines, (line) => line.startsWith('herald_holds_in_progress ') || line.startsWith('herald_sends_total{'));
  return total;
}

/**
 * The outbox as the workers' starters last saw it (herald_outbox_pending and
 * herald_outbox_backlog_age_seconds): the largest over the workers that answer, as each starter
 * reads the same table. Undefined when none answered.
 */
export async function outboxSample(side: HeraldSide): Promise<{ pending: number; ageSeconds: number } | undefined> {
  const scraped = await workerMetrics(side);
  if (scraped.length === 0) return undefined;
  return {
    pending: Math.max(...scraped.map((lines) => sumOf(lines, (line) => line.startsWith('herald_outbox_pending ')))),
    ageSeconds: Math.max(...scraped.map((lines) => sumOf(lines, (line) => line.startsWith('herald_outbox_backlog_age_seconds ')))),
  };
}

/** Each answering worker's /metrics, as lines: one scrape per worker, whatever the caller reads from it. */
async function workerMetrics(side: HeraldSide): Promise<string[][]> {
  const scraped: string[][] = [];
  for (const { child, metricsPort } of side.workers) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) continue;
    try {
      scraped.push((await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(2_000) })).text()).split('\n'));
    } catch {
      // busy or gone: this sample misses it
    }
  }
  return scraped;
}

/** The sum of the values on the metric lines `pick` chooses. */
function sumOf(lines: readonly string[], pick: (line: string) => boolean): number {
  let total = 0;
  for (const line of lines) if (pick(line)) total += Number(line.split(' ').at(-1));
  return total;
}
