// Structured logs with pino. Secrets are redacted by key wherever they appear.
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

const REDACTED_KEYS = ['token', 'password', 'pass', 'apiKey', 'authorization', 'DISCORD_TOKEN', 'DATABASE_URL', 'SMTP_URL', 'TEMPORAL_API_KEY'];

export function createLogger(options: { level?: string; pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const redact = { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' };
  if (options.pretty) {
    // In-process (not a transport thread), so lines reach `destination` in order with console output.
    const stream = pretty({
      colorize: true,
      translateTime: 'HH:MM:ss',
      ignore: 'pid,hostname',
      singleLine: true,
      sync: true,
      destination: options.destination ?? process.stdout,
    });
    return pino({ level: options.level ?? 'info', redact }, stream);
  }
  return pino({ level: options.level ?? 'info', redact }, options.destination);
}
