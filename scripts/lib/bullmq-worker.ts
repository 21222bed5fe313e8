// BullMQ's side: a worker process that sends each job's mail the way Herald's worker does
// (same templates, same pooled nodemailer transport, same sink), so only the scheduler differs.
import { Worker } from 'bullmq';
import { createMailer } from '../../src/mail/mailer.js';
import { TemplateRegistry } from '../../src/mail/templates.js';

export interface MailJob {
  template: string;
  language: 'en' | 'ko';
  variables: Record<string, string>;
  to: string[];
}

const templates = TemplateRegistry.load();
const mailer = createMailer({
  url: process.env.SMTP_URL!,
  from: 'Bench <bench@bullmq.test>',
  poolMaxConnections: Number(process.env.SMTP_POOL_MAX_CONNECTIONS ?? 5),
});
const worker = new Worker<MailJob>(
  'mail',
  async (job) => {
    const rendered = templates.render(job.data.template, job.data.language, job.data.variables);
    await mailer.sendComposed(await mailer.compose({ ...rendered, to: job.data.to, messageId: mailer.messageIdFor(job.id!) }));
  },
  {
    connection: { host: process.env.REDIS_HOST, port: Number(process.env.REDIS_PORT) },
    concurrency: Number(process.env.BULLMQ_CONCURRENCY ?? 50),
    removeOnComplete: { count: 1000 },
  },
);
await worker.waitUntilReady();
process.send!({ type: 'ready' });
const stop = async () => {
  await worker.close();
  mailer.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('disconnect', stop); // the bench is gone
