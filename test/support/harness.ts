// A whole Herald for one test file, built by createCore like the product: its own database on the
// shared embedded PostgreSQL, its own task queue on the shared Temporal dev server (or a server of
// its own: time-skipping, or a dev server it may restart), its own SMTP sink, and a real worker. No mocks. Test files usually get one through useHarness().
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';
import { type Core, createCore } from '../../src/core.js';
import { createDb, type HeraldDb, migrateToLatest } from '../../src/db/database.js';
import { type ReceivedMail, SmtpSink } from '../../src/infra/smtp-sink.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { LogNotifier, type OutcomeNotifier } from '../../src/notify/outcome-notifier.js';
import type { MembershipChecker } from '../../src/tasks/membership.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import type { HeraldWorker } from '../../src/temporal/worker.js';
import { CleanupStack } from '../../src/util/cleanup-stack.js';
import { TcpProxy } from './tcp-proxy.js';
import { workflowBundleEnv } from './workflow-bundle.js';

/** A fresh database with Herald's schema, on the run's embedded PostgreSQL (or the server at `adminUrl`). */
export async function createTestDatabase(
  adminUrl: string = inject('postgresAdminUrl'),
): Promise<{ url: string; db: HeraldDb; drop(): Promise<void> }> {
  const name = `herald_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { poolMax: 10 });
  await migrateToLatest(db);
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
// Before any Temporal connection of this test process exists.
installTemporalRuntime(logger);

export function startTimeSkippingEnv(testServer: string = inject('temporalTestServer')): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServer } },
  });
}

/** A dev server of the caller's own, which it may restart, list or reconfigure. */
export function startLocalEnv(cli: string = inject('temporalCli')): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cli }, ui: false },
  });
}

/**
 * A connection to the run's shared dev server (global-setup.ts). Its teardown closes the
 * connection only. Keep to your own task queue and workflow ids; see shared-temporal.ts.
 */
export function connectSharedDevEnv(address: string = inject('temporalDevAddress')): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address, namespace: 'default' });
}

/** The Herald parts (createCore) plus what a test needs around them. */
export interface Harness extends Omit<Core, 'close' | 'createWorker'> {
  env: TestWorkflowEnvironment;
  config: Config;
  /** The database Herald uses (through `databaseProxy` when there is one). */
  db: HeraldDb;
  databaseUrl: string;
  /** With `databaseProxy: true`: the relay between Herald and PostgreSQL, to take the database away. */
  databaseProxy?: TcpProxy;
  sink: SmtpSink;
  taskQueue: string;
  logger: Logger;
  /** Now, on the Temporal server's clock (which time skipping moves ahead of the wall clock). */
  now(): Date;
  /** Re-reads the Temporal server's clock; useHarness() does it before each test on a time-skipping server. */
  syncClock(): Promise<void>;
  /** The workflow of a task (workflowId = task id). */
  workflow(taskId: string): WorkflowHandle;
  /** The mails the sink received for a task, by its Message-ID. */
  mailsOf(taskId: string): ReceivedMail[];
  startWorker(): Promise<HeraldWorker>;
  stopWorker(): Promise<void>;
  /** Stops the worker and removes everything the harness made (not `env`, which is the caller's). */
  close(): Promise<void>;
}

export interface HarnessOptions {
  env: TestWorkflowEnvironment;
  clock?: () => Date;
  /** Default: limits too high to matter; the ones given replace those. */
  guardRails?: Partial<Config['guardRails']>;
  /** The servers Herald answers in (DISCORD_ALLOWED_GUILD_IDS); default: any. */
  allowedGuildIds?: string[];
  /** How the worker checks requesters are still in their server (default: no check, as without Discord). */
  membership?: MembershipChecker;
  /** Start a worker right away (default true). */
  worker?: boolean;
  /** How outcome notices reach requesters (default: logged). */
  notifier?: OutcomeNotifier;
  /** MAIL_PREPARE_LEAD; default 60 s on a real-time server, 0 on a time-skipping one. */
  prepareLeadMs?: number;
  newTaskId?: () => string;
  /** PostgreSQL to make the database on, outside a vitest run (default: the run's embedded server). */
  postgresAdminUrl?: string;
  /** Herald reaches PostgreSQL through a relay the test can stop (`databaseProxy`). */
  databaseProxy?: boolean;
  /** More configuration, as environment variables (e.g. MAIL_RETRY_INITIAL_INTERVAL). */
  configEnv?: Record<string, string>;
}

/** The sender the harness's mails carry: Message-IDs end in @example.test. */
const SMTP_FROM = 'Herald <herald@example.test>';

export async function createHarness(options: HarnessOptions): Promise<Harness> {
  const { env } = options;
  Object.assign(process.env, workflowBundleEnv()); // read by the worker (src/temporal/worker.ts)
  const cleanup = new CleanupStack();
  try {
    const database = await createTestDatabase(options.postgresAdminUrl);
    cleanup.push(() => database.drop());
    let databaseProxy: TcpProxy | undefined;
    let db = database.db;
    if (options.databaseProxy) {
      const proxy = await TcpProxy.before(database.url);
      databaseProxy = proxy;
      cleanup.push(() => proxy.stop());
      db = createDb(proxy.urlFor(database.url), { poolMax: 10 });
      cleanup.push(() => db.destroy());
    }
    const sink = await SmtpSink.start({ logger });
    cleanup.push(() => sink.close());
    const taskQueue = `herald-test-${randomUUID().slice(0, 8)}`;
    // Time-skipping servers jump their clock, which a hold in the worker (real time) cannot follow.
    const prepareLeadMs = options.prepareLeadMs ?? (env.supportsTimeSkipping ? 0 : 60_000);
    const loaded = loadConfig({
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_FROM,
      SMTP_POOL_MAX_CONNECTIONS: '2',
      MAIL_PREPARE_LEAD: `${prepareLeadMs}ms`,
      WORKER_MAX_CACHED_WORKFLOWS: '100',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '200',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '10',
      MAILS_PER_HOUR: '100000',
      MAILS_PER_HOUR_TOTAL: '10000000',
      MAX_OPEN_RESERVATIONS: '100000',
      // Tests that look at a reservation's workflow right after reserving need it started by the
      // request; the outbox's own tests (outbox.test.ts, reconciler.test.ts) ask for 'outbox'.
      RESERVATION_START: 'direct',
      ...options.configEnv,
    });
    const config: Config = {
      ...loaded,
      guardRails: { ...loaded.guardRails, ...options.guardRails },
      discord: { ...loaded.discord, ...(options.allowedGuildIds && { allowedGuildIds: options.allowedGuildIds }) },
    };
    // The service reads "now" from the Temporal server's clock, as the workflows do.
    let offsetMs = 0;
    const now = () => new Date(Date.now() + offsetMs);
    const { createWorker, close, ...core } = createCore(config, {
      db,
      temporal: env.client,
      logger,
      smtpUrl: sink.url,
      notifier: options.notifier ?? new LogNotifier(logger),
      membership: options.membership,
      clock: options.clock ?? now,
      newTaskId: options.newTaskId,
    });
    cleanup.push(close);

    let worker: { worker: HeraldWorker; running: Promise<void> } | undefined;
    const harness: Harness = {
      ...core,
      env,
      config,
      db,
      databaseUrl: database.url,
      databaseProxy,
      sink,
      taskQueue,
      logger,
      now,
      async syncClock() {
        offsetMs = (await env.currentTimeMs()) - Date.now();
      },
      workflow: (taskId) => env.client.workflow.getHandle(taskId),
      mailsOf: (taskId) => sink.mails.filter((m) => m.messageId === `<${taskId}@example.test>`),
      async startWorker() {
        const started = await createWorker(env.nativeConnection);
        worker = { worker: started, running: started.run() };
        return started;
      },
      async stopWorker() {
        if (!worker) return;
        const { worker: stopping, running } = worker;
        worker = undefined;
        stopping.shutdown();
        await running;
      },
      close: () => cleanup.run(),
    };
    cleanup.push(() => harness.stopWorker());
    await harness.syncClock();
    if (options.worker !== false) await harness.startWorker();
    return harness;
  } catch (err) {
    await cleanup.run().catch(() => undefined); // the start-up error is the one worth seeing
    throw err;
  }
}

/** The instant `minutes` after `from`. */
export function minutesFrom(from: Date, minutes: number): Date {
  return new Date(from.getTime() + minutes * 60_000);
}
