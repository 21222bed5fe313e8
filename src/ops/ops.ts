// Operations for one Herald process: the metrics and health server on METRICS_PORT, started before
// anything else so /healthz answers during start-up, and /readyz says "not ready" until started().
import type { Config } from '../config.js';
import { type Logger, redactUrl } from '../logger.js';
import { collectProcessMetrics, registry } from './metrics.js';
import { readiness } from './readiness.js';
import { startOpsServer } from './server.js';
import { enableTemporalCoreMetrics } from './temporal-metrics.js';

export interface Ops {
  /** Where /metrics, /healthz and /readyz answer; undefined when METRICS_PORT is off. */
  url?: string;
  /** Start-up is over: /readyz now reports the parts' own checks. */
  started(): void;
  stop(): Promise<void>;
}

export interface StartOpsOptions {
  /** This process runs a Temporal worker, so the SDK's runtime metrics are worth serving. */
  temporalWorker: boolean;
}

export async function startOps(config: Config, logger: Logger, options: StartOpsOptions): Promise<Ops> {
  const { port, host } = config.metrics;
  if (port === undefined) return { started: () => undefined, stop: async () => undefined };
  collectProcessMetrics();
  const temporalMetrics = options.temporalWorker ? await enableTemporalCoreMetrics(logger) : undefined;
  const starting = readiness.hold('start-up', 'Herald is starting');
  const server = await startOpsServer({ host, port, readiness, registry, extraMetrics: temporalMetrics });
  logger.info(
    { metrics: redactUrl(`${server.url}/metrics`), health: redactUrl(`${server.url}/healthz`), ready: redactUrl(`${server.url}/readyz`) },
    'operations endpoints listening',
  );
  return {
    url: server.url,
    started: starting,
    async stop() {
      starting();
      await server.close();
    },
  };
}
