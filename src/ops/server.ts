// The operations endpoints: GET /metrics (Prometheus text), /healthz (alive) and /readyz (every
// readiness check passes). `opsHandler` can be mounted in another node:http server (the web
// process); `startOpsServer` runs it on a port of its own (METRICS_PORT).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.js';

export interface OpsEndpoints {
  readiness: Readiness;
  registry: Registry;
  /** More Prometheus text appended to /metrics (the Temporal SDK's own metrics). */
  extraMetrics?: () => Promise<string>;
}

/** Answers the ops paths; returns false (and writes nothing) for any other path. */
export function opsHandler(endpoints: OpsEndpoints): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/healthz' && path !== '/readyz') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    const respond = async () => {
      if (path === '/healthz') return send(res, 200, 'application/json', JSON.stringify({ alive: true }));
      if (path === '/readyz') {
        const report = await endpoints.readiness.check();
        return send(res, report.ready ? 200 : 503, 'application/json', JSON.stringify(report));
      }
      const own = await endpoints.registry.metrics();
      const extra = endpoints.extraMetrics ? await endpoints.extraMetrics() : '';
      return send(res, 200, endpoints.registry.contentType, extra ? `${own}\n${extra}` : own);
    };
    respond().catch((err: unknown) => send(res, 500, 'text/plain', `${(err as Error).message ?? String(err)}\n`));
    return true;
  };
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

export interface OpsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsEndpoints & { host: string; port: number }): Promise<OpsServer> {
  const handle = opsHandler(options);
  const server = http.createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
  });
  // A scrape or probe is short: idle keep-alive sockets must not hold the shutdown up.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
