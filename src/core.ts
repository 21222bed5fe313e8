// Herald's parts, wired once: repositories, templates, the mailer (when this process sends), the
// scheduler, TaskService, the reconciler and the commands front ends call. The runtime, the test
// harness, the bench and the chaos run all build Herald here; only what they pass in differs.
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { ActivityDeps } from './activities/index.js';
import { HeraldCommands } from './app/commands.js';
import type { Config } from './config.js';
import type { HeraldDb } from './db/database.js';
import { SeriesRepository } from './db/series-repository.js';
import { ServerTemplateRepository } from './db/server-template-repository.js';
import { TaskRepository } from './db/task-repository.js';
import { UserSettingsRepository } from './db/user-settings-repository.js';
import { mailRetryPolicy } from './domain/retry-policy.js';
import type { Logger } from './logger.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { ServerTemplateService } from './mail/server-template-service.js';
import { TemplateResolver } from './mail/template-resolver.js';
import { TemplateRegistry } from './mail/templates.js';
import { DiscordDmNotifier, LogNotifier, type OutcomeNotifier } from './notify/outcome-notifier.js';
import { DiscordMembershipChecker, type MembershipChecker } from './tasks/membership.js';
import { Reconciler } from './tasks/reconciler.js';
import { SeriesService } from './tasks/series-service.js';
import { WorkflowStarter } from './tasks/workflow-starter.js';
import { TaskService, type TaskServiceDeps } from './tasks/task-service.js';
import { type TaskScheduler, TemporalTaskScheduler } from './temporal/mail-task-scheduler.js';
import { createHeraldWorker, type HeraldWorker } from './temporal/worker.js';

/** What the process provides; `clock` and `newTaskId` (for tests) go to TaskService and the scheduler. */
export interface CoreDeps extends Pick<TaskServiceDeps, 'clock' | 'newTaskId'> {
  db: HeraldDb;
  temporal: Client;
  logger: Logger;
  /** The SMTP server this process sends through; without one it does not send (no mailer, no worker). */
  smtpUrl?: string;
  /**
   * How requesters hear how their reservations ended. Giving one turns the notices on; by default
   * they go out as Discord DMs when the bot has a token, and are off otherwise.
   */
  notifier?: OutcomeNotifier;
  /**
   * How the worker checks that a requester is still in the task's server before sending. By
   * default through Discord when the bot has a token; without one, nothing is checked.
   */
  membership?: MembershipChecker;
}

export interface Core {
  tasks: TaskRepository;
  /** Repeating reservations (issue 11): their rows, and their rules. */
  seriesRepository: SeriesRepository;
  series: SeriesService;
  userSettings: UserSettingsRepository;
  templates: TemplateRegistry;
  /** Built-in and server templates: the one place a template name is resolved. */
  resolver: TemplateResolver;
  /** What a server's admins do with its own templates. */
  serverTemplates: ServerTemplateService;
  scheduler: TaskScheduler;
  service: TaskService;
  /** Built, not started: the runtime starts it, tests run it when they choose. */
  reconciler: Reconciler;
  /**
   * The outbox starter (RESERVATION_START=outbox). Built, not started: the runtime starts it where
   * a worker runs; backlog() works anywhere (the bench and the metrics read it).
   */
  starter: WorkflowStarter;
  commands: HeraldCommands;
  /** Only when this process sends. */
  mailer?: Mailer;
  /** A worker for the mail-task workflow and its activities on `connection`; needs `smtpUrl`. */
  createWorker(connection: NativeConnection): Promise<HeraldWorker>;
  /** Stops the reconciler and closes the mailer. The database and the Temporal client are the caller's. */
  close(): Promise<void>;
}

export function createCore(config: Config, deps: CoreDeps): Core {
  const { db, temporal, logger, clock } = deps;
  const tasks = new TaskRepository(db);
  const userSettings = new UserSettingsRepository(db);
  const templates = TemplateRegistry.load();
  const serverTemplateRepository = new ServerTemplateRepository(db);
  const resolver = new TemplateResolver(templates, serverTemplateRepository);
  const serverTemplates = new ServerTemplateService({ repository: serverTemplateRepository, resolver, logger: logger.child({ component: 'templates' }) });
  const notifyOutcomes = deps.notifier !== undefined || config.discord.token !== undefined;
  // One of each, shared by the worker's activities and (the notifier) the reconciler.
  const notifier = deps.notifier ?? defaultNotifier(config, logger);
  const membership = deps.membership ?? defaultMembership(config);
  const scheduler = new TemporalTaskScheduler({
    client: temporal,
    taskQueue: config.temporal.taskQueue,
    retryPolicy: mailRetryPolicy(config),
    prepareLeadMs: config.delivery.prepareLeadMs,
    notifyOutcomes,
    staleSendAfterMs: config.delivery.staleSendAfterMs,
    catchupWindowMs: config.repeat.catchupWindowMs,
    clock,
  });
  const seriesRepository = new SeriesRepository(db);
  const seriesService = new SeriesService({
    series: seriesRepository,
    tasks,
    scheduler,
    logger: logger.child({ component: 'series' }),
    guardRails: config.guardRails,
    repeat: config.repeat,
    clock,
  });
  // The outbox starter runs where a worker runs (startHerald); any process may read its backlog.
  const starter = new WorkflowStarter({
    repository: tasks,
    scheduler,
    logger: logger.child({ component: 'outbox' }),
    concurrency: config.delivery.startConcurrency,
    prepareLeadMs: config.delivery.prepareLeadMs,
    wakeBudget: config.delivery.wakeBudget,
    clock,
  });
  const service = new TaskService({
    repository: tasks,
    scheduler,
    ...(config.delivery.reservationStart === 'outbox' && { outbox: starter }),
    templates,
    resolver,
    logger: logger.child({ component: 'tasks' }),
    defaultTimeZone: config.defaults.timeZone,
    endOfDayHour: config.defaults.endOfDayHour,
    guardRails: config.guardRails,
    clock,
    newTaskId: deps.newTaskId,
    series: { service: seriesService, repository: seriesRepository },
  });
  const reconciler = new Reconciler({
    repository: tasks,
    scheduler,
    logger: logger.child({ component: 'reconciler' }),
    intervalMs: config.delivery.reconcileIntervalMs,
    staleSendAfterMs: config.delivery.staleSendAfterMs,
    notifier: notifyOutcomes ? notifier : undefined,
    series: seriesService,
  });
  const commands = new HeraldCommands(service, logger.child({ component: 'commands' }), userSettings, config.defaults, {
    allowedGuildIds: config.discord.allowedGuildIds,
    serverTemplates: { service: serverTemplates, resolver },
  });
  const mailer = deps.smtpUrl
    ? createMailer({ url: deps.smtpUrl, from: config.smtp.from, poolMaxConnections: config.smtp.poolMaxConnections, dkim: config.dkim })
    : undefined;
  const activityDeps = (): Omit<ActivityDeps, 'shuttingDown'> => {
    if (!mailer) throw new Error('This Herald does not send: createCore was given no smtpUrl');
    return {
      tasks,
      templates: resolver,
      mailer,
      logger: logger.child({ component: 'worker' }),
      notifier,
      membership,
      seriesRuns: seriesService,
    };
  };

  return {
    tasks,
    seriesRepository,
    series: seriesService,
    userSettings,
    templates,
    resolver,
    serverTemplates,
    scheduler,
    service,
    reconciler,
    starter,
    commands,
    mailer,
    createWorker: (connection) =>
      createHeraldWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        tuning: config.worker,
        deps: activityDeps(),
      }),
    async close() {
      await starter.stop();
      await reconciler.stop();
      mailer?.close();
    },
  };
}

/** DMs through Discord when the bot has a token; otherwise notices go to the log (console use). */
function defaultNotifier(config: Config, logger: Logger): OutcomeNotifier {
  const log = logger.child({ component: 'notices' });
  const { token, apiUrl } = config.discord;
  return token ? new DiscordDmNotifier({ token, apiUrl }, log) : new LogNotifier(log);
}

/** Requesters' membership is checked through Discord when the bot has a token. */
function defaultMembership(config: Config): MembershipChecker | undefined {
  const { token, apiUrl } = config.discord;
  return token ? new DiscordMembershipChecker({ token, apiUrl }) : undefined;
}
