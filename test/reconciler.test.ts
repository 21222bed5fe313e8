// The gap between inserting a task and starting its workflow: a crash there must not strand the task.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { mailRetryPolicy } from '../src/domain/retry-policy.js';
import { Reconciler } from '../src/tasks/reconciler.js';
import { TaskService } from '../src/tasks/task-service.js';
import { WorkflowStarter } from '../src/tasks/workflow-starter.js';
import type { TaskScheduler } from '../src/temporal/mail-task-scheduler.js';
import { MAIL_TASK_WORKFLOW, type MailTaskInput } from '../src/workflows/definitions.js';
import { useHarness } from './support/use-harness.js';

// The core's reconciler, not started: these tests run it when they choose (default grace: 30 s).
const h = useHarness({ server: 'dev' });

/** A row as a crashed request leaves it: inserted, its workflow never started. */
async function strandedRow(status: 'queued' | 'reserved', scheduledAt: Date | null, ageSeconds: number, requesterId = 'crash-user') {
  const id = randomUUID();
  await h.tasks.insert({
    id,
    name: 'notice → stranded@example.com',
    description: 'stranded by a crash',
    requester_id: requesterId,
    guild_id: null,
    status,
    scheduled_at: scheduledAt,
    payload: { recipients: ['stranded@example.com'], template: 'notice', variables: { title: 'Stranded', body: 'Found' }, language: 'en' },
  });
  await sql`UPDATE tasks SET created_at = now() - make_interval(secs => ${ageSeconds}) WHERE id = ${id}`.execute(h.db);
  return id;
}

const describeStatus = (id: string) =>
  h.workflow(id)
    .describe()
    .then((d) => d.status.name, () => 'NOT_FOUND');

describe('the outbox (RESERVATION_START=outbox)', () => {
  /** The product's TaskService with the outbox, on this file's database and Temporal; no starter runs. */
  const outboxService = () =>
    new TaskService({ repository: h.tasks, scheduler: h.scheduler, templates: h.templates, logger: h.logger, outbox: { kick: () => undefined } });
  const reserve = (requesterId: string, inMs: number) =>
    outboxService().reserveTask({
      requesterId,
      template: 'notice',
      to: 'outbox@example.com',
      variables: 'title=a;body=b',
      description: 'through the outbox',
      when: new Date(Date.now() + inMs),
    });

  it('a crash between the commit and the start: the reservation was confirmed, and the reconciler starts its workflow', async () => {
    // The answer follows the commit; the worker (and its starter) crashed before starting the workflow.
    const task = await reserve('outbox-crash', 3_600_000);
    expect(task.status).toBe('reserved');
    const row = await h.tasks.findById(task.id).then((r) => r!);
    expect(row.workflow_started_at).toBeNull();
    expect(await describeStatus(task.id)).toBe('NOT_FOUND');

    // Within its grace period the row is the starter's; after it, the reconciler starts it.
    await h.reconciler.runOnce();
    expect(await describeStatus(task.id)).toBe('NOT_FOUND');
    await sql`UPDATE tasks SET created_at = now() - interval '2 minutes' WHERE id = ${task.id}`.execute(h.db);
    await h.reconciler.runOnce();
    expect(await describeStatus(task.id)).toBe('RUNNING');
    expect((await h.tasks.findById(task.id).then((r) => r!)).workflow_started_at).toBeInstanceOf(Date);
    await h.service.cancelTask('outbox-crash', task.id);
  });

  it('a starter that crashed holding rows: neither another starter nor the reconciler takes them until the lease has run out', async () => {
    const task = await reserve('outbox-lease', 3_600_000);
    // The crashed starter's lease: taken, never started.
    expect((await h.tasks.claimForStart(10, 30_000)).map((r) => r.id)).toContain(task.id);
    const next = new WorkflowStarter({ repository: h.tasks, scheduler: h.scheduler, logger: h.logger, leaseMs: 30_000 });
    expect(await next.startBatch()).toEqual({ taken: 0, failed: 0 });
    // Nor does the reconciler start a row a starter holds, however old.
    await sql`UPDATE tasks SET created_at = now() - interval '2 minutes' WHERE id = ${task.id}`.execute(h.db);
    await h.reconciler.runOnce();
    expect(await describeStatus(task.id)).toBe('NOT_FOUND');

    const before = await next.backlog();
    await sql`UPDATE tasks SET start_claimed_at = now() - interval '31 seconds' WHERE id = ${task.id}`.execute(h.db);
    expect(await next.startBatch()).toEqual({ taken: 1, failed: 0 });
    expect(await describeStatus(task.id)).toBe('RUNNING');
    expect((await h.tasks.findById(task.id).then((r) => r!)).workflow_started_at).toBeInstanceOf(Date);
    expect((await next.backlog()).pending).toBe(before.pending - 1);
    await h.service.cancelTask('outbox-lease', task.id);
  });
});

describe('the reconciler', () => {
  it('starts the workflow of a stranded send and of a stranded reservation, and leaves young rows alone', async () => {
    const send = await strandedRow('queued', null, 120);
    const reservation = await strandedRow('reserved', new Date(Date.now() + 3_600_000), 120);
    const young = await strandedRow('queued', null, 1);
    expect(await describeStatus(send)).toBe('NOT_FOUND');

    expect(await h.reconciler.runOnce()).toBe(2);
    await h.sink.waitFor((m) => m.messageId === `<${send}@example.test>`);
    expect(await h.workflow(send).result()).toMatchObject({ kind: 'sent' });
    const { runId } = await h.workflow(send).describe();
    expect(await describeStatus(reservation)).toBe('RUNNING');
    expect(await describeStatus(young)).toBe('NOT_FOUND'); // its own request may still be starting it

    // Idempotent: nothing left to do, and running it again starts nothing twice.
    expect(await h.reconciler.runOnce()).toBe(0);
    await h.scheduler.start({ id: send, scheduledAt: null });
    expect((await h.workflow(send).describe()).runId).toBe(runId); // no second run
    expect(h.mailsOf(send)).toHaveLength(1);
    await h.service.cancelTask('crash-user', reservation);
  });

  it("deletes the hourly limits' bookkeeping that left the hour, and keeps the last hour's", async () => {
    // Requests no longer delete it (one round trip fewer each, on the relay's path): this pass does.
    await sql`INSERT INTO relay_usage (minute, recipients) VALUES
      (date_trunc('minute', now() - interval '3 hours'), 7), (date_trunc('minute', now() - interval '37 minutes'), 5)`.execute(h.db);
    await sql`INSERT INTO recipient_additions (requester_id, recipients, added_at) VALUES
      ('housekeeping', 4, now() - interval '2 hours'), ('housekeeping', 2, now() - interval '5 minutes')`.execute(h.db);
    await h.reconciler.runOnce();
    const relay = await sql<{ recipients: number }>`SELECT recipients FROM relay_usage
      WHERE minute IN (date_trunc('minute', now() - interval '3 hours'), date_trunc('minute', now() - interval '37 minutes'))`.execute(h.db);
    expect(relay.rows.map((r) => r.recipients)).toEqual([5]);
    const added = await h.db.selectFrom('recipient_additions').select('recipients').where('requester_id', '=', 'housekeeping').execute();
    expect(added.map((r) => r.recipients)).toEqual([2]);
  });

  it('pages through more stranded rows than one batch holds, and starts every one of them', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await strandedRow('reserved', new Date(Date.now() + 3_600_000), 200 - i, 'paged-user'));
    const reconciler = new Reconciler({ repository: h.tasks, scheduler: h.scheduler, logger: h.logger, batchSize: 2 });
    expect(await reconciler.runOnce()).toBe(5);
    for (const id of ids) expect(await describeStatus(id)).toBe('RUNNING');
    for (const id of ids) await h.service.cancelTask('paged-user', id);
  });

  it('a normal reservation is marked as started and is never picked up', async () => {
    const task = await h.service.reserveTask({
      requesterId: 'normal-user',
      template: 'notice',
      to: 'n@example.com',
      variables: 'title=a;body=b',
      description: 'normal',
      when: new Date(Date.now() + 3_600_000),
    });
    expect((await h.tasks.findById(task.id))!.workflow_started_at).toBeInstanceOf(Date);
    await sql`UPDATE tasks SET created_at = now() - interval '1 hour' WHERE id = ${task.id}`.execute(h.db);
    expect(await h.reconciler.runOnce()).toBe(0);
    await h.service.cancelTask('normal-user', task.id);
  });
});

/** A row whose workflow was started once, and is gone now (deleted, or Temporal lost its data). */
async function rowWithoutItsWorkflow(status: 'queued' | 'reserved', scheduledAt: Date | null, ageSeconds: number, requesterId: string) {
  const id = await strandedRow(status, scheduledAt, ageSeconds, requesterId);
  await sql`UPDATE tasks SET workflow_started_at = created_at WHERE id = ${id}`.execute(h.db);
  return id;
}

const rowOf = async (id: string) => (await h.tasks.findById(id))!;

describe('the reconciler repairs open tasks whose workflow has ended or vanished', () => {
  it('fails a reservation whose workflow was terminated from the Temporal UI, saying so', async () => {
    const task = await h.service.reserveTask({
      requesterId: 'terminated-user',
      template: 'notice',
      to: 't@example.com',
      variables: 'title=a;body=b',
      description: 'terminated while it slept',
      when: new Date(Date.now() + 3_600_000),
    });
    await h.workflow(task.id).terminate('pressed Terminate in the UI');
    await h.reconciler.runOnce();
    const row = await rowOf(task.id);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/terminated/i);
    // What the requester and the History read: classified, not the raw error.
    expect(row.failure_reason).toBe('stopped');
    expect(h.mailsOf(task.id)).toHaveLength(0);
  });

  it('starts again a task whose workflow is missing, and fails one that could no longer go out on time', async () => {
    const young = await rowWithoutItsWorkflow('queued', null, 90, 'vanished-young');
    const later = await rowWithoutItsWorkflow('reserved', new Date(Date.now() + 3_600_000), 90, 'vanished-later');
    const stale = await rowWithoutItsWorkflow('queued', null, 11 * 60, 'vanished-stale');
    await h.reconciler.runOnce();

    expect(await h.workflow(young).result()).toMatchObject({ kind: 'sent' });
    expect(h.mailsOf(young)).toHaveLength(1);
    expect(await describeStatus(later)).toBe('RUNNING');
    expect((await rowOf(later)).status).toBe('reserved');
    const staleRow = await rowOf(stale);
    expect(staleRow.status).toBe('failed');
    expect(staleRow.error).toMatch(/10 minutes/);
    expect(staleRow.failure_reason).toBe('too-late');
    expect(await describeStatus(stale)).toBe('NOT_FOUND');
    expect(h.mailsOf(stale)).toHaveLength(0);
    await h.service.cancelTask('vanished-later', later);
  });

  it('fails a task left running by a workflow that vanished before the relay confirmed it, saying so in words users may read', async () => {
    const id = await rowWithoutItsWorkflow('queued', null, 5 * 60, 'vanished-while-sending');
    // Claimed by a send step minutes ago; nothing of it is left (its worker and its workflow are gone).
    await sql`UPDATE tasks SET status = 'running', attempts = 1, claim_token = 'gone/1', updated_at = now() - interval '5 minutes' WHERE id = ${id}`.execute(h.db);
    await h.reconciler.runOnce();
    const row = await rowOf(id);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/no longer exists while the mail was being sent/);
    expect(row.failure_reason).toBe('send-unconfirmed');
    expect(h.mailsOf(id)).toHaveLength(0);
  });

  it('fails a send that was stranded longer than STALE_SEND_AFTER instead of sending it hours late', async () => {
    const stale = await strandedRow('queued', null, 2 * 3600, 'stranded-stale');
    await h.reconciler.runOnce();
    const row = await rowOf(stale);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/10 minutes/);
    expect(row.failure_reason).toBe('too-late');
    expect(await describeStatus(stale)).toBe('NOT_FOUND');
    expect(h.mailsOf(stale)).toHaveLength(0);
  });

  it('goes on past a row it cannot repair, and tries it again next time', async () => {
    const bad = await strandedRow('reserved', new Date(Date.now() + 3_600_000), 120, 'bad-row');
    const good = await strandedRow('reserved', new Date(Date.now() + 3_600_000), 60, 'good-row');
    const failing: TaskScheduler = Object.assign(Object.create(h.scheduler) as TaskScheduler, {
      start: (task: { id: string; scheduledAt: Date | null }) =>
        task.id === bad ? Promise.reject(new Error('this row is cursed')) : h.scheduler.start(task),
    });
    const reconciler = new Reconciler({ repository: h.tasks, scheduler: failing, logger: h.logger });
    await expect(reconciler.runOnce()).resolves.toBeGreaterThanOrEqual(1);
    expect(await describeStatus(good)).toBe('RUNNING');
    expect(await describeStatus(bad)).toBe('NOT_FOUND');

    await h.reconciler.runOnce();
    expect(await describeStatus(bad)).toBe('RUNNING');
    await h.service.cancelTask('bad-row', bad);
    await h.service.cancelTask('good-row', good);
  });
});

describe('a workflow whose row is missing', () => {
  it('fails without sending', async () => {
    const id = randomUUID();
    const input: MailTaskInput = {
      taskId: id,
      scheduledAt: null,
      retry: mailRetryPolicy(h.config),
    };
    const handle = await h.env.client.workflow.start(MAIL_TASK_WORKFLOW, { workflowId: id, taskQueue: h.taskQueue, args: [input] });
    const failure = await handle.result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(/no row in the database/);
    expect(h.mailsOf(id)).toHaveLength(0);
  });
});
