// Outgoing mail over real SMTP with a pooled nodemailer transport. A message is composed into its
// raw MIME form first and sent as is: a held reservation composes while it waits, so the work left
// at its due time is only the SMTP conversation.
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { DkimSettings } from './dkim.js';
import type { RenderedMail } from './templates.js';

export interface OutgoingMail extends RenderedMail {
  to: string[];
  messageId: string;
  headers?: Record<string, string>;
  /** The Date header; defaults to now. */
  date?: Date;
}

/** A message ready to go: its envelope and its bytes. */
export interface ComposedMail {
  to: string[];
  messageId: string;
  raw: Buffer;
}

export interface Mailer {
  compose(mail: OutgoingMail): Promise<ComposedMail>;
  sendComposed(mail: ComposedMail): Promise<{ messageId: string; response: string }>;
  /** The Message-ID a task's mail carries: the same on every attempt, so receivers can drop repeats. */
  messageIdFor(taskId: string): string;
  close(): void;
}

export interface MailerOptions {
  /** smtp://user:pass@host:port or smtps://…; */
  url: string;
  from: string;
  poolMaxConnections: number;
  /** Sign every message (nodemailer signs at send time, so composed messages are signed too). */
  dkim?: DkimSettings;
}

export function createMailer(options: MailerOptions): Mailer {
  const url = new URL(options.url);
  const transportOptions: SMTPPool.Options = {
    pool: true,
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    maxConnections: options.poolMaxConnections,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(options.dkim && { dkim: options.dkim }),
    ...(url.username && {
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    }),
  };
  const transport = nodemailer.createTransport(transportOptions);
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'herald.local';
  const envelopeFrom = /<([^>]+)>/.exec(options.from)?.[1] ?? options.from;

  const mailer: Mailer = {
    async compose(mail) {
      const raw = await new MailComposer({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        date: mail.date,
        headers: mail.headers,
      })
        .compile()
        .build();
      return { to: mail.to, messageId: mail.messageId, raw };
    },
    async sendComposed(mail) {
      const info = await transport.sendMail({ envelope: { from: envelopeFrom, to: mail.to }, raw: mail.raw });
      return { messageId: mail.messageId, response: info.response };
    },
    messageIdFor(taskId) {
      return `<${taskId}@${fromDomain}>`;
    },
    close() {
      transport.close();
    },
  };
  return mailer;
}
