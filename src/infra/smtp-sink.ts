// A local SMTP server that accepts every mail, keeps it (in memory, and as an .eml file when
// given a folder) and logs one line per mail. The dev default for SMTP, and the tests' inbox.
// It can be told to refuse deliveries with an SMTP code, to exercise retries for real.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { type Logger, redactUrl } from '../logger.js';

export interface ReceivedMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  receivedAt: Date;
  file?: string;
}

export interface SmtpSinkOptions {
  port?: number;
  /** Keep each mail as an .eml file here. */
  dir?: string;
  logger?: Logger;
  /** Skip MIME parsing (subject, text, html stay empty): for load tests. */
  parse?: boolean;
}

export interface Refusal {
  code: number;
  message: string;
}

export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** Deliveries refused on purpose so far. */
  refused = 0;
  private failures: Refusal[] = [];
  private failureRate = 0;
  private delayMs = 0;
  private rateRefusal: Refusal = { code: 451, message: '4.3.0 Temporary failure, try again later' };
  private listeners = new Set<(mail: ReceivedMail) => void>();

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    private readonly options: SmtpSinkOptions,
  ) {}

  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    if (options.dir) fs.mkdirSync(options.dir, { recursive: true });
    let sink!: SmtpSink;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onAuth: (_auth, _session, callback) => callback(null, { user: 'sink' }),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          sink.receive(Buffer.concat(chunks), session.envelope).then(
            () => callback(),
            (err: Error & { responseCode?: number }) => callback(err),
          );
        });
      },
    });
    server.on('error', (err) => options.logger?.warn({ err }, 'SMTP sink connection error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (server.server.address() as AddressInfo).port;
    sink = new SmtpSink(server, port, options);
    options.logger?.info({ url: redactUrl(sink.url), dir: options.dir }, 'SMTP sink listening');
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Refuse the next `count` deliveries with `code`. */
  failNext(count: number, code = 451, message = defaultMessage(code)): void {
    for (let i = 0; i < count; i++) this.failures.push({ code, message });
  }

  /** Refuse this share (0..1) of deliveries at random, with a 4xx. */
  setFailureRate(rate: number, code = 451): void {
    this.failureRate = rate;
    this.rateRefusal = { code, message: defaultMessage(code) };
  }

  /** Answer each message only after `ms` (a slow relay). */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  /** Messages whose data is being received or held by setDelay. */
  inFlight = 0;

  onMail(listener: (mail: ReceivedMail) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first mail (already received or still to come) that matches. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 30_000): Promise<ReceivedMail> {
    const found = this.mails.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching mail within ${timeoutMs} ms (${this.mails.length} received)`));
      }, timeoutMs);
      const off = this.onMail((mail) => {
        if (!predicate(mail)) return;
        clearTimeout(timer);
        off();
        resolve(mail);
      });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async receive(raw: Buffer, envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] }) {
    this.inFlight++;
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      await this.accept(raw, envelope);
    } finally {
      this.inFlight--;
    }
  }

  private async accept(raw: Buffer, envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] }) {
    const refusal = this.failures.shift() ?? (Math.random() < this.failureRate ? this.rateRefusal : undefined);
    if (refusal) {
      this.refused++;
      throw Object.assign(new Error(refusal.message), { responseCode: refusal.code });
    }
    const receivedAt = new Date();
    const mail = await this.describe(raw, receivedAt, envelope);
    if (this.options.dir) {
      const name = `${receivedAt.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`;
      mail.file = path.join(this.options.dir, name);
      // Written aside and renamed into place, so whoever watches the folder never reads half a mail.
      const partial = path.join(this.options.dir, `.${name}.part`);
      await fs.promises.writeFile(partial, raw);
      await fs.promises.rename(partial, mail.file);
    }
    this.mails.push(mail);
    this.options.logger?.info({ messageId: mail.messageId, to: mail.to, subject: mail.subject, file: mail.file }, 'mail received');
    for (const listener of [...this.listeners]) listener(mail);
  }

  private async describe(
    raw: Buffer,
    receivedAt: Date,
    envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] },
  ): Promise<ReceivedMail> {
    const base = {
      from: envelope.mailFrom ? envelope.mailFrom.address : '',
      to: envelope.rcptTo.map((r) => r.address),
      receivedAt,
    };
    if (this.options.parse === false) {
      const head = raw.subarray(0, Math.min(raw.length, 8192)).toString('latin1');
      const messageId = /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '';
      return { ...base, messageId, subject: '', text: '', html: '', headers: new Map() };
    }
    const parsed = await simpleParser(raw);
    return {
      ...base,
      messageId: parsed.messageId ?? '',
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      headers: parsed.headers,
    };
  }
}

function defaultMessage(code: number): string {
  if (code === 503) return '5.5.1 Bad sequence of commands';
  if (code >= 500) return '5.1.1 Mailbox unavailable';
  return '4.3.0 Temporary failure, try again later';
}
