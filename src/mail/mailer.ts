// Outgoing mail over real SMTP with a pooled nodemailer transport.
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { RenderedMail } from './templates.js';

export interface OutgoingMail extends RenderedMail {
  to: string[];
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string; response: string }>;
  /** The Message-ID a task's mail carries: the same on every attempt, so receivers can drop repeats. */
  messageIdFor(taskId: string): string;
  close(): void;
}

export interface MailerOptions {
  /** smtp://user:pass@host:port or smtps://…; */
  url: string;
  from: string;
  poolMaxConnections: number;
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
    ...(url.username && {
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    }),
  };
  const transport = nodemailer.createTransport(transportOptions);
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'herald.local';

  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
      });
      return { messageId: info.messageId, response: info.response };
    },
    messageIdFor(taskId) {
      return `<${taskId}@${fromDomain}>`;
    },
    close() {
      transport.close();
    },
  };
}
