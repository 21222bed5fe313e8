// A TCP relay that can be stopped (new connections refused, open ones reset) and started again:
// how the tests take PostgreSQL away from one Herald without stopping the server the other test
// files share.
import net from 'node:net';
import { freePort } from './ports.js';

export class TcpProxy {
  private server?: net.Server;
  private sockets = new Set<net.Socket>();
  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(host: string, port: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), { host, port });
    await proxy.resume();
    return proxy;
  }

  /** A relay in front of the server a postgres:// URL names. */
  static async before(databaseUrl: string): Promise<TcpProxy> {
    const url = new URL(databaseUrl);
    return TcpProxy.start(url.hostname, Number(url.port));
  }

  /** `databaseUrl` with its host and port replaced by this relay's. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  get running(): boolean {
    return this.server?.listening ?? false;
  }

  resume(): Promise<void> {
    if (this.server?.listening) return Promise.resolve();
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server?.listening ? this.server.close(() => resolve()) : resolve()));
  }
}
