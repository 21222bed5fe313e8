// The Temporal SDK's runtime metrics (Core: workflow and activity task latencies, pollers, slots,
// sticky cache, request failures) on Herald's /metrics. Core serves Prometheus text from its own
// HTTP server (sdk-core's prometheus_server.rs: a listener bound at Runtime creation, GET /metrics)
// and does not tell JavaScript which port it bound, so Herald picks a free loopback port for it
// and /metrics fetches that page and appends it after Herald's own metrics. Core's names all start
// with `temporal_`, Herald's with `herald_`, so the two never share a metric family.
import { freePort } from '../infra/free-port.js';
import type { Logger } from '../logger.js';
import { installTemporalRuntime } from '../temporal/runtime.js';

const SCRAPE_TIMEOUT_MS = 2_000;

/**
 * Installs the Temporal runtime with a Prometheus exporter on 127.0.0.1 and returns the function
 * that reads it; undefined when the runtime was installed already without one.
 */
export async function enableTemporalCoreMetrics(logger: Logger): Promise<(() => Promise<string>) | undefined> {
  const port = await freePort();
  if (!installTemporalRuntime(logger, { prometheusBindAddress: `127.0.0.1:${port}` })) {
    logger.warn('the Temporal runtime was installed before the metrics server: Temporal SDK metrics are left out of /metrics');
    return undefined;
  }
  const url = `http://127.0.0.1:${port}/metrics`;
  return async () => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return await response.text();
    } catch (err) {
      // The runtime shuts down with the last worker (at exit); Herald's own metrics still count.
      return `# Temporal SDK metrics unavailable: ${String((err as Error).message).replace(/\s+/g, ' ')}\n`;
    }
  };
}
