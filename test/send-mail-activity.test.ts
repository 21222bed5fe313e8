// The sendTaskMail activity alone, in the SDK's MockActivityEnvironment: a real database, the real
// mailer and the real SMTP sink, but no Temporal server, so each answer of the send step is quick
// to reach: sent, not due, closed, interrupted, and each kind of failure.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendMailActivity } from '../src/activities/send-mail.js';
import type { HeraldDb } from '../src/db/database.js';
import { TaskRepository } from '../src/db/task-repository.js';
import type { TaskStatus } from '../src/domain/task-status.js';
import { SmtpSink } from '../src/infra/smtp-sink.js';
import { createLogger } from '../src/logger.js';
import { createMailer, type Mailer } from '../src/mail/mailer.js';
import { TemplateResolver } from '../src/mail/template-resolver.js';
import { ServerTemplateRepository } from '../src/db/server-template-repository.js';
import { TemplateRegistry } from '../src/mail/templates.js';
import { createTestDatabase } from './support/harness.js';

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
/** The SDK's own "Activity failed" lines: the failures here are on purpose. */
const quietSdk = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let database: { db: HeraldDb; drop(): Promise<void> };
let tasks: TaskRepository;
let sink: SmtpSink;
let mailer: Mailer;
const shuttingDown = new AbortController();
let sendTaskMail: ReturnType<typeof createSendMailActivity>;

beforeAll(async () => {
  database = await createTestDatabase();
  tasks = new TaskRepository(database.db);
  sink = await SmtpSink.start({ logger });
  mailer = createMailer({ url: sink.url, from: 'Herald <herald@example.test>', poolMaxConnections: 1 });
  sendTaskMail = createSendMailActivity({
    tasks,
    templates: new TemplateResolver(TemplateRegistry.load(), new ServerTemplateRepository(database.db)),
    mailer, logger, shuttingDown: shuttingDown.signal });
});
afterAll(async () => {
  mailer?.close();
  await sink?.close();
  await database?.drop();
});

/** A task row as TaskService stores it. */
async function task(status: TaskStatus, scheduledAt: Date | null = null) {
  const id = randomUUID();
  await tasks.insert({
    id,
    name: `notice → ${id}@example.com`,
    description: 'activity test',
    requester_id: 'activity-user',
    guild_id: null,
    status,
    scheduled_at: scheduledAt,
    payload: { recipients: [`${id}@example.com`], template: 'notice', variables: { title: 'Hello', body: 'From the activity' }, language: 'en' },
  });
  return id;
}

/** One attempt of the send step, as Temporal would run it: attempt number, heartbeat timeout, its run. */
function attempt(options: { attempt?: number; runId?: string; heartbeatTimeoutMs?: number } = {}) {
  const env = new MockActivityEnvironment(
    {
      attempt: options.attempt ?? 1,
      activityId: '1',
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 0,
      workflowExecution: { workflowId: 'wf', runId: options.runId ?? 'run-1' },
    },
    { logger: quietSdk },
  );
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return { env, heartbeats };
}

const mailsOf = (taskId: string) => sink.mails.filter((m) => m.messageId === `<${taskId}@example.test>`);
const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err as ApplicationFailure);

describe('sendTaskMail', () => {
  it('claims a queued task, sends it with the Message-ID derived from the task id, and finishes the row', async () => {
    const id = await task('queued');
    const { env } = attempt();
    expect(await env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString() })).toEqual({
      kind: 'sent',
      messageId: `<${id}@example.test>`,
    });
    const [mail] = mailsOf(id);
    expect(mail!.subject).toBe('[Notice] Hello');
    expect(mail!.headers.get('x-herald-task-id')).toBe(id);
    expect(await tasks.findById(id)).toMatchObject({ status: 'finished', attempts: 1, claim_token: 'run-1/1', error: null });
  });

  it('answers not-due, without sending or claiming, when the row says a later time', async () => {
    const later = new Date(Date.now() + 3_600_000);
    const id = await task('reserved', later);
    const { env } = attempt();
    expect(await env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString() })).toEqual({
      kind: 'not-due',
      scheduledAt: later.toISOString(),
    });
    expect(mailsOf(id)).toHaveLength(0);
    expect((await tasks.findById(id))!.status).toBe('reserved');
  });

  it('answers closed, without sending, for a task canceled in the meantime', async () => {
    const id = await task('canceled');
    const { env } = attempt();
    expect(await env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString() })).toEqual({ kind: 'closed', status: 'canceled' });
    expect(mailsOf(id)).toHaveLength(0);
  });

  it('fails for good when the row is missing', async () => {
    const { env } = attempt();
    const failure = await failureOf(env.run(sendTaskMail, { taskId: randomUUID(), dueBy: new Date().toISOString() }));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'TaskDataError', nonRetryable: true });
    expect(failure!.message).toMatch(/has no row in the database/);
  });

  it('turns an SMTP 5xx into a permanent failure and a 4xx into a retryable one, recording the reply', async () => {
    const id = await task('queued');
    sink.failNext(1, 451);
    const transient = await failureOf(attempt().env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString() }));
    expect(transient).toMatchObject({ type: 'SmtpTransientError', nonRetryable: false });
    expect((await tasks.findById(id))!).toMatchObject({ status: 'running', attempts: 1 });
    expect((await tasks.findById(id))!.error).toMatch(/^451/);

    // The retry of the same attempt chain (same run and activity) may claim its running task again.
    sink.failNext(1, 550);
    const permanent = await failureOf(attempt({ attempt: 2 }).env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString() }));
    expect(permanent).toMatchObject({ type: 'SmtpPermanentError', nonRetryable: true });
    expect((await tasks.findById(id))!).toMatchObject({ status: 'running', attempts: 2 });
    expect((await tasks.findById(id))!.error).toMatch(/^550/);
    expect(mailsOf(id)).toHaveLength(0);
  });

  it('leaves a task another attempt chain claimed alone', async () => {
    const id = await task('queued');
    sink.failNext(1, 451);
    await failureOf(attempt({ runId: 'run-a' }).env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString() }));
    const other = await attempt({ runId: 'run-b' }).env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString() });
    expect(other).toEqual({ kind: 'closed', status: 'running' });
    expect(mailsOf(id)).toHaveLength(0);
  });

  it('holds until its time, heartbeating meanwhile, and sends no earlier', async () => {
    const due = new Date(Date.now() + 1_500);
    const id = await task('reserved', due);
    const { env, heartbeats } = attempt({ heartbeatTimeoutMs: 400 });
    const result = await env.run(sendTaskMail, { taskId: id, dueBy: due.toISOString(), holdUntil: due.toISOString() });
    expect(result).toEqual({ kind: 'sent', messageId: `<${id}@example.test>` });
    expect(mailsOf(id)[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(due.getTime());
    // One every half heartbeat timeout over the 1.5 s hold; a stalled beat would show as fewer.
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
  });

  it('hands a hold back, unclaimed, when its hold is canceled', async () => {
    const due = new Date(Date.now() + 60_000);
    const id = await task('reserved', due);
    const { env } = attempt();
    const running = env.run(sendTaskMail, { taskId: id, dueBy: due.toISOString(), holdUntil: due.toISOString() });
    setTimeout(() => env.cancel(), 200);
    expect(await running).toEqual({ kind: 'interrupted' });
    expect((await tasks.findById(id))!).toMatchObject({ status: 'reserved', attempts: 0, claim_token: null });
    expect(mailsOf(id)).toHaveLength(0);
  });

  // Last: the worker's shutdown signal stays aborted.
  it('hands a hold back, unclaimed, when the worker shuts down', async () => {
    const due = new Date(Date.now() + 60_000);
    const id = await task('reserved', due);
    const started = Date.now();
    const running = attempt().env.run(sendTaskMail, { taskId: id, dueBy: due.toISOString(), holdUntil: due.toISOString() });
    setTimeout(() => shuttingDown.abort(), 200);
    expect(await running).toEqual({ kind: 'interrupted' });
    expect(Date.now() - started).toBeLessThan(30_000); // not held to its time
    expect((await tasks.findById(id))!).toMatchObject({ status: 'reserved', attempts: 0, claim_token: null });
    expect(mailsOf(id)).toHaveLength(0);
  });
});
