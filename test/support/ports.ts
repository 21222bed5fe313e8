import { isPortFree } from '../../src/infra/temporal-dev-server.js';
import { MAX_MEMBERSHIP_PORT, serverPortsFrom, TEMPORAL_SERVICES, type TemporalServerPorts } from '../../src/infra/temporal-server.js';

/** Ports this process handed out already: each goes to one caller only. */
const handedOut = new Set<number>();

/**
 * A TCP port free a moment ago on 127.0.0.1, for a server the caller (or its child) starts next.
 * Taken below 32768, out of the kernel's ephemeral range: there, any outgoing connection or
 * port-0 listener on the machine (many, with test files in parallel) may take it first.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 10_000));
    if (!handedOut.has(port) && (await isPortFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
}

/**
 * Eight distinct free ports for the Temporal server's services (gRPC and membership each), below
 * 32768: Temporal stores membership ports as a SMALLINT, and the ephemeral range starts above it.
 */
export async function freeServerPorts(): Promise<TemporalServerPorts> {
  const ports: Partial<TemporalServerPorts> = {};
  for (const service of TEMPORAL_SERVICES) ports[service] = { grpc: await freePort(), membership: await freePort() };
  return ports as TemporalServerPorts;
}

/** A frontend port (TEMPORAL_DEV_PORT) whose whole Temporal server layout (serverPortsFrom) is free. */
export async function freeServerFrontendPort(): Promise<number> {
  for (;;) {
    const frontend = 10_300 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 10_300));
    const ports = serverPortsFrom(frontend);
    const all = TEMPORAL_SERVICES.flatMap((service) => [ports[service].grpc, ports[service].membership]);
    if ((await Promise.all(all.map(isPortFree))).every(Boolean)) return frontend;
  }
}
