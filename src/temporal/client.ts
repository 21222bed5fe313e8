// Herald's Temporal client.
import { Client, Connection } from '@temporalio/client';
import type { TemporalTarget } from './connection-options.js';

export async function createTemporalClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect({
    address: target.address,
    tls: target.tls,
    apiKey: target.apiKey,
    metadata: target.metadata,
  });
  return new Client({ connection, namespace: target.namespace });
}
