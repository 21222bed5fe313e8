// A whole Herald for one test file: its own database on the shared embedded PostgreSQL, its own
// Temporal server (time-skipping or dev), its own SMTP sink, and a real worker. No mocks.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type HeraldDb, migrateToLatest } from '../../src/db/database.js';
import { ServerTemplateRepository } from '../../src/db/server-template-repository.js';
import { TaskRepository } from '../../src/db/task-repository.js';
import { mailRetryPolicy } from '../../src/domain/retry-policy.js';
import { SmtpSink } from '../../src/infra/smtp-sink.js';
import { LogNotifier, type OutcomeNotifier } from '../../src/notify/outcome-notifier.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createMailer } from '../../src/mail/mailer.js';
import { TemplateResolver } from '../../src/mail/template-resolver.js';
import { TemplateRegistry } from '../../src/mail/templates.js';
import { type GuardRails, TaskService } from '../../src/tasks/task-service.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { createHeraldWorker, type HeraldWorker } from '../../src/temporal/worker.js';

/** A fresh database with Herald's schema, on the run's embedded PostgreSQL. */
export async function createTestDatabase(): Promise<{ url: string; db: HeraldDb; drop(): Promise<void> }> {
  const adminUrl = inject('postgresAdminUrl');
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

export function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } },
  });
}

export function startLocalEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: inject('temporalCli') }, ui: false },
  });
}

export interface Harness {
  env: TestWorkflowEnvironment;
  db: HeraldDb;
  databaseUrl: string;
  tasks: TaskRepository;
  sink: SmtpSink;
  service: TaskService;
  templates: TemplateRegistry;
  /** Built-in and server templates, as the send step resolves them. */
  resolver: TemplateResolver;
  taskQueue: string;
  logger: Logger;
  /** Now, on the Temporal server's clock (which time skipping moves ahead of the wall clock). */
  now(): Date;
  /** Re-reads the Temporal server's clock; call before each test on a time-skipping server. */
  syncClock(): Promise<void>;
  startWorker(): Promise<HeraldWorker>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env: TestWorkflowEnvironment;
  clock?: () => Date;
  guardRails?: GuardRails;
  /** Start a worker right away (default true). */
  worker?: boolean;
  /** How outcome notices reach requesters (default: logged). */
  notifier?: OutcomeNotifier;
  /** MAIL_PREPARE_LEAD; default 60 s on a real-time server, 0 on a time-skipping one. */
  prepareLeadMs?: number;
}

export async function createHarness(options: HarnessOptions): Promise<Harness> {
  const { env } = options;
  const database = await createTestDatabase();
  const sink = await SmtpSink.start({ logger });
  const tasks = new TaskRepository(database.db);
  const templates = TemplateRegistry.load();
  const resolver = new TemplateResolver(templates, new ServerTemplateRepository(database.db));
  const taskQueue = `herald-test-${randomUUID().slice(0, 8)}`;
  // The service reads "now" from the Temporal server's clock, as the workflows do.
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const config = { mailRetry: { maximumAttempts: 3, initialIntervalMs: 5_000, backoffCoefficient: 2 } };
  // Time-skipping servers jump their clock, which a hold in the worker (real time) cannot follow.
  const prepareLeadMs = options.prepareLeadMs ?? (env.supportsTimeSkipping ? 0 : 60_000);
  const service = new TaskService({
    repository: tasks,
    temporal: env.client,
    templates,
    taskQueue,
    retryPolicy: mailRetryPolicy(config),
    logger,
    guardRails: options.guardRails,
    clock: options.clock ?? now,
    prepareLeadMs,
    notifyOutcomes: true,
  });
  const mailer = createMailer({ url: sink.url, from: 'Herald <herald@example.test>', poolMaxConnections: 2 });

  let worker: HeraldWorker | undefined;
  let running: Promise<void> | undefined;
  const harness: Harness = {
    env,
    db: database.db,
    databaseUrl: database.url,
    tasks,
    sink,
    service,
    templates,
    resolver,
    taskQueue,
    logger,
    now,
    async syncClock() {
      offsetMs = (await env.currentTimeMs()) - Date.now();
    },
    async startWorker() {
      worker = await createHeraldWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        tuning: { maxCachedWorkflows: 100, maxConcurrentActivities: 200, maxConcurrentWorkflowTasks: 10 },
        deps: { tasks, templates: resolver, mailer, logger, notifier: options.notifier ?? new LogNotifier(logger) },
      });
      running = worker.run();
      return worker;
    },
    async stopWorker() {
      worker?.shutdown();
      await running;
      worker = undefined;
    },
    async close() {
      await harness.stopWorker();
      mailer.close();
      await sink.close();
      await database.drop();
    },
  };
  await harness.syncClock();
  if (options.worker !== false) await harness.startWorker();
  return harness;
}

/** The instant `minutes` after `from`. */
export function minutesFrom(from: Date, minutes: number): Date {
  return new Date(from.getTime() + minutes * 60_000);
}
