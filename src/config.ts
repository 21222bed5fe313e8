// Herald's configuration: read once from the environment, validated by one zod schema.
// A bad value stops start-up with a ConfigError that names the variable.
import path from 'node:path';
// From discord-api-types rather than discord.js: the worker reads this config too and needs no Discord client.
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { z } from 'zod';
import { isValidTimeZone } from './domain/time-zone.js';
import { MAX_REPEAT_DAYS_CEILING, type RepeatLimits } from './domain/repeat/index.js';
import { DEFAULT_STALE_SEND_AFTER_MS } from './domain/send-deadline.js';
import { DEFAULT_END_OF_DAY_HOUR } from './domain/when-calendar.js';
import { type DkimSettings, readDkimPrivateKey } from './mail/dkim.js';
import { resolveTemporalSettings, type TemporalTlsConfig } from './temporal/envconfig.js';

export type { TemporalTlsConfig } from './temporal/envconfig.js';

const boolish = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const port = z.coerce.number().int().min(1).max(65535);

/** Durations like "5s", "500ms", "2m", "1h" or plain milliseconds. */
const duration = z.string().transform((value, ctx) => {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 500ms, 5s, 2m or 1h' });
    return z.NEVER;
  }
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * factor);
});

const urlWithProtocols = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HERALD_DATA_DIR: z.string().default('.data'),

  // PostgreSQL: an external server, or embedded PostgreSQL when unset.
  DATABASE_URL: optionalString.pipe(urlWithProtocols(['postgres:', 'postgresql:']).optional()),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_POSTGRES_PORT: port.default(54329),

  // Temporal: an external cluster, or the Temporal CLI dev server when unset. The connection
  // settings also come from a Temporal profile file (src/temporal/envconfig.ts), so none has a
  // default here.
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: optionalString,
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('herald'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: boolish.optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_PROFILE: optionalString,
  TEMPORAL_CONFIG_FILE: optionalString,
  // Herald's older names for the three paths above.
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_DEV_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233),
  // About 0.2 MB per cached workflow; sleeping reservations need no cache, so it stays small.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
  // Holds (see MAIL_PREPARE_LEAD) occupy a slot each while they wait, so this is generous.
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(10_000),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(1).default(40),

  // /metrics, /healthz and /readyz. Unset or 0: not served.
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),

  // DKIM signing: all three or none.
  DKIM_DOMAIN: optionalString.pipe(
    z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'expected a domain such as example.com').optional(),
  ),
  DKIM_SELECTOR: optionalString.pipe(
    z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, 'expected a selector such as herald or mail2026').optional(),
  ),
  DKIM_PRIVATE_KEY_PATH: optionalString,

  // SMTP: a real relay, or the local sink when unset.
  SMTP_URL: optionalString.pipe(urlWithProtocols(['smtp:', 'smtps:']).optional()),
  SMTP_FROM: z.string().min(3).default('Herald <herald@localhost>'),
  SMTP_POOL_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  SMTP_SINK_PORT: port.default(2525),

  // The send-mail activity's retry policy.
  MAIL_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  MAIL_RETRY_INITIAL_INTERVAL: duration.pipe(z.number().min(1, 'must be at least 1ms')).default(5_000),
  MAIL_RETRY_BACKOFF: z.coerce.number().min(1).max(10).default(2),
  // How long before its time a reservation's workflow wakes and hands the send to a worker, which
  // holds it until the time: mails due together then leave together. 0 turns it off.
  MAIL_PREPARE_LEAD: duration.pipe(z.number().min(0).max(15 * 60_000, 'at most 15m')).default(60_000),
  // How often to look for tasks whose workflow was never started (a crash between the two steps).
  RECONCILE_INTERVAL: duration.pipe(z.number().min(1_000, 'at least 1s')).default(60_000),
  // A mail that cannot start on its way this long after its time (a send-now: after it was made)
  // fails with a reason instead of going out late; until then a database outage is only waited out.
  STALE_SEND_AFTER: duration.pipe(z.number().min(1_000, 'at least 1s').max(7 * 86_400_000, 'at most 7 days')).default(DEFAULT_STALE_SEND_AFTER_MS),

  DEFAULT_TIME_ZONE: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, { message: 'expected an IANA time zone such as Asia/Seoul or UTC' }),
  DEFAULT_LOCALE: z.enum(['en', 'ko']).default('en'),
  // The hour "end of day", "eod" and 퇴근 mean.
  EOD_HOUR: z.coerce.number().int().min(0).max(23).default(DEFAULT_END_OF_DAY_HOUR),

  // Discord. Without a token, `npm run dev` runs the console front end instead.
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString.pipe(z.string().regex(/^\d{15,21}$/, 'expected a Discord application id (digits)').optional()),
  DISCORD_API_URL: urlWithProtocols(['https:', 'http:']).default('https://discord.com/api'),
  DISCORD_GUILD_ID: optionalString.pipe(z.string().regex(/^\d{15,21}$/, 'expected a Discord server id (digits)').optional()),
  DISCORD_REQUIRED_PERMISSION: z
    .string()
    .default('ManageGuild')
    .refine((v) => Object.hasOwn(PermissionFlagsBits, v), { message: 'expected a Discord permission name such as ManageGuild or SendMessages' }),

  // Guard rails.
  RECIPIENT_DOMAIN_ALLOWLIST: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((d) => d.trim().toLowerCase()).filter((d) => d !== ''))
    .refine((domains) => domains.every((d) => /^[a-z0-9.-]+\.[a-z]{2,}$/.test(d)), { message: 'expected comma-separated domains such as example.com' }),
  MAILS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
  MAX_OPEN_RESERVATIONS: z.coerce.number().int().min(1).max(100_000).default(25),

  // Repeating reservations: the shortest gap between runs, and how many days a series may span.
  MIN_REPEAT_INTERVAL: duration.pipe(z.number().min(60_000, 'at least 1m').max(86_400_000, 'at most 24h')).default(3_600_000),
  MAX_REPEAT_DAYS: z.coerce.number().int().min(1).max(MAX_REPEAT_DAYS_CEILING).default(366),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  logLevel: string;
  dataDir: string;
  database: { url?: string; poolMax: number; embeddedPort: number; embeddedDir: string };
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls?: TemporalTlsConfig;
    /** gRPC headers for every call (TEMPORAL_GRPC_META_*, a profile's grpc_meta). */
    grpcMeta?: Record<string, string>;
    cliPath?: string;
    devPort: number;
    devUiPort: number;
    devDbFile: string;
  };
  worker: { maxCachedWorkflows: number; maxConcurrentActivities: number; maxConcurrentWorkflowTasks: number };
  smtp: { url?: string; from: string; poolMaxConnections: number; sinkPort: number; sinkDir: string };
  /** Sign every mail when set. */
  dkim?: DkimSettings;
  /** The operations server (/metrics, /healthz, /readyz); no port: not served. */
  metrics: { port?: number; host: string };
  mailRetry: { maximumAttempts: number; initialIntervalMs: number; backoffCoefficient: number };
  delivery: { prepareLeadMs: number; reconcileIntervalMs: number; staleSendAfterMs: number };
  defaults: { timeZone: string; locale: 'en' | 'ko'; endOfDayHour: number };
  discord: {
    token?: string;
    applicationId?: string;
    apiUrl: string;
    guildId?: string;
    requiredPermission: keyof typeof PermissionFlagsBits;
  };
  guardRails: { allowedRecipientDomains: string[]; mailsPerHour: number; maxOpenReservations: number };
  /** The RepeatLimits every series is built with. */
  repeat: RepeatLimits;
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Validates the environment and shapes it into Config. Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // `NAME=` (as in a copied .env file) means "not set": the default applies.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
    );
  }
  const e = parsed.data;
  const { settings: temporal, problems } = resolveTemporalSettings(given as Record<string, string>, e.TEMPORAL_TLS);
  if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID) {
    problems.push({ variable: 'DISCORD_APPLICATION_ID', message: 'DISCORD_TOKEN is set, so the application id is needed too' });
  }
  const dkim = dkimSettings(e, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(e.HERALD_DATA_DIR);
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir,
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DATABASE_POOL_MAX,
      embeddedPort: e.EMBEDDED_POSTGRES_PORT,
      embeddedDir: path.join(dataDir, 'postgres'),
    },
    temporal: {
      address: temporal.address,
      namespace: temporal.namespace ?? 'default',
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: temporal.apiKey,
      tls: temporal.tls,
      ...(temporal.grpcMeta && { grpcMeta: temporal.grpcMeta }),
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      devUiPort: e.TEMPORAL_DEV_UI_PORT,
      devDbFile: path.join(dataDir, 'temporal', 'temporal.db'),
    },
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    },
    smtp: {
      url: e.SMTP_URL,
      from: e.SMTP_FROM,
      poolMaxConnections: e.SMTP_POOL_MAX_CONNECTIONS,
      sinkPort: e.SMTP_SINK_PORT,
      sinkDir: path.join(dataDir, 'mail'),
    },
    ...(dkim && { dkim }),
    metrics: { port: e.METRICS_PORT === 0 ? undefined : e.METRICS_PORT, host: e.METRICS_HOST },
    mailRetry: {
      maximumAttempts: e.MAIL_RETRY_MAX_ATTEMPTS,
      initialIntervalMs: e.MAIL_RETRY_INITIAL_INTERVAL,
      backoffCoefficient: e.MAIL_RETRY_BACKOFF,
    },
    delivery: { prepareLeadMs: e.MAIL_PREPARE_LEAD, reconcileIntervalMs: e.RECONCILE_INTERVAL, staleSendAfterMs: e.STALE_SEND_AFTER },
    defaults: { timeZone: e.DEFAULT_TIME_ZONE, locale: e.DEFAULT_LOCALE, endOfDayHour: e.EOD_HOUR },
    discord: {
      token: e.DISCORD_TOKEN,
      applicationId: e.DISCORD_APPLICATION_ID,
      apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
      guildId: e.DISCORD_GUILD_ID,
      requiredPermission: e.DISCORD_REQUIRED_PERMISSION as keyof typeof PermissionFlagsBits,
    },
    guardRails: {
      allowedRecipientDomains: e.RECIPIENT_DOMAIN_ALLOWLIST,
      mailsPerHour: e.MAILS_PER_HOUR,
      maxOpenReservations: e.MAX_OPEN_RESERVATIONS,
    },
    repeat: { minIntervalMs: e.MIN_REPEAT_INTERVAL, maxDays: e.MAX_REPEAT_DAYS },
  };
}

const DKIM_VARIABLES = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_PATH'] as const;

/** All three DKIM variables, or none; the key file is read and checked here, at start-up. */
function dkimSettings(
  e: Partial<Record<(typeof DKIM_VARIABLES)[number], string>>,
  problems: { variable: string; message: string }[],
): DkimSettings | undefined {
  const set = DKIM_VARIABLES.filter((name) => e[name] !== undefined);
  if (set.length === 0) return undefined;
  if (set.length < DKIM_VARIABLES.length) {
    for (const name of DKIM_VARIABLES.filter((n) => e[n] === undefined)) {
      problems.push({ variable: name, message: `${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set, so DKIM signing needs ${name} too` });
    }
    return undefined;
  }
  try {
    return { domainName: e.DKIM_DOMAIN!, keySelector: e.DKIM_SELECTOR!, privateKey: readDkimPrivateKey(e.DKIM_PRIVATE_KEY_PATH!) };
  } catch (err) {
    problems.push({ variable: 'DKIM_PRIVATE_KEY_PATH', message: (err as Error).message });
    return undefined;
  }
}
