import { isPortFree } from '../../src/infra/temporal-dev-server.js';
import { MAX_MEMBERSHIP_PORT, serverPortsFrom, TEMPORAL_SERVICES, type TemporalServerPorts } from '../../src/infra/temporal-server.js';

export { freePort } from '../../src/infra/free-port.js';

/**
 * Eight distinct free ports for the Temporal server's services (gRPC and membership each), below
 * 32768: Temporal stores membership ports as a SMALLINT, and the ephemeral range starts above it.
 */
export async function freeServerPorts(): Promise<TemporalServerPorts> {
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    for (;;) {
      const port = 10_000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 10_000));
      if (!taken.has(port) && (await isPortFree(port))) {
        taken.add(port);
        return port;
      }
    }
  };
  const ports: Partial<TemporalServerPorts> = {};
  for (const service of TEMPORAL_SERVICES) ports[service] = { grpc: await next(), membership: await next() };
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
