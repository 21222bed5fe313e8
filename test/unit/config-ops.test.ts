// loadConfig for the operations settings: Temporal's standard variables and profile files (with
// Herald's older names beside them), METRICS_PORT, and DKIM.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { temporalTlsFrom } from '../../src/temporal/connection-options.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError, but loadConfig returned');
}

const PROFILES = file(
  'temporal.toml',
  `
[profile.default]
address = "default-profile.example:7233"

[profile.prod]
address = "prod.a1b2c.tmprl.cloud:7233"
namespace = "prod.a1b2c"
api_key = "profile-api-key"

[profile.prod.tls]
server_name = "prod.internal"
server_ca_cert_path = "/etc/profile/ca.pem"

[profile.mtls]
address = "temporal.internal:7233"
[profile.mtls.tls]
client_cert_path = "/etc/profile/client.pem"
client_key_path = "/etc/profile/client.key"

[profile.plain]
address = "10.0.0.5:7233"
api_key = "key-behind-a-tls-proxy"
[profile.plain.tls]
disabled = true

[profile.half]
address = "temporal.internal:7233"
[profile.half.tls]
client_cert_path = "/etc/profile/client.pem"

[profile.keyonly]
api_key = "no-address"

[profile.headers]
address = "temporal.internal:7233"
[profile.headers.grpc_meta]
x-tenant = "herald"
`,
);

describe('Temporal: the standard variable names', () => {
  it('reads the standard mTLS paths, server CA and server name', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/tls/client.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/tls/client.key',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/tls/ca.pem',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(config.temporal.tls).toEqual({
      clientCert: { path: '/tls/client.pem', from: 'TEMPORAL_TLS_CLIENT_CERT_PATH' },
      clientKey: { path: '/tls/client.key', from: 'TEMPORAL_TLS_CLIENT_KEY_PATH' },
      serverCaCert: { path: '/tls/ca.pem', from: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH' },
      serverName: 'temporal.internal',
    });
  });

  it('a standard cert without its key names the standard key variable', () => {
    expect(problemsOf({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/tls/client.pem' })).toEqual([
      { variable: 'TEMPORAL_TLS_CLIENT_KEY_PATH', message: 'mTLS needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH' },
    ]);
  });

  it('takes an older name and the standard one together when they agree', () => {
    const config = loadConfig({
      TEMPORAL_TLS_CERT_PATH: '/tls/client.pem',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/tls/client.pem',
      TEMPORAL_TLS_KEY_PATH: '/tls/client.key',
    });
    expect(config.temporal.tls?.clientCert).toEqual({ path: '/tls/client.pem', from: 'TEMPORAL_TLS_CERT_PATH' });
    expect(config.temporal.tls?.clientKey).toEqual({ path: '/tls/client.key', from: 'TEMPORAL_TLS_KEY_PATH' });
  });

  it('refuses an older name that disagrees with the standard one, naming the older one', () => {
    expect(
      problemsOf({
        TEMPORAL_TLS_CA_PATH: '/old/ca.pem',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/new/ca.pem',
        TEMPORAL_TLS_CERT_PATH: '/tls/a.pem',
        TEMPORAL_TLS_CLIENT_CERT_PATH: '/tls/b.pem',
      }),
    ).toEqual([
      { variable: 'TEMPORAL_TLS_CERT_PATH', message: 'differs from TEMPORAL_TLS_CLIENT_CERT_PATH; set only TEMPORAL_TLS_CLIENT_CERT_PATH' },
      { variable: 'TEMPORAL_TLS_CA_PATH', message: 'differs from TEMPORAL_TLS_SERVER_CA_CERT_PATH; set only TEMPORAL_TLS_SERVER_CA_CERT_PATH' },
    ]);
  });

  it('reads PEM given inline (TEMPORAL_TLS_CLIENT_CERT_DATA / _KEY_DATA) and hands it to the connection as is', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_DATA: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      TEMPORAL_TLS_CLIENT_KEY_DATA: '-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n',
    });
    const tls = temporalTlsFrom(config.temporal);
    expect(tls?.clientCertPair?.crt.toString()).toContain('AAAA');
    expect(tls?.clientCertPair?.key.toString()).toContain('BBBB');
  });

  it('names the variable whose file cannot be read when connecting', () => {
    const config = loadConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'missing-ca.pem') });
    expect(() => temporalTlsFrom(config.temporal)).toThrow(/^TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read .*missing-ca\.pem/);
    const ca = file('ca.pem', 'PEM');
    expect(temporalTlsFrom(loadConfig({ TEMPORAL_TLS_CA_PATH: ca }).temporal)?.serverRootCACertificate?.toString()).toBe('PEM');
  });

  it('passes TEMPORAL_GRPC_META_* on as gRPC headers', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_GRPC_META_X_TENANT: 'herald' }).temporal.grpcMeta).toEqual({ 'x-tenant': 'herald' });
  });
});

describe('Temporal: profile files, and what wins', () => {
  it('reads the "default" profile of TEMPORAL_CONFIG_FILE', () => {
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: PROFILES });
    expect(config.temporal.address).toBe('default-profile.example:7233');
    expect(config.temporal.namespace).toBe('default');
    expect(config.temporal.tls).toBeUndefined();
  });

  it('reads the profile TEMPORAL_PROFILE names: address, namespace, API key and TLS', () => {
    const config = loadConfig({ TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'prod' });
    expect(config.temporal).toMatchObject({
      address: 'prod.a1b2c.tmprl.cloud:7233',
      namespace: 'prod.a1b2c',
      apiKey: 'profile-api-key',
      tls: { serverName: 'prod.internal', serverCaCert: { path: '/etc/profile/ca.pem', from: 'profile "prod"' } },
    });
  });

  it('environment variables, standard or older names, beat the profile', () => {
    const config = loadConfig({
      TEMPORAL_CONFIG_FILE: PROFILES,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_ADDRESS: 'override.example:7233',
      TEMPORAL_NAMESPACE: 'herald-ns',
      TEMPORAL_API_KEY: 'env-api-key',
      TEMPORAL_TLS_CA_PATH: '/etc/env/ca.pem',
    });
    expect(config.temporal).toMatchObject({
      address: 'override.example:7233',
      namespace: 'herald-ns',
      apiKey: 'env-api-key',
      tls: { serverName: 'prod.internal', serverCaCert: { path: '/etc/env/ca.pem', from: 'TEMPORAL_TLS_CA_PATH' } },
    });
  });

  it('a profile with client cert and key gives mTLS', () => {
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'mtls' }).temporal.tls).toEqual({
      clientCert: { path: '/etc/profile/client.pem', from: 'profile "mtls"' },
      clientKey: { path: '/etc/profile/client.key', from: 'profile "mtls"' },
    });
  });

  it('a profile that disables TLS keeps it off even with an API key, unless TEMPORAL_TLS=true', () => {
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'plain' }).temporal.tls).toBeUndefined();
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'plain', TEMPORAL_TLS: 'true' }).temporal.tls).toEqual({});
  });

  it('passes a profile\'s grpc_meta on', () => {
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'headers' }).temporal.grpcMeta).toEqual({ 'x-tenant': 'herald' });
  });

  it('finds temporal.toml in $XDG_CONFIG_HOME/temporalio, as the Temporal CLI writes it', () => {
    const home = path.join(dir, 'xdg');
    file('xdg/temporalio/temporal.toml', '[profile.default]\naddress = "from-xdg.example:7233"\nnamespace = "xdg"\n');
    expect(loadConfig({ XDG_CONFIG_HOME: home }).temporal).toMatchObject({ address: 'from-xdg.example:7233', namespace: 'xdg' });
  });

  it('an empty profile file gives nothing, but a profile asked for by name must be in it', () => {
    const empty = file('empty.toml', '# nothing yet\n');
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: empty, TEMPORAL_NAMESPACE: 'ns' }).temporal).toMatchObject({ address: undefined, namespace: 'ns' });
    expect(problemsOf({ TEMPORAL_CONFIG_FILE: empty, TEMPORAL_PROFILE: 'prod' })).toEqual([
      { variable: 'TEMPORAL_PROFILE', message: "Profile 'prod' not found in config data" },
    ]);
  });

  it.each([
    [{ TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'staging' }, 'TEMPORAL_PROFILE', /Profile 'staging' not found/],
    [{ TEMPORAL_CONFIG_FILE: path.join(dir, 'nope.toml') }, 'TEMPORAL_CONFIG_FILE', /no such file/],
    [{ TEMPORAL_CONFIG_FILE: file('broken.toml', '[profile.default\naddress = 1') }, 'TEMPORAL_CONFIG_FILE', /./],
    [{ TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'half' }, 'TEMPORAL_CONFIG_FILE', /profile "half": mTLS needs both client_cert and client_key/],
    [{ TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'keyonly' }, 'TEMPORAL_ADDRESS', /TEMPORAL_API_KEY is set/],
  ])('%j is refused, naming %s', (env, variable, message) => {
    const problems = problemsOf(env);
    expect(problems.map((p) => p.variable)).toEqual([variable]);
    expect(problems[0]!.message).toMatch(message);
  });
});

describe('METRICS_PORT', () => {
  it('is off when unset or 0, on when a port is given', () => {
    expect(loadConfig({}).metrics).toEqual({ port: undefined, host: '0.0.0.0' });
    expect(loadConfig({ METRICS_PORT: '0' }).metrics.port).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '127.0.0.1' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
  });

  it.each(['abc', '65536', '-1', '94.64'])('METRICS_PORT=%s is refused', (value) => {
    expect(problemsOf({ METRICS_PORT: value }).map((p) => p.variable)).toEqual(['METRICS_PORT']);
  });
});

describe('DKIM', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = file('dkim.pem', rsa);

  it('is off without any DKIM variable', () => {
    expect(loadConfig({}).dkim).toBeUndefined();
  });

  it('reads the key file at start-up when all three are set', () => {
    expect(loadConfig({ DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 'herald', DKIM_PRIVATE_KEY_PATH: keyFile }).dkim).toEqual({
      domainName: 'example.com',
      keySelector: 'herald',
      privateKey: rsa,
    });
  });

  it.each([
    [{ DKIM_DOMAIN: 'example.com' }, ['DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_PATH']],
    [{ DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 'herald' }, ['DKIM_PRIVATE_KEY_PATH']],
    [{ DKIM_PRIVATE_KEY_PATH: '/keys/dkim.pem', DKIM_SELECTOR: 'herald' }, ['DKIM_DOMAIN']],
  ])('%j names the missing variables %j', (env, missing) => {
    const problems = problemsOf(env);
    expect(problems.map((p) => p.variable)).toEqual(missing);
    expect(problems[0]!.message).toMatch(/so DKIM signing needs DKIM_/);
  });

  const ed25519 = file('ed25519.pem', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const small = file('small.pem', generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  it.each([
    [path.join(dir, 'absent.pem'), /cannot read .*absent\.pem: ENOENT/],
    [file('not-a-key.pem', 'hello'), /is not a PEM private key/],
    [ed25519, /is an ed25519 key; DKIM signing here needs an RSA key/],
    [small, /is a 512-bit RSA key; use at least 1024 bits/],
  ])('refuses the key file %s', (keyPath, message) => {
    const problems = problemsOf({ DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 'herald', DKIM_PRIVATE_KEY_PATH: keyPath });
    expect(problems.map((p) => p.variable)).toEqual(['DKIM_PRIVATE_KEY_PATH']);
    expect(problems[0]!.message).toMatch(message);
  });

  it.each([
    [{ DKIM_DOMAIN: 'not a domain' }, 'DKIM_DOMAIN'],
    [{ DKIM_SELECTOR: 'has space' }, 'DKIM_SELECTOR'],
  ])('%j is refused', (bad, variable) => {
    const env = { DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 'herald', DKIM_PRIVATE_KEY_PATH: keyFile, ...bad };
    expect(problemsOf(env).map((p) => p.variable)).toEqual([variable]);
  });
});
