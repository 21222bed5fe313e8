// Connection settings shared by the client and the worker: address, namespace, TLS or API key.
import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config.js';

export interface TemporalTarget {
  address: string;
  namespace: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** The TLS settings from config, reading the certificate files once at start-up. */
export function temporalTlsFrom(config: Config['temporal']): TLSConfig | undefined {
  const tls = config.tls;
  if (!tls) return undefined;
  const read = (file: string, variable: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`${variable}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: tls.caPath ? read(tls.caPath, 'TEMPORAL_TLS_CA_PATH') : undefined,
    clientCertPair:
      tls.certPath && tls.keyPath
        ? { crt: read(tls.certPath, 'TEMPORAL_TLS_CERT_PATH'), key: read(tls.keyPath, 'TEMPORAL_TLS_KEY_PATH') }
        : undefined,
  };
}
