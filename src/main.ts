// Herald's entry point.
//   all (default): PostgreSQL, Temporal and SMTP (embedded unless configured), the worker, and a
//                  front end: the Discord bot with DISCORD_TOKEN, otherwise the console.
//   worker | bot | web:  one part only, against configured servers (as in docker-compose.yml);
//                  web is the dashboard (src/web), which `all` also serves unless DASHBOARD_PORT=0.
import { Writable } from 'node:stream';
import { localServerId } from './app/local-server.js';
import { startDiscordBot } from './bot/bot.js';
import { ConsoleFrontEnd } from './console/console.js';
import { ConfigError, loadConfig } from './config.js';
import { Secrets, createLogger, redactUrl } from './logger.js';
import { startOps } from './ops/ops.js';
import { startHerald } from './runtime/herald.js';
import { startInfrastructure } from './runtime/infrastructure.js';
import { CleanupStack } from './util/cleanup-stack.js';
import { handleShutdownSignals } from './runtime/signals.js';
import { wt } from './i18n/web.js';
import { DiscordAuth } from './web/discord-auth.js';
import { LocalSignIn } from './web/local-sign-in.js';
import { type SignInMode, startDashboard } from './web/server.js';
import { type DashboardPlan, dashboardPlan } from './web/settings.js';

const MODES = ['all', 'worker', 'bot', 'web'] as const;
type Mode = (typeof MODES)[number];

async function main(): Promise<void> {
  const mode = (process.argv[2] ?? 'all') as Mode;
  if (!MODES.includes(mode)) {
    console.error(`Unknown mode "${mode}". Use one of: ${MODES.join(', ')}.`);
    process.exit(2);
  }
  let config;
  let dashboard: DashboardPlan;
  try {
    config = loadConfig();
    dashboard = dashboardPlan(config, mode);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const discord = config.discord.token !== undefined;
  const interactive = mode === 'all' && !discord && process.stdin.isTTY === true;
  const pretty = config.env !== 'production' && process.stdout.isTTY === true;
  // At a terminal the console front end owns stdout: log lines go through it, above the prompt.
  const logOutput = new SwitchableStream(process.stdout);
  const secrets = new Secrets();
  secrets.add(config.discord.token, config.temporal.apiKey, config.discord.clientSecret, config.dashboard.sessionSecret);
  secrets.addUrlPassword(config.database.url);
  secrets.addUrlPassword(config.smtp.url);
  const logger = createLogger({ level: config.logLevel, pretty, destination: logOutput, secrets });
  if (mode !== 'all' && (!config.database.url || !config.temporal.address)) {
    logger.fatal(`Mode "${mode}" runs one part of Herald against shared servers: set DATABASE_URL and TEMPORAL_ADDRESS.`);
    process.exit(1);
  }
  if (mode === 'bot' && !discord) {
    logger.fatal('Mode "bot" is the Discord front end: set DISCORD_TOKEN and DISCORD_APPLICATION_ID.');
    process.exit(1);
  }

  const stops = new CleanupStack();
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      await stops.run((err) => logger.error({ err }, 'error during shutdown'));
      logger.info('stopped');
    })();
    return stopping;
  };
  // Started by a supervisor over IPC (a benchmark, a process manager): stop when it goes away.
  if (process.send) process.once('disconnect', () => void shutdown('parent exited').then(() => process.exit(0)));
  handleShutdownSignals({
    shutdown: (signal) => void shutdown(signal).then(() => process.exit(0)),
    exitNow: (signal) => {
      logger.warn({ signal }, 'second signal: exiting now; the servers Herald started are stopped at once');
      process.exit(1);
    },
    ignored: (signal) => logger.debug({ signal }, 'signal ignored: already shutting down'),
  });

  try {
    const ops = await startOps(config, logger, { temporalWorker: mode === 'all' || mode === 'worker' });
    stops.push(() => ops.stop());
    const infrastructure = await startInfrastructure(config, logger);
    stops.push(() => infrastructure.stop());
    secrets.addUrlPassword(infrastructure.databaseUrl); // embedded PostgreSQL's generated password
    // Where Herald is connected, with the passwords left out of the URLs.
    logger.info(
      {
        database: redactUrl(infrastructure.databaseUrl),
        temporal: infrastructure.temporalAddress,
        smtp: redactUrl(infrastructure.smtpUrl),
        discord: discord ? redactUrl(config.discord.apiUrl) : 'off',
      },
      'using these servers',
    );
    const herald = await startHerald(config, infrastructure, logger, { worker: mode === 'all' || mode === 'worker' });
    stops.push(() => herald.stop());
    void herald.workerDone?.then(() => {
      if (!stopping) void shutdown('worker stopped').then(() => process.exit(1));
    });

    if (discord && (mode === 'all' || mode === 'bot')) {
      const bot = await startDiscordBot({
        token: config.discord.token!,
        apiUrl: config.discord.apiUrl,
        requiredPermission: config.discord.requiredPermission,
        adminPermission: config.discord.adminPermission,
        commands: herald.commands,
        logger,
      });
      stops.push(() => bot.stop());
    }
    let signInLink: (() => string) | undefined;
    if (dashboard.run) {
      const signIn: SignInMode =
        dashboard.signIn === 'discord'
          ? {
              kind: 'discord',
              auth: new DiscordAuth({
                clientId: config.discord.applicationId!,
                clientSecret: config.discord.clientSecret!,
                apiUrl: config.discord.apiUrl,
                redirectUri: `${config.dashboard.publicUrl}/auth/callback`,
                allowedGuildIds: dashboard.allowedGuildIds,
                requiredPermission: config.discord.requiredPermission,
                adminPermission: config.discord.adminPermission,
              }),
            }
          : {
              kind: 'local',
              links: new LocalSignIn(),
              userId: CONSOLE_USER_ID,
              userName: CONSOLE_USER_ID,
              // A server on the allowed list when there is one (HeraldCommands refuses any other), so
              // tasks made here can carry on once the bot runs in it.
              guild: { id: localServerId(config), name: wt(config.defaults.locale, 'localServer'), admin: true },
            };
      const web = await startDashboard({ config, commands: herald.commands, logger, signIn, port: dashboard.port, host: config.dashboard.host });
      stops.push(() => web.close());
      signInLink = web.signInLink;
      if (dashboard.generatedSessionKey) logger.warn('SESSION_SECRET is not set: the dashboard uses a random key, so sign-ins end when Herald stops');
      logger.info({ url: config.dashboard.publicUrl, listening: web.url }, `web dashboard on ${config.dashboard.publicUrl}`);
      // The local user's way in; printed again by the console's `web` command.
      if (signInLink) logger.info(`sign in to the dashboard (once, within 15 minutes): ${signInLink()}`);
    } else if (dashboard.reason && mode === 'all') {
      logger.warn({ reason: dashboard.reason }, `web dashboard off: ${dashboard.reason}`);
    }
    ops.started();
    if (interactive) {
      const frontEnd = new ConsoleFrontEnd({
        commands: herald.commands,
        locale: config.defaults.locale,
        userId: CONSOLE_USER_ID,
        templateServer: localServerId(config),
        signInLink,
      });
      stops.push(async () => {
        frontEnd.close();
        logOutput.target = process.stdout;
      });
      logOutput.target = frontEnd.logStream();
      void frontEnd.run(() => void shutdown('console closed').then(() => process.exit(0)));
      logger.info({ mode }, 'Herald is running');
    } else if (mode === 'all') {
      logger.info(discord ? 'Discord front end on' : 'no terminal, so no console front end; stop with Ctrl-C or SIGTERM');
    }
    if (!interactive) logger.info({ mode }, 'Herald is running');
  } catch (err) {
    logger.fatal({ err }, 'Herald could not start');
    await shutdown('start-up failed');
    process.exit(1);
  }
}

/** Who the console is, and so who the dashboard's one-time link signs in, without Discord. */
const CONSOLE_USER_ID = 'console';

/** Forwards writes to whichever stream is current, so the log destination can change after start-up. */
class SwitchableStream extends Writable {
  constructor(public target: NodeJS.WritableStream) {
    super();
  }
  // Passed straight through, without waiting for the target's callback: otherwise the next lines
  // queue here and the last ones ("stopped") are lost when the process exits right after them.
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.target.write(chunk);
    callback();
  }
}

void main();
