// Temporal connection settings from the standard places every Temporal SDK and the CLI read
// (@temporalio/envconfig): TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// TEMPORAL_TLS_CLIENT_CERT_PATH and the rest, and TOML profiles (TEMPORAL_CONFIG_FILE, else
// $XDG_CONFIG_HOME/temporalio/temporal.toml or ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE,
// else "default"), plus Herald's older names (TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH,
// TEMPORAL_TLS_CA_PATH).
//
// Precedence, the SDK's own: an environment variable beats the profile file, which beats Herald's
// default. Herald's older names are environment variables too; set together with the standard name
// for the same setting they must agree, or start-up stops naming the older one.
import fs from 'node:fs';
import { type ClientConfigProfile, type ConfigDataSource, loadClientConfigProfile } from '@temporalio/envconfig';

/** PEM material and where it came from (a variable or a profile), to name in errors. */
export type TlsMaterial = ({ path: string } | { data: string }) & { from: string };

export interface TemporalTlsConfig {
  clientCert?: TlsMaterial;
  clientKey?: TlsMaterial;
  serverCaCert?: TlsMaterial;
  serverName?: string;
}

export interface TemporalSettings {
  address?: string;
  namespace?: string;
  apiKey?: string;
  /** Undefined: plain TCP. */
  tls?: TemporalTlsConfig;
  /** gRPC headers (TEMPORAL_GRPC_META_*, a profile's grpc_meta). */
  grpcMeta?: Record<string, string>;
}

export interface SettingsProblem {
  variable: string;
  message: string;
}

/** Herald's older name → the standard name for the same setting. */
const OLDER_NAMES = {
  TEMPORAL_TLS_CERT_PATH: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY_PATH: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA_PATH: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

/**
 * The SDK's profile, file then environment. envconfig 1.24 fails with a TypeError on a file that
 * has no [profile.*] table at all (an empty temporal.toml): that file then gives nothing, unless a
 * profile was asked for by name.
 */
function loadProfile(env: Record<string, string>): ClientConfigProfile {
  try {
    return loadClientConfigProfile({ overrideEnvVars: env });
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    if (env.TEMPORAL_PROFILE !== undefined) throw new Error(`Profile '${env.TEMPORAL_PROFILE}' not found in config data`);
    return loadClientConfigProfile({ overrideEnvVars: env, disableFile: true });
  }
}

/**
 * Reads the settings. `env` holds only non-empty values; `tlsRequested` is Herald's parsed
 * TEMPORAL_TLS (true: TLS without client certificates). Problems name the variable to fix.
 */
export function resolveTemporalSettings(
  env: Record<string, string>,
  tlsRequested: boolean | undefined,
): { settings: TemporalSettings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const sdkEnv = { ...env };
  // TEMPORAL_TLS is Herald's boolean (true/false/yes/no/1/0), validated by config.ts; envconfig would
  // read "yes" as false and "false" as "TLS disabled even with an API key".
  delete sdkEnv.TEMPORAL_TLS;
  for (const [older, standard] of Object.entries(OLDER_NAMES)) {
    const value = env[older];
    if (value === undefined) continue;
    if (env[standard] !== undefined && env[standard] !== value) {
      problems.push({ variable: older, message: `differs from ${standard}; set only ${standard}` });
    }
    sdkEnv[standard] = value;
  }
  const configFile = env.TEMPORAL_CONFIG_FILE;
  if (configFile !== undefined && !fs.existsSync(configFile)) {
    problems.push({ variable: 'TEMPORAL_CONFIG_FILE', message: `no such file: ${configFile}` });
  }
  if (problems.length > 0) return { settings: {}, problems };

  let profile: ClientConfigProfile;
  try {
    profile = loadProfile(sdkEnv);
  } catch (err) {
    const message = (err as Error).message;
    const variable = /^Profile '/.test(message) ? 'TEMPORAL_PROFILE' : /Cannot specify both/.test(message) ? 'TEMPORAL_TLS' : 'TEMPORAL_CONFIG_FILE';
    return { settings: {}, problems: [{ variable, message }] };
  }

  const profileName = `profile "${env.TEMPORAL_PROFILE ?? 'default'}"`;
  const origin = (standard: string, older?: string) =>
    older !== undefined && env[older] !== undefined ? older : env[standard] !== undefined ? standard : profileName;
  const material = (source: ConfigDataSource | undefined, from: string): TlsMaterial | undefined => {
    if (source === undefined) return undefined;
    if ('path' in source) return { path: source.path, from };
    return { data: typeof source.data === 'string' ? source.data : Buffer.from(source.data).toString('utf8'), from };
  };
  const t = profile.tls;
  const tls: TemporalTlsConfig = {
    clientCert: material(t?.clientCert, origin('TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CERT_PATH')),
    clientKey: material(t?.clientKey, origin('TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_KEY_PATH')),
    serverCaCert: material(t?.serverCACert, origin('TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CA_PATH')),
    serverName: t?.serverName,
  };
  if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
    const has = tls.clientCert ?? tls.clientKey!;
    const missing =
      has.from === 'TEMPORAL_TLS_CERT_PATH' || has.from === 'TEMPORAL_TLS_KEY_PATH'
        ? { variable: tls.clientCert ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH', message: 'mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH' }
        : has.from.startsWith('TEMPORAL_')
          ? {
              variable: tls.clientCert ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH',
              message: 'mTLS needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH',
            }
          : { variable: 'TEMPORAL_CONFIG_FILE', message: `${profileName}: mTLS needs both client_cert and client_key` };
    problems.push(missing);
  }
  if (profile.apiKey !== undefined && profile.address === undefined) {
    problems.push({ variable: 'TEMPORAL_ADDRESS', message: 'TEMPORAL_API_KEY is set, so TEMPORAL_ADDRESS must name the cluster' });
  }

  // TLS is on when asked for, when the profile or variables give any TLS setting, or with an API
  // key (Temporal Cloud), unless the profile says `tls.disabled = true` and TEMPORAL_TLS does not.
  const disabled = t?.disabled === true && tlsRequested !== true;
  const anyTls = t !== undefined && t.disabled !== true;
  const useTls = !disabled && (tlsRequested === true || anyTls || profile.apiKey !== undefined);
  return {
    settings: {
      address: profile.address,
      namespace: profile.namespace,
      apiKey: profile.apiKey,
      tls: useTls ? Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined)) : undefined,
      grpcMeta: profile.grpcMeta,
    },
    problems,
  };
}
