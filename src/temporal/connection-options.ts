// Connection settings shared by the client and the worker: address, namespace, TLS or API key.
import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config.js';
import type { TlsMaterial } from './envconfig.js';

export interface TemporalTarget {
  address: string;
  namespace: string;
  tls?: TLSConfig;
  apiKey?: string;
  /** gRPC headers sent with every call. */
  metadata?: Record<string, string>;
}

/** The TLS settings from config, reading the certificate files once at start-up. */
export function temporalTlsFrom(config: Config['temporal']): TLSConfig | undefined {
  const tls = config.tls;
  if (!tls) return undefined;
  const read = (material: TlsMaterial) => {
    if ('data' in material) return Buffer.from(material.data);
    try {
      return fs.readFileSync(material.path);
    } catch (err) {
      throw new Error(`${material.from}: cannot read ${material.path}: ${(err as Error).message}`);
    }
  };
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: tls.serverCaCert ? read(tls.serverCaCert) : undefined,
    clientCertPair: tls.clientCert && tls.clientKey ? { crt: read(tls.clientCert), key: read(tls.clientKey) } : undefined,
  };
}
