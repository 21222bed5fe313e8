// The sendTaskMail activity alone, in the SDK's MockActivityEnvironment: a real database, the real
// mailer and the real SMTP sink, but no Temporal server, so each answer of the send step is quick
// to reach: sent, not due, closed, interrupted, and each kind of failure.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendMailActivity, type SendMailDeps } from '../src/activities/send-mail.js';
import { DiscordMembershipChecker } from '../src/tasks/membership.js';
import { createDb, type HeraldDb } from '../src/db/database.js';
import { sql } from 'kysely';
import { TaskRepository } from '../src/db/task-repository.js';
import type { TaskStatus } from '../src/domain/task-status.js';
import { SmtpSink } from '../src/infra/smtp-sink.js';
import { createLogger } from '../src/logger.js';
import { createMailer, type Mailer } from '../src/mail/mailer.js';
import { TemplateResolver } from '../src/mail/template-resolver.js';
import { ServerTemplateRepository } from '../src/db/server-template-repository.js';
import { TemplateRegistry } from '../src/mail/templates.js';
import { createTestDatabase } from './support/harness.js';
import { type DiscordEmulator, startDiscordEmulator } from './discord-emulator/emulator.js';
import { TcpProxy } from './support/tcp-proxy.js';

const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
/** The SDK's own "Activity failed" lines: the failures here are on purpose. */
const quietSdk = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let database: { url: string; db: HeraldDb; drop(): Promise<void> };
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

/** A task row as TaskService stores it (by default the console's: no server, so no membership check). */
async function task(status: TaskStatus, scheduledAt: Date | null = null, owner: { requesterId: string; guildId: string } | null = null) {
  const id = randomUUID();
  await tasks.insert({
    id,
    name: `notice → ${id}@example.com`,
    description: 'activity test',
    requester_id: owner?.requesterId ?? 'activity-user',
    guild_id: owner?.guildId ?? null,
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
      // As Temporal gives them: this attempt was scheduled now, with the workflow's send timeout.
      currentAttemptScheduledTimestampMs: Date.now(),
      startToCloseTimeoutMs: 11 * 60_000,
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
      recorded: true,
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
    expect(result).toEqual({ kind: 'sent', messageId: `<${id}@example.test>`, recorded: true });
    expect(mailsOf(id)[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(due.getTime());
    // One every 0.8 heartbeat timeout (320 ms) over the 1.5 s hold; a stalled beat would show as fewer.
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

describe('sendTaskMail while PostgreSQL is away (through a relay the test stops)', () => {
  const stopping = new AbortController();
  const relayed = useRelayedActivity(() => ({ shuttingDown: stopping.signal }));

  it('waits for the database before the claim instead of failing the attempt, then sends once', async () => {
    const id = await task('queued');
    await relayed.down(2_000);
    const started = Date.now();
    const result = await attempt().env.run(relayed.activity, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 60_000 });
    expect(result).toEqual({ kind: 'sent', messageId: `<${id}@example.test>`, recorded: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(mailsOf(id)).toHaveLength(1);
    expect(await tasks.findById(id)).toMatchObject({ status: 'finished', attempts: 1 });
  });

  it('gives up at the task\'s deadline, for good, with a reason that names the database and no address', async () => {
    const id = await task('queued');
    await relayed.down(4_000);
    const failure = await failureOf(attempt().env.run(relayed.activity, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 1_000 }));
    expect(failure).toMatchObject({ type: 'DatabaseUnavailableError', nonRetryable: true });
    expect(failure!.message).toMatch(/database could not be reached until 1 second after its time/);
    expect(failure!.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    expect(mailsOf(id)).toHaveLength(0);
    await until(() => relayed.relay.running);
    expect((await tasks.findById(id))!.status).toBe('queued'); // never claimed
  });

  it('reports the relay\'s acceptance even when the row cannot be marked finished: recorded false, nothing to retry', async () => {
    const id = await task('queued');
    sink.setDelay(1_000);
    try {
      const running = attempt().env.run(relayed.activity, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 60_000 });
      await until(() => sink.inFlight === 1);
      await relayed.relay.stop();
      expect(await running).toEqual({ kind: 'sent', messageId: `<${id}@example.test>`, recorded: false });
    } finally {
      sink.setDelay(0);
      await relayed.relay.resume();
    }
    expect(mailsOf(id)).toHaveLength(1);
    expect((await tasks.findById(id))!.status).toBe('running'); // the workflow's recordSent finishes it
  });

  // Last in this group: its shutdown signal stays aborted.
  it('hands the task back, unclaimed, when the worker shuts down while it waits for the database', async () => {
    const id = await task('queued');
    await relayed.relay.stop();
    try {
      const running = attempt().env.run(relayed.activity, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 60_000 });
      setTimeout(() => stopping.abort(), 500);
      expect(await running).toEqual({ kind: 'interrupted' });
    } finally {
      await relayed.relay.resume();
    }
    expect((await tasks.findById(id))!).toMatchObject({ status: 'queued', claim_token: null });
    expect(mailsOf(id)).toHaveLength(0);
  });
});

describe('the membership check before the claim (the Discord emulator; PostgreSQL through a relay the test stops)', () => {
  const GUILD = '980000000000000010';
  const stays = { id: '981000000000000001', username: 'stays' };
  const leaves = { id: '981000000000000002', username: 'leaves' };
  let discord: DiscordEmulator;

  beforeAll(async () => {
    discord = await startDiscordEmulator({
      applicationId: '980000000000000001',
      botUser: { id: '980000000000000002', username: 'herald' },
      token: 'membership-activity-token',
      guilds: [{ id: GUILD, name: 'Members', members: [stays, leaves].map((user) => ({ user })) }],
    });
  });
  afterAll(() => discord?.close());
  const relayed = useRelayedActivity(() => ({
    membership: new DiscordMembershipChecker({ token: 'membership-activity-token', apiUrl: discord.apiUrl }),
  }));

  it('waits for the database in the check instead of failing the attempt, then sends once: the check is no attempt', async () => {
    const id = await task('queued', null, { requesterId: stays.id, guildId: GUILD });
    await relayed.down(2_000);
    const started = Date.now();
    const result = await attempt().env.run(relayed.activity, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 60_000 });
    expect(result).toMatchObject({ kind: 'sent', recorded: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(mailsOf(id)).toHaveLength(1);
    expect(await tasks.findById(id)).toMatchObject({ status: 'finished', attempts: 1, failure_reason: null });
  });

  it('a requester who left, found after a database wait: fails for good, unclaimed, with the user-safe reason recorded', async () => {
    const id = await task('queued', null, { requesterId: leaves.id, guildId: GUILD });
    expect(discord.removeMember(GUILD, leaves.id)).toBe(true);
    await relayed.down(2_000);
    const failure = await failureOf(attempt().env.run(relayed.activity, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 60_000 }));
    expect(failure).toMatchObject({ type: 'RequesterNotMemberError', nonRetryable: true });
    expect(mailsOf(id)).toHaveLength(0);
    // Never claimed, so no SMTP attempt was used; the workflow records the failure itself.
    expect(await tasks.findById(id)).toMatchObject({ status: 'queued', attempts: 0, claim_token: null, failure_reason: 'requester-left' });
  });
});

describe('a task past its deadline', () => {
  it('is not claimed, and fails for good with the reason', async () => {
    const id = await task('queued');
    await sql`UPDATE tasks SET created_at = now() - interval '2 minutes' WHERE id = ${id}`.execute(database.db);
    const failure = await failureOf(attempt().env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 60_000 }));
    expect(failure).toMatchObject({ type: 'TaskTooLateError', nonRetryable: true });
    expect(failure!.message).toMatch(/within 1 minute of its time/);
    expect((await tasks.findById(id))!.status).toBe('queued');
    expect(mailsOf(id)).toHaveLength(0);
  });

  it('but a retry of a task this chain already claimed goes on, late or not', async () => {
    const id = await task('queued');
    sink.failNext(1, 451);
    await failureOf(attempt({ runId: 'late-run' }).env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 60_000 }));
    await sql`UPDATE tasks SET created_at = now() - interval '2 minutes' WHERE id = ${id}`.execute(database.db);
    const retried = await attempt({ runId: 'late-run', attempt: 2 }).env.run(sendTaskMail, { taskId: id, dueBy: new Date().toISOString(), staleSendAfterMs: 60_000 });
    expect(retried).toMatchObject({ kind: 'sent' });
    expect(mailsOf(id)).toHaveLength(1);
  });
});

/**
 * In the describe block that calls it: the send step on its own pool to PostgreSQL, through a relay
 * the test stops. `deps` (read once the block's earlier beforeAll hooks have run) adds to or
 * replaces the step's dependencies.
 */
function useRelayedActivity(deps: () => Partial<SendMailDeps> = () => ({})) {
  let proxy: TcpProxy;
  let relayedDb: HeraldDb;
  let step: ReturnType<typeof createSendMailActivity>;
  beforeAll(async () => {
    proxy = await TcpProxy.before(database.url);
    relayedDb = createDb(proxy.urlFor(database.url), { poolMax: 5 });
    step = createSendMailActivity({
      tasks: new TaskRepository(relayedDb),
      templates: new TemplateResolver(TemplateRegistry.load(), new ServerTemplateRepository(relayedDb)),
      mailer,
      logger,
      shuttingDown: new AbortController().signal,
      ...deps(),
    });
  });
  afterAll(async () => {
    await proxy?.resume();
    await relayedDb?.destroy();
    await proxy?.stop();
  });
  return {
    get relay() {
      return proxy;
    },
    get activity() {
      return step;
    },
    /** PostgreSQL away from now for `ms`. */
    async down(ms: number) {
      await proxy.stop();
      setTimeout(() => void proxy.resume(), ms);
    },
  };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
