// The gap between inserting a task and starting its workflow: a crash there must not strand the task.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { mailRetryPolicy } from '../src/domain/retry-policy.js';
import { MAIL_TASK_WORKFLOW, type MailTaskInput } from '../src/workflows/definitions.js';
import { useHarness } from './support/use-harness.js';

// The core's reconciler, not started: these tests run it when they choose (default grace: 30 s).
const h = useHarness({ server: 'dev' });

/** A row as a crashed request leaves it: inserted, its workflow never started. */
async function strandedRow(status: 'queued' | 'reserved', scheduledAt: Date | null, ageSeconds: number) {
  const id = randomUUID();
  await h.tasks.insert({
    id,
    name: 'notice → stranded@example.com',
    description: 'stranded by a crash',
    requester_id: 'crash-user',
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
