// Herald's composition root: database, Temporal client and worker, mailer and TaskService,
// wired from config and the infrastructure's addresses. Front ends get `commands`.
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { HeraldCommands } from '../app/commands.js';
import type { Config } from '../config.js';
import { createDb, type HeraldDb, migrateToLatest } from '../db/database.js';
import { TaskRepository } from '../db/task-repository.js';
import { UserSettingsRepository } from '../db/user-settings-repository.js';
import { mailRetryPolicy } from '../domain/retry-policy.js';
import type { Logger } from '../logger.js';
import { createMailer, type Mailer } from '../mail/mailer.js';
import { TemplateRegistry } from '../mail/templates.js';
import { databaseCheck, temporalCheck, workerCheck } from '../ops/checks.js';
import { readiness } from '../ops/readiness.js';
import { DiscordDmNotifier, LogNotifier, type OutcomeNotifier } from '../notify/outcome-notifier.js';
import { Reconciler } from '../tasks/reconciler.js';
import { TaskService } from '../tasks/task-service.js';
import { createTemporalClient } from '../temporal/client.js';
import { type TemporalTarget, temporalTlsFrom } from '../temporal/connection-options.js';
import { installTemporalRuntime } from '../temporal/runtime.js';
import { connectWorker, createHeraldWorker, type HeraldWorker } from '../temporal/worker.js';

/** DMs through Discord when the bot has a token; otherwise notices go to the log (console use). */
function outcomeNotifier(config: Config, logger: Logger): OutcomeNotifier {
  const log = logger.child({ component: 'notices' });
  const { token, apiUrl } = config.discord;
  return token ? new DiscordDmNotifier({ token, apiUrl }, log) : new LogNotifier(log);
}

export interface HeraldAddresses {
  databaseUrl: string;
  temporalAddress: string;
  smtpUrl: string;
}

export interface Herald {
  db: HeraldDb;
  tasks: TaskRepository;
  templates: TemplateRegistry;
  temporal: Client;
  service: TaskService;
  commands: HeraldCommands;
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
  const db = createDb(addresses.databaseUrl, { poolMax: config.database.poolMax });
  const cleanups: (() => Promise<void> | void)[] = [() => db.destroy()];
  cleanups.push(readiness.register('database', databaseCheck(db)));
  const cleanUp = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
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
    cleanups.push(() => temporal.connection.close());
    cleanups.push(readiness.register('temporal', temporalCheck(temporal.connection)));

    const tasks = new TaskRepository(db);
    const templates = TemplateRegistry.load();
    const service = new TaskService({
      repository: tasks,
      temporal,
      templates,
      taskQueue: config.temporal.taskQueue,
      retryPolicy: mailRetryPolicy(config),
      logger: logger.child({ component: 'tasks' }),
      defaultTimeZone: config.defaults.timeZone,
      guardRails: config.guardRails,
      prepareLeadMs: config.delivery.prepareLeadMs,
      notifyOutcomes: config.discord.token !== undefined,
      clock: options.clock,
    });
    const reconciler = new Reconciler({
      repository: tasks,
      service,
      logger: logger.child({ component: 'reconciler' }),
      intervalMs: config.delivery.reconcileIntervalMs,
    });
    reconciler.start();
    cleanups.push(() => reconciler.stop());

    const commands = new HeraldCommands(service, logger.child({ component: 'commands' }), new UserSettingsRepository(db), config.defaults);

    let worker: HeraldWorker | undefined;
    let workerDone: Promise<void> | undefined;
    if (options.worker !== false) {
      const mailer: Mailer = createMailer({
        url: addresses.smtpUrl,
        from: config.smtp.from,
        poolMaxConnections: config.smtp.poolMaxConnections,
        dkim: config.dkim,
      });
      cleanups.push(() => mailer.close());
      installTemporalRuntime(logger);
      const connection: NativeConnection = await connectWorker(target);
      cleanups.push(() => connection.close());
      worker = await createHeraldWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        tuning: config.worker,
        deps: { tasks, templates, mailer, logger: logger.child({ component: 'worker' }), notifier: outcomeNotifier(config, logger) },
      });
      const running = worker.run();
      cleanups.push(readiness.register('worker', workerCheck(worker.worker)));
      workerDone = running.catch((err) => logger.error({ err }, 'worker stopped with an error'));
      const w = worker;
      cleanups.push(async () => {
        w.shutdown();
        await workerDone;
      });
    }

    return { db, tasks, templates, temporal, service, commands, worker, workerDone, stop: cleanUp };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
