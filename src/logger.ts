// Structured logs with pino. Secrets never reach the output: a URL is logged through redactUrl(),
// which leaves its password out, so no form of it (raw, decoded, encoded another way, however
// short) is ever written. As a second line, fields with secret-looking names are redacted, and the
// known secret values (the bot token, passwords in URLs, API keys) are scrubbed from every line,
// wherever they appear (an error message quoting a URL, say).
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

const REDACTED_KEYS = ['token', 'password', 'pass', 'apiKey', 'authorization', 'DISCORD_TOKEN', 'DATABASE_URL', 'SMTP_URL', 'TEMPORAL_API_KEY'];
const CENSOR = '[redacted]';

/** Query parameters whose values are secrets (`?password=…`, `?sslkey=…`, `?token=…`). */
const SECRET_PARAM = /pass|secret|token|key|auth|credential/i;

/**
 * A URL as it may be logged: its password (and any secret-looking query value) replaced by
 * "[redacted]", the rest kept so that operators see where Herald connects. What cannot be read
 * as a URL loses everything between "//" and the last "@".
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // A password with an unescaped "/", "?" or "#" makes it unreadable: cut up to the last "@".
    return url.replace(/\/\/.*@/, `//${CENSOR}@`);
  }
  const auth = parsed.username || parsed.password ? `${parsed.username}${parsed.password ? `:${CENSOR}` : ''}@` : '';
  const params = [...parsed.searchParams.entries()].map(([key, value]) =>
    `${encodeURIComponent(key)}=${SECRET_PARAM.test(key) ? CENSOR : encodeURIComponent(value)}`,
  );
  const query = params.length > 0 ? `?${params.join('&')}` : '';
  return `${parsed.protocol}//${auth}${parsed.host}${parsed.pathname}${query}`;
}

/** Secret values to scrub from log lines; more can be added once they are known. */
export class Secrets {
  private values: string[] = [];

  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      // Short values would scrub ordinary words; every real secret here is longer.
      if (!value || value.length < 6) continue;
      for (const form of new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])) {
        if (!this.values.includes(form)) this.values.push(form);
      }
    }
    this.values.sort((a, b) => b.length - a.length);
  }

  /** The password of a URL such as postgres://user:secret@host/db. */
  addUrlPassword(url: string | undefined): void {
    if (!url) return;
    try {
      // As written in the URL (its own percent-encoding) and decoded, with their other forms.
      const password = new URL(url).password;
      if (password) this.add(password, decodeURIComponent(password));
    } catch {
      // Not a URL: nothing to take from it.
    }
  }

  scrub(line: string): string {
    let out = line;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join(CENSOR);
    return out;
  }
}

export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: pino.DestinationStream | NodeJS.WritableStream; secrets?: Secrets } = {},
): Logger {
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: CENSOR },
    ...(options.secrets && { hooks: { streamWrite: (line: string) => options.secrets!.scrub(line) } }),
  };
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
    return pino(base, stream);
  }
  return pino(base, options.destination as pino.DestinationStream | undefined);
}
