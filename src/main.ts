// Herald's entry point.
//   all (default): PostgreSQL, Temporal and SMTP (embedded unless configured), the worker, and a
//                  front end: the Discord bot with DISCORD_TOKEN, otherwise the console.
//   worker | bot:  one part only, against configured servers (as in docker-compose.yml).
import { Writable } from 'node:stream';
import { startDiscordBot } from './bot/bot.js';
import { ConsoleFrontEnd } from './console/console.js';
import { ConfigError, loadConfig } from './config.js';
import { Secrets, createLogger, redactUrl } from './logger.js';
import { startOps } from './ops/ops.js';
import { startHerald } from './runtime/herald.js';
import { startInfrastructure } from './runtime/infrastructure.js';
import { CleanupStack } from './util/cleanup-stack.js';
import { handleShutdownSignals } from './runtime/signals.js';

const MODES = ['all', 'worker', 'bot'] as const;
type Mode = (typeof MODES)[number];

async function main(): Promise<void> {
  const mode = (process.argv[2] ?? 'all') as Mode;
  if (!MODES.includes(mode)) {
    console.error(`Unknown mode "${mode}". Use one of: ${MODES.join(', ')}.`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
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
  secrets.add(config.discord.token, config.temporal.apiKey);
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
    const ops = await startOps(config, logger, { temporalWorker: mode !== 'bot' });
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
    const herald = await startHerald(config, infrastructure, logger, { worker: mode !== 'bot' });
    stops.push(() => herald.stop());
    void herald.workerDone?.then(() => {
      if (!stopping) void shutdown('worker stopped').then(() => process.exit(1));
    });

    if (discord && mode !== 'worker') {
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
    ops.started();
    if (interactive) {
      const frontEnd = new ConsoleFrontEnd({ commands: herald.commands, locale: config.defaults.locale });
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
