// The three real parts Herald needs, each either given by URL/address or started locally:
// PostgreSQL (DATABASE_URL, else embedded), Temporal (TEMPORAL_ADDRESS, else the CLI dev server),
// SMTP (SMTP_URL, else the local sink).
import path from 'node:path';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { SmtpSink } from '../infra/smtp-sink.js';
import { startTemporalDevServer } from '../infra/temporal-dev-server.js';
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
      const binaries = await ensureTemporalBinaries({ ...process.env, TEMPORAL_CLI_PATH: config.temporal.cliPath });
      const temporal = await startTemporalDevServer({
        cliPath: binaries.cli,
        dbFile: config.temporal.devDbFile,
        port: config.temporal.devPort,
        uiPort: config.temporal.devUiPort,
        namespace: config.temporal.namespace,
        logger: logger.child({ component: 'temporal' }),
      });
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
