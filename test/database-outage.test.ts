// PostgreSQL goes away while mails fall due: the whole Herald (real PostgreSQL behind a relay the
// test stops, the Temporal dev server in real time, the worker, the SMTP sink). A database error is
// never a send attempt, the relay's acceptance is never followed by a second delivery, and a task
// fails for the database only once it could no longer go out on time.
import { describe, expect, it } from 'vitest';
import type { TcpProxy } from './support/tcp-proxy.js';
import { useHarness } from './support/use-harness.js';

// The service's clock runs 55 s behind: a reservation "a minute ahead" falls due 5 s from now, inside
// the 60 s prepare lead, so its send step holds in the worker as in production. Retries come after
// 1 s and 2 s, so three attempts all fit inside a short outage.
const h = useHarness({
  server: 'dev',
  databaseProxy: true,
  clock: () => new Date(Date.now() - 55_000),
  configEnv: { MAIL_RETRY_INITIAL_INTERVAL: '1s', STALE_SEND_AFTER: '10m', SMTP_POOL_MAX_CONNECTIONS: '5' },
});

const proxy = (): TcpProxy => h.databaseProxy!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

const notice = (requesterId: string, n: number) => ({
  requesterId,
  template: 'notice',
  to: `${requesterId}-${n}@example.com`,
  variables: `title=Outage ${n};body=Sent once`,
  description: `outage ${n}`,
});

/** Waits for the task's workflow to close, however it closes. */
const settled = (taskId: string) => h.workflow(taskId).result().catch(() => undefined);

/** The rows as PostgreSQL has them (the relay must be up). */
async function rows(ids: string[]) {
  return h.db.selectFrom('tasks').select(['id', 'status', 'attempts', 'error']).where('id', 'in', ids).execute();
}

describe('PostgreSQL stops after the relay accepted', () => {
  it('never sends again: the retry only finishes the bookkeeping, for every mail of the batch', async () => {
    h.sink.setDelay(2_000); // a slow relay: the database goes away while it holds the mails
    const tasks = await Promise.all(Array.from({ length: 5 }, (_, n) => h.service.enqueueTask(notice('accepted', n))));
    const ids = tasks.map((t) => t.id);
    try {
      await until(() => h.sink.inFlight === 5);
      await proxy().stop();
      await until(() => ids.every((id) => h.mailsOf(id).length > 0), 30_000);
      await sleep(2_000); // the first retries come and find no database
    } finally {
      h.sink.setDelay(0);
      await proxy().resume();
    }
    await Promise.all(ids.map(settled));
    await sleep(1_000); // a second delivery would be on its way by now

    for (const id of ids) expect(h.mailsOf(id)).toHaveLength(1);
    expect((await rows(ids)).map((r) => r.status)).toEqual(ids.map(() => 'finished'));
  }, 60_000);
});

describe('a workflow terminated while its sent mail waited to be recorded', () => {
  it('the reconciler reads the acceptance from the workflow\'s history and finishes the row', async () => {
    h.sink.setDelay(1_000);
    const task = await h.service.enqueueTask(notice('terminated-after-acceptance', 0));
    try {
      await until(() => h.sink.inFlight === 1);
      await proxy().stop();
      await until(() => h.mailsOf(task.id).length === 1);
      // The step reported the acceptance; the workflow's recordSent waits for the database. An
      // operator terminates the run meanwhile.
      await until(async () => (await h.workflow(task.id).fetchHistory()).events!.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordSent'));
      await h.workflow(task.id).terminate('pressed Terminate in the UI');
    } finally {
      h.sink.setDelay(0);
      await proxy().resume();
    }
    expect((await rows([task.id]))[0]!.status).toBe('running');
    // Past the grace the reconciler leaves a send that may still be finishing in a worker.
    await h.db.updateTable('tasks').set({ updated_at: new Date(Date.now() - 10 * 60_000) }).where('id', '=', task.id).execute();
    await h.reconciler.runOnce();
    expect((await rows([task.id]))[0]).toMatchObject({ status: 'finished', error: null });
    expect(h.mailsOf(task.id)).toHaveLength(1);
  }, 60_000);
});

describe('PostgreSQL stops while reservations fall due', () => {
  it('delivers every one once when it is back: database errors use up no SMTP attempt', async () => {
    const due = Date.now() + 9_000;
    const tasks = await Promise.all(
      Array.from({ length: 20 }, (_, n) => h.service.reserveTask({ ...notice('outage', n), when: new Date(due + (n % 5) * 500) })),
    );
    const ids = tasks.map((t) => t.id);
    await sleep(due - 3_000 - Date.now());
    await proxy().stop(); // down from 3 s before the first is due…
    await sleep(12_000); // …to 10 s after the last: longer than three attempts 1 s and 2 s apart
    await proxy().resume();
    await Promise.all(ids.map(settled));

    for (const id of ids) expect(h.mailsOf(id)).toHaveLength(1);
    const after = await rows(ids);
    expect(after.filter((r) => r.status === 'failed').map((r) => r.error)).toEqual([]);
    expect(after.every((r) => r.status === 'finished' && r.attempts === 1)).toBe(true);
  }, 120_000);

  it('counts SMTP refusals only: two refusals and an outage between them still end in a delivery on the third attempt', async () => {
    const refusedBefore = h.sink.refused;
    h.sink.failNext(2, 451);
    const task = await h.service.enqueueTask({ ...notice('refused-then-outage', 0) });
    await until(() => h.sink.refused > refusedBefore);
    await proxy().stop(); // the retry after the first refusal finds no database
    await sleep(5_000);
    await proxy().resume();
    await settled(task.id);

    expect(h.mailsOf(task.id)).toHaveLength(1);
    expect((await rows([task.id]))[0]).toMatchObject({ status: 'finished', attempts: 3 });
  }, 60_000);
});

describe('PostgreSQL stays away past the task\'s deadline', () => {
  const staleHarness = useHarness({
    server: 'dev',
    databaseProxy: true,
    clock: () => new Date(Date.now() - 55_000),
    configEnv: { MAIL_RETRY_INITIAL_INTERVAL: '1s', STALE_SEND_AFTER: '3s' },
  });

  it('fails the task with a reason that names the database, without a delivery attempt and without a host or port', async () => {
    const relay = staleHarness.databaseProxy!;
    const due = Date.now() + 6_000;
    const task = await staleHarness.service.reserveTask({ ...notice('past-deadline', 0), when: new Date(due) });
    await sleep(due - 2_000 - Date.now());
    await relay.stop();
    await sleep(9_000); // until 7 s after it was due: past its 3 s deadline
    await relay.resume();
    await staleHarness.workflow(task.id).result().catch(() => undefined);

    const row = await staleHarness.db
      .selectFrom('tasks')
      .select(['status', 'error', 'failure_reason', 'attempts'])
      .where('id', '=', task.id)
      .executeTakeFirstOrThrow();
    expect(staleHarness.mailsOf(task.id)).toHaveLength(0);
    expect(staleHarness.sink.refused).toBe(0);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/database/i);
    expect(row.error).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:\d{2,5}\b/);
    expect(row.failure_reason).toBe('database-unavailable');
    // Still the first attempt: the wait for the database was not counted as a delivery attempt.
    expect(row.attempts).toBeLessThanOrEqual(1);
  }, 60_000);
});
