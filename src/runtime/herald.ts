// Herald in one process: the database (migrated), the Temporal client, the core (createCore), the
// reconciler running, and, unless this process only takes commands, a worker that sends and the
// outbox starter that starts reservations' workflows.
// Front ends get `commands`.
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { type Core, createCore } from '../core.js';
import { createDb, type HeraldDb, migrateToLatest } from '../db/database.js';
import type { Logger } from '../logger.js';
import { databaseCheck, temporalCheck, workerCheck } from '../ops/checks.js';
import { readiness } from '../ops/readiness.js';
import { createTemporalClient } from '../temporal/client.js';
import { type TemporalTarget, temporalTlsFrom } from '../temporal/connection-options.js';
import { installTemporalRuntime } from '../temporal/runtime.js';
import { connectWorker, type HeraldWorker } from '../temporal/worker.js';
import { CleanupStack } from '../util/cleanup-stack.js';

export interface HeraldAddresses {
  databaseUrl: string;
  temporalAddress: string;
  smtpUrl: string;
}

export interface Herald extends Omit<Core, 'close' | 'createWorker'> {
  db: HeraldDb;
  temporal: Client;
  worker?: HeraldWorker;
  /** Resolves when the worker stops (after shutdown, or if it fails). */
  workerDone?: Promise<void>;
  stop(): Promise<void>;
}

export interface StartHeraldOptions {
  /** Run a Temporal worker in this process (the default). */
  worker?: boolean;
  clock?: () => Date;
}

export async function startHerald(
  config: Config,
  addresses: HeraldAddresses,
  logger: Logger,
  options: StartHeraldOptions = {},
): Promise<Herald> {
  const cleanup = new CleanupStack();
  try {
    const db = createDb(addresses.databaseUrl, { poolMax: config.database.poolMax });
    cleanup.push(() => db.destroy());
    cleanup.push(readiness.register('database', databaseCheck(db)));
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

    const target: TemporalTarget = {
      address: addresses.temporalAddress,
      namespace: config.temporal.namespace,
      tls: temporalTlsFrom(config.temporal),
      apiKey: config.temporal.apiKey,
      metadata: config.temporal.grpcMeta,
    };
    const temporal = await createTemporalClient(target);
    cleanup.push(() => temporal.connection.close());
    cleanup.push(readiness.register('temporal', temporalCheck(temporal.connection)));

    const sends = options.worker !== false;
    const { createWorker, close, ...core } = createCore(config, {
      db,
      temporal,
      logger,
      smtpUrl: sends ? addresses.smtpUrl : undefined,
      clock: options.clock,
    });
    cleanup.push(close);
    core.reconciler.start();

    let worker: HeraldWorker | undefined;
    let workerDone: Promise<void> | undefined;
    if (sends) {
      installTemporalRuntime(logger);
      const connection = await connectWorker(target);
      cleanup.push(() => connection.close());
      const started = await createWorker(connection);
      workerDone = started.run().catch((err) => logger.error({ err }, 'worker stopped with an error'));
      cleanup.push(readiness.register('worker', workerCheck(started.worker)));
      const done = workerDone;
      cleanup.push(async () => {
        started.shutdown();
        await done;
      });
      worker = started;
      // Where a worker runs, so a deployment always has one starter per worker process.
      core.starter.start();
    }

    return { ...core, db, temporal, worker, workerDone, stop: () => cleanup.run() };
  } catch (err) {
    await cleanup.run((cleanupErr) => logger.error({ err: cleanupErr }, 'cleaning up after a failed start failed'));
    throw err;
  }
}
