import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { ConfigError, DEFAULT_DYNAMIC_CONFIG_FILE, loadConfig } from '../../src/config.js';

/** The ConfigError loadConfig throws for `env`. */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw new Error(`expected a ConfigError, got ${String(err)}`);
  }
  throw new Error('expected a ConfigError, but loadConfig returned');
}

describe('loadConfig: defaults', () => {
  it('an empty environment gives the documented defaults', () => {
    const dataDir = path.resolve('.data');
    const config = loadConfig({});
    expect(config).toEqual({
      env: 'development',
      logLevel: 'info',
      dataDir,
      database: { url: undefined, poolMax: 10, embeddedPort: 54329, embeddedDir: path.join(dataDir, 'postgres') },
      temporal: {
        address: undefined,
        namespace: 'default',
        taskQueue: 'herald',
        apiKey: undefined,
        tls: undefined,
        cliPath: undefined,
        devPort: 7233,
        devUiPort: 8233,
        devDbFile: path.join(dataDir, 'temporal', 'temporal.db'),
        mode: 'dev',
        server: { historyShards: 4, dynamicConfigFile: DEFAULT_DYNAMIC_CONFIG_FILE, dataDir: path.join(dataDir, 'temporal-server') },
      },
      worker: { maxCachedWorkflows: 250, maxConcurrentActivities: 10000, maxConcurrentWorkflowTasks: 40 },
      smtp: { url: undefined, from: 'Herald <herald@localhost>', poolMaxConnections: 5, sinkPort: 2525, sinkDir: path.join(dataDir, 'mail') },
      metrics: { port: undefined, host: '0.0.0.0' },
      mailRetry: { maximumAttempts: 3, initialIntervalMs: 5000, backoffCoefficient: 2 },
      delivery: { prepareLeadMs: 60000, reconcileIntervalMs: 60000, staleSendAfterMs: 600000, reservationStart: 'outbox', startConcurrency: 16, wakeBudget: 50 },
      defaults: { timeZone: 'UTC', locale: 'en', endOfDayHour: 17 },
      discord: {
        token: undefined,
        applicationId: undefined,
        apiUrl: 'https://discord.com/api',
        guildId: undefined,
        requiredPermission: 'ManageGuild',
        adminPermission: 'ManageGuild',
        clientSecret: undefined,
      },
      dashboard: { port: 3000, host: '127.0.0.1', publicUrl: 'http://localhost:3000', sessionSecret: undefined },
      guardRails: { allowedRecipientDomains: [], mailsPerHour: 20, mailsPerHourTotal: 500, maxOpenReservations: 25 },
      repeat: { minIntervalMs: 3_600_000, maxDays: 366, catchupWindowMs: 600_000 },
    });
    expect(config.database.url).toBeUndefined();
    expect(config.temporal.tls).toBeUndefined();
  });

  it('reads set values', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      HERALD_DATA_DIR: '/srv/herald',
      DATABASE_URL: 'postgres://u:p@db:5432/herald',
      TEMPORAL_DEV_PORT: '17233',
      SMTP_URL: 'smtps://u:p@mail.example.com:465',
      DEFAULT_TIME_ZONE: 'Asia/Seoul',
      DEFAULT_LOCALE: 'ko',
      EOD_HOUR: '18',
      TEMPORAL_TLS: 'yes',
    });
    expect(config.env).toBe('production');
    expect(config.logLevel).toBe('debug');
    expect(config.dataDir).toBe('/srv/herald');
    expect(config.database).toEqual({ url: 'postgres://u:p@db:5432/herald', poolMax: 10, embeddedPort: 54329, embeddedDir: '/srv/herald/postgres' });
    expect(config.temporal.devPort).toBe(17233);
    expect(config.temporal.tls).toEqual({});
    expect(config.smtp.url).toBe('smtps://u:p@mail.example.com:465');
    expect(config.defaults).toEqual({ timeZone: 'Asia/Seoul', locale: 'ko', endOfDayHour: 18 });
  });

  it('treats an empty or blank DATABASE_URL / TEMPORAL_API_KEY as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.url).toBeUndefined();
    expect(loadConfig({ TEMPORAL_API_KEY: '   ' }).temporal.apiKey).toBeUndefined();
  });

  it('accepts postgresql:// as well as postgres://', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/herald' }).database.url).toBe('postgresql://db/herald');
  });
});

describe('loadConfig: STALE_SEND_AFTER', () => {
  it('reads a duration, and names the variable when it is out of range', () => {
    expect(loadConfig({ STALE_SEND_AFTER: '30m' }).delivery.staleSendAfterMs).toBe(1_800_000);
    expect(configErrorOf({ STALE_SEND_AFTER: '500ms' }).problems).toEqual([{ variable: 'STALE_SEND_AFTER', message: 'at least 1s' }]);
    expect(configErrorOf({ STALE_SEND_AFTER: 'later' }).problems[0]!.variable).toBe('STALE_SEND_AFTER');
  });
});

describe('loadConfig: RESERVATION_START, OUTBOX_START_CONCURRENCY and WAKE_BUDGET', () => {
  it('starts reservations through the outbox unless told otherwise, and names a bad variable', () => {
    expect(loadConfig({}).delivery).toMatchObject({ reservationStart: 'outbox', startConcurrency: 16 });
    expect(loadConfig({ RESERVATION_START: 'direct', OUTBOX_START_CONCURRENCY: '4' }).delivery).toMatchObject({ reservationStart: 'direct', startConcurrency: 4 });
    expect(configErrorOf({ RESERVATION_START: 'later' }).problems[0]!.variable).toBe('RESERVATION_START');
    expect(configErrorOf({ OUTBOX_START_CONCURRENCY: '0' }).problems[0]!.variable).toBe('OUTBOX_START_CONCURRENCY');
    expect(loadConfig({ WAKE_BUDGET: '0' }).delivery.wakeBudget).toBe(0);
    expect(configErrorOf({ WAKE_BUDGET: '-1' }).problems[0]!.variable).toBe('WAKE_BUDGET');
  });
});

describe('loadConfig: durations', () => {
  const cases: [value: string, ms: number][] = [
    ['500ms', 500],
    ['5s', 5_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1500', 1_500],
    ['1.5s', 1_500],
    [' 5 s ', 5_000],
  ];
  for (const [value, ms] of cases) {
    it(`MAIL_RETRY_INITIAL_INTERVAL="${value}" is ${ms} ms`, () => {
      expect(loadConfig({ MAIL_RETRY_INITIAL_INTERVAL: value }).mailRetry.initialIntervalMs).toBe(ms);
    });
  }

  for (const value of ['soon', '-5s', '5S', '5 minutes']) {
    it(`MAIL_RETRY_INITIAL_INTERVAL="${value}" is refused`, () => {
      const err = configErrorOf({ MAIL_RETRY_INITIAL_INTERVAL: value });
      expect(err.problems).toEqual([
        { variable: 'MAIL_RETRY_INITIAL_INTERVAL', message: 'expected a duration such as 500ms, 5s, 2m or 1h' },
      ]);
    });
  }

  // A zero interval must be refused at start-up: Temporal's compileRetryPolicy throws
  // "RetryPolicy.initialInterval cannot be 0" when the workflow schedules the send-mail activity.
  it('MAIL_RETRY_INITIAL_INTERVAL=0 (or 0s, 0.4ms) is refused at start-up', () => {
    expect(() => loadConfig({ MAIL_RETRY_INITIAL_INTERVAL: '0' })).toThrow(ConfigError);
  });
});

describe('loadConfig: bad values name the variable', () => {
  const cases: [env: Record<string, string>, variable: string][] = [
    [{ TEMPORAL_DEV_PORT: 'abc' }, 'TEMPORAL_DEV_PORT'],
    [{ TEMPORAL_DEV_PORT: '0' }, 'TEMPORAL_DEV_PORT'],
    [{ TEMPORAL_DEV_PORT: '65536' }, 'TEMPORAL_DEV_PORT'],
    [{ TEMPORAL_DEV_PORT: '7233.5' }, 'TEMPORAL_DEV_PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
    [{ MAIL_RETRY_INITIAL_INTERVAL: 'soon' }, 'MAIL_RETRY_INITIAL_INTERVAL'],
    [{ MAIL_RETRY_MAX_ATTEMPTS: '0' }, 'MAIL_RETRY_MAX_ATTEMPTS'],
    [{ MAIL_RETRY_BACKOFF: '0.5' }, 'MAIL_RETRY_BACKOFF'],
    [{ DEFAULT_TIME_ZONE: 'Mars/Base' }, 'DEFAULT_TIME_ZONE'],
    [{ DEFAULT_LOCALE: 'fr' }, 'DEFAULT_LOCALE'],
    [{ EOD_HOUR: '24' }, 'EOD_HOUR'],
    [{ EOD_HOUR: '-1' }, 'EOD_HOUR'],
    [{ EOD_HOUR: '17.5' }, 'EOD_HOUR'],
    [{ EOD_HOUR: '5pm' }, 'EOD_HOUR'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'prod' }, 'NODE_ENV'],
    [{ TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS'],
    [{ TEMPORAL_MODE: 'cluster' }, 'TEMPORAL_MODE'],
    [{ TEMPORAL_HISTORY_SHARDS: '0' }, 'TEMPORAL_HISTORY_SHARDS'],
    [{ TEMPORAL_HISTORY_SHARDS: 'many' }, 'TEMPORAL_HISTORY_SHARDS'],
    [{ TEMPORAL_MODE: 'server', TEMPORAL_DYNAMIC_CONFIG_FILE: '/nonexistent/dynamic.yaml' }, 'TEMPORAL_DYNAMIC_CONFIG_FILE'],
    [{ TEMPORAL_MODE: 'server', DATABASE_URL: 'postgres://u:p@db:5432/herald' }, 'TEMPORAL_MODE'],
  ];
  for (const [env, variable] of cases) {
    it(`${JSON.stringify(env)} → ConfigError naming ${variable}`, () => {
      const err = configErrorOf(env);
      expect(err.name).toBe('ConfigError');
      expect(err.problems.map((p) => p.variable)).toEqual([variable]);
      expect(err.message.startsWith(`Invalid configuration:\n  ${variable}: `)).toBe(true);
    });
  }

  it('treats an empty or blank value as unset, so the default applies', () => {
    const config = loadConfig({ MAIL_RETRY_INITIAL_INTERVAL: '', TEMPORAL_NAMESPACE: '  ', TEMPORAL_DEV_PORT: '' });
    expect(config.mailRetry.initialIntervalMs).toBe(5_000);
    expect(config.temporal.namespace).toBe('default');
    expect(config.temporal.devPort).toBe(7233);
  });

  it('reads booleans case-insensitively', () => {
    expect(loadConfig({ TEMPORAL_TLS: 'TRUE' }).temporal.tls).toEqual({});
    expect(loadConfig({ TEMPORAL_TLS: 'No' }).temporal.tls).toBeUndefined();
  });

  it('gives the exact messages for a URL and a time zone', () => {
    expect(configErrorOf({ DATABASE_URL: 'mysql://x' }).message).toBe(
      'Invalid configuration:\n  DATABASE_URL: expected a URL starting with postgres:// or postgresql://',
    );
    expect(configErrorOf({ DEFAULT_TIME_ZONE: 'Mars/Base' }).message).toBe(
      'Invalid configuration:\n  DEFAULT_TIME_ZONE: expected an IANA time zone such as Asia/Seoul or UTC',
    );
  });

  it('reports every bad variable at once', () => {
    const err = configErrorOf({ TEMPORAL_DEV_PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual(['LOG_LEVEL', 'TEMPORAL_DEV_PORT']);
  });
});

describe('loadConfig: combinations', () => {
  it('a TLS cert without a key is refused, naming the key', () => {
    const err = configErrorOf({ TEMPORAL_TLS_CERT_PATH: '/tls/client.pem' });
    expect(err.problems).toEqual([
      { variable: 'TEMPORAL_TLS_KEY_PATH', message: 'mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH' },
    ]);
  });

  it('a TLS key without a cert is refused, naming the cert', () => {
    expect(configErrorOf({ TEMPORAL_TLS_KEY_PATH: '/tls/client.key' }).problems.map((p) => p.variable)).toEqual(['TEMPORAL_TLS_CERT_PATH']);
  });

  it('cert and key together turn TLS on', () => {
    const config = loadConfig({ TEMPORAL_TLS_CERT_PATH: '/tls/client.pem', TEMPORAL_TLS_KEY_PATH: '/tls/client.key' });
    expect(config.temporal.tls).toEqual({
      clientCert: { path: '/tls/client.pem', from: 'TEMPORAL_TLS_CERT_PATH' },
      clientKey: { path: '/tls/client.key', from: 'TEMPORAL_TLS_KEY_PATH' },
    });
  });

  it('TEMPORAL_API_KEY without TEMPORAL_ADDRESS is refused', () => {
    expect(configErrorOf({ TEMPORAL_API_KEY: 'secret' }).problems).toEqual([
      { variable: 'TEMPORAL_ADDRESS', message: 'TEMPORAL_API_KEY is set, so TEMPORAL_ADDRESS must name the cluster' },
    ]);
  });

  it('TEMPORAL_API_KEY with TEMPORAL_ADDRESS is accepted and turns TLS on', () => {
    const config = loadConfig({ TEMPORAL_API_KEY: 'secret', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' });
    expect(config.temporal.address).toBe('ns.acct.tmprl.cloud:7233');
    expect(config.temporal.apiKey).toBe('secret');
    expect(config.temporal.tls).toEqual({});
  });

  it('TEMPORAL_MODE=server reads the server settings, with the data folder under HERALD_DATA_DIR', () => {
    const config = loadConfig({ TEMPORAL_MODE: 'server', TEMPORAL_HISTORY_SHARDS: '16', HERALD_DATA_DIR: '/srv/herald' });
    expect(config.temporal.mode).toBe('server');
    expect(config.temporal.server).toEqual({ historyShards: 16, dynamicConfigFile: DEFAULT_DYNAMIC_CONFIG_FILE, dataDir: '/srv/herald/temporal-server' });
  });

  it('TEMPORAL_MODE is only about the local Temporal: with TEMPORAL_ADDRESS, DATABASE_URL is fine', () => {
    const config = loadConfig({ TEMPORAL_MODE: 'server', TEMPORAL_ADDRESS: 'temporal:7233', DATABASE_URL: 'postgres://u:p@db:5432/herald' });
    expect(config.temporal.address).toBe('temporal:7233');
  });

  it('TEMPORAL_TLS=no leaves TLS off', () => {
    expect(loadConfig({ TEMPORAL_TLS: 'no' }).temporal.tls).toBeUndefined();
  });
});

describe('loadConfig: the dashboard', () => {
  it('reads its settings; the allowed servers fall back to DISCORD_GUILD_ID without a bot token too', () => {
    const config = loadConfig({
      DASHBOARD_PORT: '8080',
      DASHBOARD_HOST: '0.0.0.0',
      DASHBOARD_PUBLIC_URL: 'https://herald.example.com/',
      DISCORD_CLIENT_SECRET: 'client-secret',
      SESSION_SECRET: 'Ω'.repeat(16),
      DISCORD_GUILD_ID: '123456789012345678',
      DISCORD_ADMIN_PERMISSION: 'Administrator',
    });
    // 16 two-byte characters are 32 bytes: enough.
    expect(config.dashboard).toEqual({ port: 8080, host: '0.0.0.0', publicUrl: 'https://herald.example.com', sessionSecret: 'Ω'.repeat(16) });
    expect(config.discord).toMatchObject({ allowedGuildIds: ['123456789012345678'], adminPermission: 'Administrator', clientSecret: 'client-secret' });
    expect(loadConfig({ DASHBOARD_PORT: '0' }).dashboard).toMatchObject({ port: undefined, publicUrl: 'http://localhost:3000' });
    expect(loadConfig({ DASHBOARD_PORT: '4000' }).dashboard.publicUrl).toBe('http://localhost:4000');
  });
});

describe('loadConfig: Discord and guard rails', () => {
  it('reads the Discord settings and guard rails, with defaults', () => {
    const config = loadConfig({
      DISCORD_TOKEN: 'abc.def.ghi',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      DISCORD_ALLOWED_GUILD_IDS: ' 223456789012345678,323456789012345678, 223456789012345678 ',
      RECIPIENT_DOMAIN_ALLOWLIST: ' Example.com, ops.example.org ',
    });
    expect(config.discord).toEqual({
      token: 'abc.def.ghi',
      applicationId: '123456789012345678',
      apiUrl: 'http://127.0.0.1:9999/api',
      guildId: undefined,
      allowedGuildIds: ['223456789012345678', '323456789012345678'],
      requiredPermission: 'ManageGuild',
      adminPermission: 'ManageGuild',
      clientSecret: undefined,
    });
    expect(config.guardRails).toEqual({
      allowedRecipientDomains: ['example.com', 'ops.example.org'],
      mailsPerHour: 20,
      mailsPerHourTotal: 500,
      maxOpenReservations: 25,
    });
  });

  it('answers in DISCORD_GUILD_ID alone when no list is given, and in any server when Discord is off', () => {
    const one = loadConfig({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678', DISCORD_GUILD_ID: '223456789012345678' });
    expect(one.discord.allowedGuildIds).toEqual(['223456789012345678']);
    const both = loadConfig({
      DISCORD_TOKEN: 't',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_GUILD_ID: '223456789012345678',
      DISCORD_ALLOWED_GUILD_IDS: '323456789012345678',
    });
    expect(both.discord.allowedGuildIds).toEqual(['323456789012345678']);
    expect(loadConfig({}).discord.allowedGuildIds).toBeUndefined();
  });

  it('refuses to start the bot without knowing its servers, naming both variables', () => {
    const env = { DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    const problems = (() => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    })();
    expect(problems.map((p) => p.variable)).toEqual(['DISCORD_ALLOWED_GUILD_IDS']);
    expect(problems[0]!.message).toMatch(/DISCORD_ALLOWED_GUILD_IDS.*DISCORD_GUILD_ID/);
  });

  it.each([
    [{ DISCORD_TOKEN: 'abc', DISCORD_GUILD_ID: '223456789012345678' }, 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_ALLOWED_GUILD_IDS: '223456789012345678,my-server' }, 'DISCORD_ALLOWED_GUILD_IDS'],
    [{ DISCORD_ALLOWED_GUILD_IDS: ' , ' }, 'DISCORD_ALLOWED_GUILD_IDS'],
    [{ DISCORD_ADMIN_PERMISSION: 'BeBoss' }, 'DISCORD_ADMIN_PERMISSION'],
    [{ MAILS_PER_HOUR_TOTAL: '0' }, 'MAILS_PER_HOUR_TOTAL'],
    [{ DISCORD_APPLICATION_ID: 'herald' }, 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_REQUIRED_PERMISSION: 'BeNice' }, 'DISCORD_REQUIRED_PERMISSION'],
    [{ RECIPIENT_DOMAIN_ALLOWLIST: 'example.com, not a domain' }, 'RECIPIENT_DOMAIN_ALLOWLIST'],
    [{ MAILS_PER_HOUR: '0' }, 'MAILS_PER_HOUR'],
    [{ DISCORD_API_URL: 'ftp://discord.com' }, 'DISCORD_API_URL'],
    [{ DASHBOARD_PORT: '70000' }, 'DASHBOARD_PORT'],
    [{ DASHBOARD_PUBLIC_URL: 'herald.example.com' }, 'DASHBOARD_PUBLIC_URL'],
    [{ DASHBOARD_PUBLIC_URL: 'https://example.com/herald' }, 'DASHBOARD_PUBLIC_URL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    // 31 bytes: one short of the minimum.
    [{ SESSION_SECRET: 'x'.repeat(31) }, 'SESSION_SECRET'],
    [{ CATCHUP_WINDOW: '5s' }, 'CATCHUP_WINDOW'],
    // A run that late would only fail as too late at its send.
    [{ CATCHUP_WINDOW: '20m', STALE_SEND_AFTER: '15m' }, 'CATCHUP_WINDOW'],
  ])('%j is refused, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable)).toEqual([variable]);
    }
  });
});
