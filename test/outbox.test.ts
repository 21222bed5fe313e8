// The transactional outbox (issue 14): /reserve answers once the row is committed, and the
// starter starts workflows in batches, the earliest due first, before they are due to wake.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { outboxBacklogAge, outboxPending } from '../src/ops/metrics.js';
import { WorkflowStarter } from '../src/tasks/workflow-starter.js';
import { useHarness } from './support/use-harness.js';

const h = useHarness({ server: 'dev', configEnv: { RESERVATION_START: 'outbox' } });

const workflowStatus = (id: string) =>
  h.workflow(id)
    .describe()
    .then((d) => d.status.name, () => 'NOT_FOUND');

const reserve = (requesterId: string, inMinutes: number) =>
  h.service.reserveTask({
    requesterId,
    template: 'notice',
    to: 'outbox@example.com',
    variables: 'title=a;body=b',
    description: `in ${inMinutes} minutes`,
    when: new Date(Date.now() + inMinutes * 60_000),
  });

const started = async (ids: string[]) =>
  (await h.db.selectFrom('tasks').select('id').where('id', 'in', ids).where('workflow_started_at', 'is not', null).execute()).map((r) => r.id).sort();

afterEach(async () => {
  await h.starter.stop();
  // Leave nothing open for the next test's starter.
  const open = await h.db.selectFrom('tasks').select(['id', 'requester_id']).where('status', 'in', ['queued', 'reserved']).execute();
  for (const task of open) await h.service.cancelTask(task.requester_id, task.id);
});

describe('the outbox', () => {
  it('answers a reservation from the committed row, before any workflow exists', async () => {
    const task = await reserve('answer-first', 30);
    expect(task.status).toBe('reserved');
    const row = (await h.tasks.findById(task.id))!;
    expect(row.status).toBe('reserved');
    expect(row.workflow_started_at).toBeNull();
    expect(await workflowStatus(task.id)).toBe('NOT_FOUND');
    const backlog = await h.starter.backlog();
    expect(backlog.pending).toBe(1);
    expect(backlog.oldestAgeMs).toBeGreaterThanOrEqual(0);
    // Due in 30 minutes, by the database's clock.
    expect(backlog.nextDueInMs).toBeGreaterThan(29 * 60_000);
    expect(backlog.nextDueInMs).toBeLessThan(31 * 60_000);
    expect((await outboxPending.get()).values[0]?.value).toBe(1);
  });

  it('starts workflows in batches, the earliest due first', async () => {
    const minutes = [50, 10, 40, 20, 30];
    const tasks = [];
    for (const [i, m] of minutes.entries()) tasks.push(await reserve(`order-${i}`, m));
    const byDue = [...tasks].sort((a, b) => a.scheduledAt!.getTime() - b.scheduledAt!.getTime()).map((t) => t.id);
    const ids = tasks.map((t) => t.id);
    const starter = new WorkflowStarter({ repository: h.tasks, scheduler: h.scheduler, logger: h.logger, batchSize: 2 });

    expect(await starter.startBatch()).toEqual({ taken: 2, failed: 0 });
    expect(await started(ids)).toEqual(byDue.slice(0, 2).sort());
    expect(await starter.startBatch()).toEqual({ taken: 2, failed: 0 });
    expect(await started(ids)).toEqual(byDue.slice(0, 4).sort());
    const backlog = await starter.backlog();
    expect(backlog.pending).toBe(1);
    expect(backlog.nextDueInMs).toBeGreaterThan(49 * 60_000);
    expect(await starter.startBatch()).toEqual({ taken: 1, failed: 0 });
    for (const id of ids) expect(await workflowStatus(id)).toBe('RUNNING');
    expect(await starter.startBatch()).toEqual({ taken: 0, failed: 0 });
  });

  it('a running starter starts a new reservation at once, and the backlog age says how long the oldest waited', async () => {
    const waiting = await reserve('aged', 20);
    await sql`UPDATE tasks SET created_at = now() - interval '42 seconds' WHERE id = ${waiting.id}`.execute(h.db);
    await h.starter.backlog();
    expect((await outboxBacklogAge.get()).values[0]?.value).toBeGreaterThanOrEqual(42);

    h.starter.start();
    const task = await reserve('kicked', 20);
    const deadline = Date.now() + 10_000;
    while ((await workflowStatus(task.id)) !== 'RUNNING' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await workflowStatus(task.id)).toBe('RUNNING');
    expect(await workflowStatus(waiting.id)).toBe('RUNNING');
    const deadlineEmpty = Date.now() + 5_000;
    while ((await outboxPending.get()).values[0]?.value !== 0 && Date.now() < deadlineEmpty) await new Promise((r) => setTimeout(r, 50));
    expect((await outboxBacklogAge.get()).values[0]?.value).toBe(0);
  });

  it('stages the wake-ups of reservations due together so that no second has more than the budget', async () => {
    // Wake-ups set by earlier tests' starters do not count here.
    await sql`DELETE FROM wake_slots`.execute(h.db);
    const due = new Date(Math.ceil((Date.now() + 25 * 60_000) / 1000) * 1000);
    const tasks = [];
    for (let i = 0; i < 25; i++) tasks.push(await h.service.reserveTask({ requesterId: `burst-${i}`, template: 'notice', to: 'b@example.com', variables: 'title=a;body=b', description: 'burst', when: due }));
    const leadMs = 60_000;
    const starter = new WorkflowStarter({ repository: h.tasks, scheduler: h.scheduler, logger: h.logger, prepareLeadMs: leadMs, wakeBudget: 10 });
    expect(await starter.startBatch()).toEqual({ taken: 25, failed: 0 });

    // What each workflow was started with: its lead, and its start delay (until it wakes).
    const wakes = new Map<number, number>();
    for (const task of tasks) {
      const history = await h.workflow(task.id).fetchHistory();
      const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
      const input = JSON.parse(Buffer.from(started.input!.payloads![0]!.data!).toString()) as { prepareLeadMs: number };
      const wakeSecond = (due.getTime() - input.prepareLeadMs) / 1000;
      wakes.set(wakeSecond, (wakes.get(wakeSecond) ?? 0) + 1);
      expect(input.prepareLeadMs).toBeGreaterThanOrEqual(leadMs);
      const startDelayMs = Number(started.firstWorkflowTaskBackoff!.seconds) * 1000;
      expect(Math.abs(Number(history.events![0]!.eventTime!.seconds) * 1000 + startDelayMs - wakeSecond * 1000)).toBeLessThan(2_000);
    }
    const last = (due.getTime() - leadMs) / 1000;
    expect([...wakes.entries()].sort((a, b) => b[0] - a[0])).toEqual([[last, 10], [last - 1, 10], [last - 2, 5]]);
  });
});
