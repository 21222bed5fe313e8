// The three real parts Herald needs, each either given by URL/address or started locally:
// PostgreSQL (DATABASE_URL, else embedded), Temporal (TEMPORAL_ADDRESS, else the CLI dev server, or
// with TEMPORAL_MODE=server the Temporal server on the embedded PostgreSQL),
// SMTP (SMTP_URL, else the local sink).
import path from 'node:path';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { SmtpSink } from '../infra/smtp-sink.js';
import { type RunningTemporal, startTemporalDevServer } from '../infra/temporal-dev-server.js';
import { serverPortsFrom, startTemporalServer } from '../infra/temporal-server.js';
import { ensureTemporalServerBinaries, GoMissingError } from '../infra/temporal-server-build.js';
import { ensureTemporalBinaries } from '../infra/tools.js';
import type { Logger } from '../logger.js';
import { CleanupStack } from '../util/cleanup-stack.js';

export interface Infrastructure {
  databaseUrl: string;
  temporalAddress: string;
  smtpUrl: string;
  /** The local sink, when Herald started one. */
  smtpSink?: SmtpSink;
  /** Stops what was started here, in reverse order. */
  stop(): Promise<void>;
}

export async function startInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  const stops = new CleanupStack();
  const stop = () => stops.run();
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const postgres = await startEmbeddedPostgres({
        dataDir: config.database.embeddedDir,
        port: config.database.embeddedPort,
        database: 'herald',
        logger: logger.child({ component: 'postgres' }),
      });
      stops.push(() => postgres.stop());
      databaseUrl = postgres.url;
    }

    let temporalAddress = config.temporal.address;
    if (!temporalAddress) {
      const temporal = await startLocalTemporal(config, databaseUrl, logger.child({ component: 'temporal' }));
      stops.push(() => temporal.stop());
      temporalAddress = temporal.address;
    }

    let smtpUrl = config.smtp.url;
    let smtpSink: SmtpSink | undefined;
    if (!smtpUrl) {
      smtpSink = await SmtpSink.start({
        port: config.smtp.sinkPort,
        dir: path.join(config.smtp.sinkDir),
        logger: logger.child({ component: 'smtp-sink' }),
      });
      const sink = smtpSink;
      stops.push(() => sink.close());
      smtpUrl = sink.url;
    }
    return { databaseUrl, temporalAddress, smtpUrl, smtpSink, stop };
  } catch (err) {
    await stops.run((stopErr) => logger.error({ err: stopErr }, 'stopping after a failed start failed'));
    throw err;
  }
}

/** The dev server, or in server mode the Temporal server on PostgreSQL (the dev server if Go is missing). */
async function startLocalTemporal(config: Config, databaseUrl: string, logger: Logger): Promise<RunningTemporal> {
  const { cli } = await ensureTemporalBinaries({ ...process.env, TEMPORAL_CLI_PATH: config.temporal.cliPath });
  if (config.temporal.mode === 'server') {
    const binaries = await ensureTemporalServerBinaries({ onProgress: (line) => logger.info(line) }).catch((err: unknown) => {
      if (!(err instanceof GoMissingError)) throw err;
      logger.warn(`${err.message} Running the Temporal dev server instead, as with TEMPORAL_MODE=dev.`);
      return undefined;
    });
    if (binaries) {
      return startTemporalServer({
        binaries,
        cliPath: cli,
        dataDir: config.temporal.server.dataDir,
        postgresUrl: databaseUrl,
        historyShards: config.temporal.server.historyShards,
        dynamicConfigFile: config.temporal.server.dynamicConfigFile,
        ports: serverPortsFrom(config.temporal.devPort),
        namespace: config.temporal.namespace,
        logger,
      });
    }
  }
  return startTemporalDevServer({
    cliPath: cli,
    dbFile: config.temporal.devDbFile,
    port: config.temporal.devPort,
    uiPort: config.temporal.devUiPort,
    namespace: config.temporal.namespace,
    logger,
  });
}
