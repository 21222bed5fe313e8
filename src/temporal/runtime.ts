// Routes the Temporal SDK's own logs into Herald's logger, and serves its metrics on a Prometheus
// address when given one (src/ops/temporal-metrics.ts). Must run before any worker connection.
import { DefaultLogger, type LogEntry, Runtime } from '@temporalio/worker';
import type { Logger } from '../logger.js';

let installed = false;

/** Installs the runtime once per process; false if it was installed already (the first call wins). */
export function installTemporalRuntime(logger: Logger, options: { prometheusBindAddress?: string } = {}): boolean {
  if (installed) return false;
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    // Herald stops its workers itself, in order (holds first), when it gets a signal.
    shutdownSignals: [],
    ...(options.prometheusBindAddress && { telemetryOptions: { metrics: { prometheus: { bindAddress: options.prometheusBindAddress } } } }),
    logger: new DefaultLogger('INFO', (entry: LogEntry) => {
      const { message, meta } = entry;
      // Each failed attempt is already logged by the activity with its task id; keep the SDK's copy quiet.
      if (message === 'Activity failed' || message === 'Worker state changed') {
        sdkLogger.debug(meta ?? {}, message);
        return;
      }
      const level = entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : 'debug';
      sdkLogger[level](meta ?? {}, message);
    }),
  });
  installed = true;
  return true;
}
