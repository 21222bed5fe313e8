// Herald's configuration: read once from the environment, validated by one zod schema.
// A bad value stops start-up with a ConfigError that names the variable.
import fs from 'node:fs';
import path from 'node:path';
// From discord-api-types rather than discord.js: the worker reads this config too and needs no Discord client.
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { z } from 'zod';
import { isValidTimeZone } from './domain/time-zone.js';
import { MAX_REPEAT_DAYS_CEILING, type RepeatLimits } from './domain/repeat/index.js';
import {
  DEFAULT_MAILS_PER_HOUR,
  DEFAULT_MAILS_PER_HOUR_TOTAL,
  DEFAULT_MAX_OPEN_RESERVATIONS,
  MAX_CONFIGURABLE_LIMIT,
} from './domain/limits.js';
import { DEFAULT_STALE_SEND_AFTER_MS } from './domain/send-deadline.js';
import { DEFAULT_END_OF_DAY_HOUR } from './domain/when-calendar.js';
import { DEFAULT_WAKE_BUDGET } from './domain/wake-stagger.js';
import { type DkimSettings, readDkimPrivateKey } from './mail/dkim.js';
import { resolveTemporalSettings, type TemporalTlsConfig } from './temporal/envconfig.js';

export type { TemporalTlsConfig } from './temporal/envconfig.js';
import { PROJECT_ROOT } from './project-root.js';

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

/** The Temporal server's dynamic config in server mode: the compose stack's file. */
export const DEFAULT_DYNAMIC_CONFIG_FILE = path.join(PROJECT_ROOT, 'deploy', 'temporal', 'dynamicconfig', 'development-sql.yaml');

const DISCORD_ID = /^\d{15,21}$/;

const discordPermission = z
  .string()
  .refine((v) => Object.hasOwn(PermissionFlagsBits, v), { message: 'expected a Discord permission name such as ManageGuild or SendMessages' });

const countLimit = (fallback: number) => z.coerce.number().int().min(1).max(MAX_CONFIGURABLE_LIMIT).default(fallback);

/** SESSION_SECRET is turned into the cookie key; shorter secrets are too easy to guess. */
export const MIN_SESSION_SECRET_BYTES = 32;

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
  // Which local Temporal `npm run dev` starts when TEMPORAL_ADDRESS is unset: the CLI dev server
  // (SQLite, one shard, starts in seconds) or the production server on the embedded PostgreSQL.
  TEMPORAL_MODE: z.enum(['dev', 'server']).default('dev'),
  // Fixed when the server's schema is first used; Temporal cannot change it afterwards.
  TEMPORAL_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16_384).default(4),
  TEMPORAL_DYNAMIC_CONFIG_FILE: z.string().default(DEFAULT_DYNAMIC_CONFIG_FILE),
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
  // How a reservation's workflow is started: `outbox` (the answer follows the committed row, and
  // the worker's starter starts workflows in batches, the earliest due first), or `direct` (each
  // request starts its own and waits for Temporal: slower under load, as before issue 14).
  RESERVATION_START: z.enum(['outbox', 'direct']).default('outbox'),
  // Wake-ups a second the Temporal server takes (measure yours: `npm run wake-budget`). Reservations
  // started through the outbox wake at staggered seconds before MAIL_PREPARE_LEAD so that no second
  // asks for more. 0 does not stage them (each wakes exactly MAIL_PREPARE_LEAD before its time).
  WAKE_BUDGET: z.coerce.number().int().min(0).default(DEFAULT_WAKE_BUDGET),
  // Workflow starts the outbox starter keeps in flight at once: the pace the Temporal server is asked to take.
  OUTBOX_START_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
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
  DISCORD_GUILD_ID: optionalString.pipe(z.string().regex(DISCORD_ID, 'expected a Discord server id (digits)').optional()),
  // The servers whose commands, buttons and autocomplete Herald answers; default DISCORD_GUILD_ID.
  DISCORD_ALLOWED_GUILD_IDS: optionalString.pipe(
    z
      .string()
      .transform((v) => [...new Set(v.split(',').map((id) => id.trim()).filter((id) => id !== ''))])
      .refine((ids) => ids.length > 0 && ids.every((id) => DISCORD_ID.test(id)), {
        message: 'expected comma-separated Discord server ids (digits), such as 123456789012345678,234567890123456789',
      })
      .optional(),
  ),
  DISCORD_REQUIRED_PERMISSION: discordPermission.default('ManageGuild'),
  // Members with this permission are the server's Herald admins: they may list and cancel every open
  // task of their server, and edit its templates on the dashboard.
  DISCORD_ADMIN_PERMISSION: discordPermission.default('ManageGuild'),

  // The web dashboard (src/web). DASHBOARD_PORT=0 turns it off in `npm run dev`.
  DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DASHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
  DASHBOARD_PUBLIC_URL: optionalString.pipe(
    z
      .string()
      .refine(
        (v) => {
          try {
            const url = new URL(v);
            return ['https:', 'http:'].includes(url.protocol) && url.pathname === '/' && url.search === '' && url.hash === '' && !url.username;
          } catch {
            return false;
          }
        },
        { message: 'expected the address users open, such as https://herald.example.com (no path)' },
      )
      .optional(),
  ),
  // Sign in with Discord: the OAuth2 client secret of the application (DISCORD_APPLICATION_ID is the client id).
  DISCORD_CLIENT_SECRET: optionalString,
  // Encrypts the dashboard's session cookie: at least 32 bytes of randomness.
  SESSION_SECRET: optionalString.pipe(
    z
      .string()
      .refine((v) => Buffer.byteLength(v, 'utf8') >= MIN_SESSION_SECRET_BYTES, { message: `must be at least ${MIN_SESSION_SECRET_BYTES} bytes; make one with \`openssl rand -base64 48\`` })
      .optional(),
  ),

  // Guard rails.
  RECIPIENT_DOMAIN_ALLOWLIST: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((d) => d.trim().toLowerCase()).filter((d) => d !== ''))
    .refine((domains) => domains.every((d) => /^[a-z0-9.-]+\.[a-z]{2,}$/.test(d)), { message: 'expected comma-separated domains such as example.com' }),
  // Recipients, not tasks: a mail to three addresses counts three.
  MAILS_PER_HOUR: countLimit(DEFAULT_MAILS_PER_HOUR),
  MAILS_PER_HOUR_TOTAL: countLimit(DEFAULT_MAILS_PER_HOUR_TOTAL),
  MAX_OPEN_RESERVATIONS: countLimit(DEFAULT_MAX_OPEN_RESERVATIONS),

  // Repeating reservations: the shortest gap between runs, and how many days a series may span.
  MIN_REPEAT_INTERVAL: duration.pipe(z.number().min(60_000, 'at least 1m').max(86_400_000, 'at most 24h')).default(3_600_000),
  MAX_REPEAT_DAYS: z.coerce.number().int().min(1).max(MAX_REPEAT_DAYS_CEILING).default(366),
  // A run of a series missed because Herald (Temporal, or every worker) was down goes out late
  // while it is at most this late, and is skipped after that. Temporal's own minimum is 10 s.
  // Unset: 10 minutes, or STALE_SEND_AFTER when that is shorter (see catchupWindowOf).
  CATCHUP_WINDOW: duration.pipe(z.number().min(10_000, 'at least 10s (Temporal\'s minimum)').max(86_400_000, 'at most 24h')).optional(),
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
    /** The local Temporal started when `address` is unset. */
    mode: 'dev' | 'server';
    server: { historyShards: number; dynamicConfigFile: string; dataDir: string };
  };
  worker: { maxCachedWorkflows: number; maxConcurrentActivities: number; maxConcurrentWorkflowTasks: number };
  smtp: { url?: string; from: string; poolMaxConnections: number; sinkPort: number; sinkDir: string };
  /** Sign every mail when set. */
  dkim?: DkimSettings;
  /** The operations server (/metrics, /healthz, /readyz); no port: not served. */
  metrics: { port?: number; host: string };
  mailRetry: { maximumAttempts: number; initialIntervalMs: number; backoffCoefficient: number };
  delivery: {
    prepareLeadMs: number;
    reconcileIntervalMs: number;
    staleSendAfterMs: number;
    /** RESERVATION_START: through the outbox (the default) or one start per request. */
    reservationStart: 'outbox' | 'direct';
    /** Workflow starts the outbox starter keeps in flight. */
    startConcurrency: number;
    /** WAKE_BUDGET: wake-ups a second reservations are staged to; 0: not staged. */
    wakeBudget: number;
  };
  defaults: { timeZone: string; locale: 'en' | 'ko'; endOfDayHour: number };
  discord: {
    token?: string;
    applicationId?: string;
    apiUrl: string;
    guildId?: string;
    /**
     * The servers Herald answers in (and the dashboard shows): DISCORD_ALLOWED_GUILD_IDS, else
     * DISCORD_GUILD_ID. Undefined (any server) only without a token, when no bot runs; a dashboard
     * that signs in with Discord refuses to start without it (src/web/settings.ts).
     */
    allowedGuildIds?: string[];
    requiredPermission: keyof typeof PermissionFlagsBits;
    /** Members with it are the server's Herald admins: every open task of the server, its templates. */
    adminPermission: keyof typeof PermissionFlagsBits;
    /** The OAuth2 client secret, for signing in to the dashboard. */
    clientSecret?: string;
  };
  /** The web dashboard; no port: not served. */
  dashboard: { port?: number; host: string; publicUrl: string; sessionSecret?: string };
  guardRails: { allowedRecipientDomains: string[]; mailsPerHour: number; mailsPerHourTotal: number; maxOpenReservations: number };
  /** The RepeatLimits every series is built with, and how late a missed run may still go out. */
  repeat: RepeatLimits & { catchupWindowMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * The catch-up window: as set, or by default 10 minutes, shortened to STALE_SEND_AFTER when that is
 * shorter (a run made later would only fail at its send as too late), but never under Temporal's
 * 10 s minimum.
 */
function catchupWindowOf(set: number | undefined, staleSendAfterMs: number): number {
  return set ?? Math.max(10_000, Math.min(600_000, staleSendAfterMs));
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
  const allowedGuildIds = e.DISCORD_ALLOWED_GUILD_IDS ?? (e.DISCORD_GUILD_ID ? [e.DISCORD_GUILD_ID] : undefined);
  if (e.DISCORD_TOKEN && !allowedGuildIds) {
    // Any server that invites the bot could otherwise send mail through the operator's relay.
    problems.push({
      variable: 'DISCORD_ALLOWED_GUILD_IDS',
      message: 'DISCORD_TOKEN is set, so Herald needs to know which servers it may answer in: set DISCORD_ALLOWED_GUILD_IDS (comma-separated server ids) or DISCORD_GUILD_ID (one server)',
    });
  }
  const dkim = dkimSettings(e, problems);
  // TEMPORAL_MODE picks the local Temporal, so it matters only when TEMPORAL_ADDRESS is unset.
  if (e.TEMPORAL_MODE === 'server' && !temporal.address) {
    if (e.DATABASE_URL) {
      problems.push({ variable: 'TEMPORAL_MODE', message: 'server runs Temporal on the embedded PostgreSQL, so DATABASE_URL must be unset (or set TEMPORAL_ADDRESS to a cluster)' });
    }
    if (!fs.existsSync(path.resolve(e.TEMPORAL_DYNAMIC_CONFIG_FILE))) {
      problems.push({ variable: 'TEMPORAL_DYNAMIC_CONFIG_FILE', message: `no such file: ${path.resolve(e.TEMPORAL_DYNAMIC_CONFIG_FILE)}` });
    }
  }
  if (e.CATCHUP_WINDOW !== undefined && e.CATCHUP_WINDOW > e.STALE_SEND_AFTER) {
    // A run made that late would only fail at its send as too late (STALE_SEND_AFTER).
    problems.push({ variable: 'CATCHUP_WINDOW', message: `must not be longer than STALE_SEND_AFTER (${e.STALE_SEND_AFTER} ms)` });
  }
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
      mode: e.TEMPORAL_MODE,
      server: {
        historyShards: e.TEMPORAL_HISTORY_SHARDS,
        dynamicConfigFile: path.resolve(e.TEMPORAL_DYNAMIC_CONFIG_FILE),
        dataDir: path.join(dataDir, 'temporal-server'),
      },
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
    delivery: {
      prepareLeadMs: e.MAIL_PREPARE_LEAD,
      reconcileIntervalMs: e.RECONCILE_INTERVAL,
      staleSendAfterMs: e.STALE_SEND_AFTER,
      reservationStart: e.RESERVATION_START,
      startConcurrency: e.OUTBOX_START_CONCURRENCY,
      wakeBudget: e.WAKE_BUDGET,
    },
    defaults: { timeZone: e.DEFAULT_TIME_ZONE, locale: e.DEFAULT_LOCALE, endOfDayHour: e.EOD_HOUR },
    discord: {
      token: e.DISCORD_TOKEN,
      applicationId: e.DISCORD_APPLICATION_ID,
      apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
      guildId: e.DISCORD_GUILD_ID,
      ...(allowedGuildIds && { allowedGuildIds }),
      requiredPermission: e.DISCORD_REQUIRED_PERMISSION as keyof typeof PermissionFlagsBits,
      adminPermission: e.DISCORD_ADMIN_PERMISSION as keyof typeof PermissionFlagsBits,
      clientSecret: e.DISCORD_CLIENT_SECRET,
    },
    dashboard: {
      port: e.DASHBOARD_PORT === 0 ? undefined : e.DASHBOARD_PORT,
      host: e.DASHBOARD_HOST,
      publicUrl: (e.DASHBOARD_PUBLIC_URL ?? `http://localhost:${e.DASHBOARD_PORT || 3000}`).replace(/\/+$/, ''),
      sessionSecret: e.SESSION_SECRET,
    },
    guardRails: {
      allowedRecipientDomains: e.RECIPIENT_DOMAIN_ALLOWLIST,
      mailsPerHour: e.MAILS_PER_HOUR,
      mailsPerHourTotal: e.MAILS_PER_HOUR_TOTAL,
      maxOpenReservations: e.MAX_OPEN_RESERVATIONS,
    },
    repeat: { minIntervalMs: e.MIN_REPEAT_INTERVAL, maxDays: e.MAX_REPEAT_DAYS, catchupWindowMs: catchupWindowOf(e.CATCHUP_WINDOW, e.STALE_SEND_AFTER) },
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
