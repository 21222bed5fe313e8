// Structured logs with pino. Secrets are redacted by key wherever they appear.
import pino from 'pino';

export type Logger = pino.Logger;

const REDACTED_KEYS = ['token', 'password', 'pass', 'apiKey', 'authorization', 'DISCORD_TOKEN', 'DATABASE_URL', 'SMTP_URL', 'TEMPORAL_API_KEY'];

export function createLogger(options: { level?: string; pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const redact = { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' };
  if (options.pretty && !options.destination) {
    return pino({
      level: options.level ?? 'info',
      redact,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } },
    });
  }
  return pino({ level: options.level ?? 'info', redact }, options.destination);
}
