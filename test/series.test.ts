// Repeating reservations (issue 11) end to end on the Temporal CLI dev server (the time-skipping
// test server has no Schedules), real PostgreSQL and the SMTP sink. Runs of a few minutes' cadence
// fire in real time; runs in the past are made by backfilling the series' own Schedule, with the
// series reserved on a clock set back ("created earlier"), which is how a missed run reaches Herald.
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../src/app/commands.js';
import { countOpenReservations } from '../src/db/task-repository.js';
import { seriesRunWorkflowIdAt, seriesScheduleId } from '../src/domain/series-ids.js';
import type { Task } from '../src/tasks/task-view.js';
import { useHarness } from './support/use-harness.js';

// The service's clock, set back by `shift.ms` while a series is reserved "earlier".
const shift = { ms: 0 };
const h = useHarness({
  server: 'dev',
  clock: () => new Date(Date.now() + shift.ms),
  // Minute cadences for real-time runs; a catch-up window short enough to test both sides of it.
  configEnv: { MIN_REPEAT_INTERVAL: '1m', CATCHUP_WINDOW: '5m' },
});

afterEach(() => {
  shift.ms = 0;
});

const ctx = (userId: string, timeZone = 'UTC'): CommandContext => ({ userId, guildId: 'guild-1', locale: 'en', timeZone });

const mail = (userId: string) => ({
  requesterId: userId,
  guildId: 'guild-1',
  template: 'reminder',
  to: 'ada@example.com',
  variables: 'name=Ada;event=Standup;when=9:30',
  description: 'standup',
});

const schedule = (seriesId: string) => h.env.client.schedule.getHandle(seriesScheduleId(seriesId));

async function scheduleExists(seriesId: string): Promise<boolean> {
  try {
    await schedule(seriesId).describe();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/** The run tasks stored for a series, by run time. */
async function runsOf(seriesId: string) {
  return h.db.selectFrom('tasks').selectAll().where('series_id', '=', seriesId).orderBy('run_at', 'asc').execute();
}

/** Waits for the run workflow the Schedule started for `runAt` to close, and returns its result. */
async function runResult(seriesId: string, runAt: Date): Promise<unknown> {
  const id = seriesRunWorkflowIdAt(seriesId, runAt);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await h.env.client.workflow.getHandle(id).result();
    } catch (err) {
      if (Date.now() > deadline || (err as Error).name !== 'WorkflowNotFoundError') throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Reserves a series as if `minutesAgo` minutes ago, its first run `lead` minutes after that. */
async function reserveEarlier(userId: string, repeat: string, minutesAgo: number, lead = 2): Promise<Task> {
  shift.ms = -minutesAgo * 60_000;
  try {
    return await h.service.reserveSeries({ ...mail(userId), repeat, when: `in ${lead} minutes`, timeZone: 'UTC' });
  } finally {
    shift.ms = 0;
  }
}

describe('reserving a series', () => {
  it('weekly on Monday 09:00 in New York: the confirmation and the Schedule keep 09:00 local across the March change', async () => {
    const result = await h.commands.reserve(ctx('user-dst', 'America/New_York'), {
      template: 'reminder',
      to: 'ada@example.com',
      vars: 'name=Ada;event=Standup;when=9:00',
      description: 'weekly standup',
      when: '2027-03-01 9am',
      repeat: 'every monday',
      until: '2027-04-30',
    });
    if (result.kind !== 'reserved') throw new Error(`not reserved: ${JSON.stringify(result)}`);
    const task = result.task;
    // 2027-03-14 is the change: 09:00 EST is 14:00 UTC before it, 09:00 EDT 13:00 UTC after.
    expect(task.series?.nextRuns.map((d) => d.toISOString())).toEqual(['2027-03-01T14:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z']);
    const row = await h.seriesRepository.findById(task.id);
    expect(row).toMatchObject({ status: 'active', requester_id: 'user-dst', guild_id: 'guild-1' });
    expect(row!.schedule_created_at).toBeInstanceOf(Date);

    // What the real server will fire, read from the Schedule Herald made (not from Herald's own sums).
    const described = await schedule(task.id).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'seriesRunWorkflow', taskQueue: h.taskQueue });
    expect(described.policies.catchupWindow).toBe(5 * 60_000);
    const fired = described.info.nextActionTimes.map((d) => d.toISOString());
    expect(fired).toEqual([
      '2027-03-01T14:00:00.000Z',
      '2027-03-08T14:00:00.000Z',
      '2027-03-15T13:00:00.000Z',
      '2027-03-22T13:00:00.000Z',
      '2027-03-29T13:00:00.000Z',
      '2027-04-05T13:00:00.000Z',
      '2027-04-12T13:00:00.000Z',
      '2027-04-19T13:00:00.000Z',
      '2027-04-26T13:00:00.000Z',
    ]);

    // /reserved lists the series once, at its next run.
    const listed = await h.commands.reserved(ctx('user-dst', 'America/New_York'));
    if (listed.kind !== 'list') throw new Error(`not a list: ${JSON.stringify(listed)}`);
    expect(listed.tasks.map((t) => [t.id, t.scheduledAt?.toISOString()])).toEqual([[task.id, '2027-03-01T14:00:00.000Z']]);
  });

  it('until and a run count end the Schedule with the last run', async () => {
    const until = await h.service.reserveSeries({ ...mail('user-until'), repeat: 'every day', until: '2027-05-03', when: '2027-05-01 08:00', timeZone: 'Asia/Seoul' });
    expect((await schedule(until.id).describe()).info.nextActionTimes.map((d) => d.toISOString())).toEqual([
      '2027-04-30T23:00:00.000Z',
      '2027-05-01T23:00:00.000Z',
      '2027-05-02T23:00:00.000Z',
    ]);
    const counted = await h.service.reserveSeries({ ...mail('user-until'), repeat: '매주 월요일 2회', when: '2027-05-03 10:00', timeZone: 'Asia/Seoul', language: 'ko' });
    expect((await schedule(counted.id).describe()).info.nextActionTimes.map((d) => d.toISOString())).toEqual([
      '2027-05-03T01:00:00.000Z',
      '2027-05-10T01:00:00.000Z',
    ]);
  });

  it('counts as one open reservation toward MAX_OPEN_RESERVATIONS, however many runs it has made', async () => {
    const rails = h.config.guardRails; // the object the core reads its limits from
    const before = rails.maxOpenReservations;
    rails.maxOpenReservations = 2;
    try {
      const user = { userId: 'user-cap', guildId: 'guild-1' };
      await h.service.reserveTask({ ...mail('user-cap'), when: '2027-06-01 09:00', timeZone: 'UTC' });
      const series = await h.service.reserveSeries({ ...mail('user-cap'), repeat: 'every day', when: '2027-06-01 10:00', timeZone: 'UTC' });
      // Its next run made early (a quick move) is a run, not one more reservation.
      await h.service.quickMoveTask(user, series.id, '10m', 'UTC');
      expect(await runsOf(series.id)).toHaveLength(1);
      await expect(h.service.reserveTask({ ...mail('user-cap'), when: '2027-06-02 09:00', timeZone: 'UTC' })).rejects.toMatchObject({ code: 'TOO_MANY_OPEN_RESERVATIONS' });
      await expect(h.service.reserveSeries({ ...mail('user-cap'), repeat: 'every day', when: '2027-06-02 09:00', timeZone: 'UTC' })).rejects.toMatchObject({ code: 'TOO_MANY_OPEN_RESERVATIONS' });
    } finally {
      rails.maxOpenReservations = before;
    }
  });
});

describe('runs', () => {
  it('a run count of two sends two mails, one per run, even with the worker down at the first run; then the series is finished', async () => {
    // Reserved "50 s ago" for a minute later: the first run is 10 s from now, the second a minute after.
    shift.ms = -50_000;
    const task = await h.service.reserveSeries({ ...mail('user-runs'), repeat: 'every minute, 2 times', when: 'in 1 minute', timeZone: 'UTC' });
    shift.ms = 0;
    const [first, second] = task.series!.nextRuns;
    expect(second!.getTime() - first!.getTime()).toBe(60_000);

    // No worker when the first run comes: the Schedule's workflow waits, and is run late (within CATCHUP_WINDOW).
    await h.stopWorker();
    await new Promise((resolve) => setTimeout(resolve, first!.getTime() + 15_000 - Date.now()));
    expect(await runsOf(task.id)).toHaveLength(0);
    await h.startWorker();

    const outcomes = [await runResult(task.id, first!), await runResult(task.id, second!)];
    expect(outcomes).toMatchObject([{ kind: 'started' }, { kind: 'started' }]);
    const runs = await runsOf(task.id);
    expect(runs.map((r) => r.run_at!.toISOString())).toEqual([first!.toISOString(), second!.toISOString()]);
    for (const run of runs) {
      await h.workflow(run.id).result();
      expect(h.mailsOf(run.id)).toHaveLength(1);
    }
    expect(runs.map((r) => r.scheduled_at!.toISOString())).toEqual([first!.toISOString(), second!.toISOString()]);
    expect((await h.tasks.findById(runs[0]!.id))!.status).toBe('finished');

    const series = await h.seriesRepository.findById(task.id);
    expect(series).toMatchObject({ status: 'finished', next_run_at: null });
    expect(await scheduleExists(task.id)).toBe(false);
  }, 240_000);

  it('a missed run within CATCHUP_WINDOW goes out once; older ones are skipped; firing the same times again sends nothing more', async () => {
    // Every 6 minutes from 14 minutes ago: runs at about -14, -8 and -2 minutes (window: 5 minutes).
    const task = await reserveEarlier('user-missed', 'every 6 minutes', 16);
    const first = task.series!.nextRuns[0]!;
    const runs = [0, 1, 2].map((i) => new Date(first.getTime() + i * 6 * 60_000));
    expect(runs[2]!.getTime()).toBeLessThan(Date.now());

    const backfill = () => schedule(task.id).backfill([{ start: new Date(first.getTime() - 1000), end: new Date(runs[2]!.getTime() + 1000), overlap: 'ALLOW_ALL' }]);
    await backfill();
    expect(await runResult(task.id, runs[0]!)).toEqual({ kind: 'skipped', reason: 'missed' });
    expect(await runResult(task.id, runs[1]!)).toEqual({ kind: 'skipped', reason: 'missed' });
    expect(await runResult(task.id, runs[2]!)).toMatchObject({ kind: 'started' });
    const made = await runsOf(task.id);
    expect(made.map((r) => r.run_at!.toISOString())).toEqual([runs[2]!.toISOString()]);
    await h.workflow(made[0]!.id).result();
    expect(h.mailsOf(made[0]!.id)).toHaveLength(1);

    // The same firings again (a retried action, a replay): the run exists, nothing is sent twice.
    await backfill();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await runResult(task.id, runs[2]!)).toMatchObject({ kind: 'started' });
    expect((await runsOf(task.id)).map((r) => r.id)).toEqual([made[0]!.id]);
    expect(h.mailsOf(made[0]!.id)).toHaveLength(1);
    await h.service.cancelTask('user-missed', task.id);
  }, 120_000);

  it('pause skips the runs that come meanwhile, even late ones; resume goes on from the next run', async () => {
    const task = await reserveEarlier('user-pause', 'every minute', 4);
    const c = { ...ctx('user-pause'), guildId: 'guild-1' };
    const paused = await h.commands.pause(c, { task: task.id });
    expect(paused).toMatchObject({ kind: 'paused' });
    expect((await schedule(task.id).describe()).state.paused).toBe(true);

    const first = task.series!.nextRuns[0]!;
    const passed = [0, 1].map((i) => new Date(first.getTime() + i * 60_000));
    const backfill = () => schedule(task.id).backfill([{ start: new Date(first.getTime() - 1000), end: new Date(passed[1]!.getTime() + 1000), overlap: 'ALLOW_ALL' }]);
    await backfill();
    for (const runAt of passed) expect(await runResult(task.id, runAt)).toEqual({ kind: 'skipped', reason: 'not-active' });

    const resumed = await h.commands.resume(c, { task: task.id });
    expect(resumed).toMatchObject({ kind: 'resumed' });
    expect((await schedule(task.id).describe()).state.paused).toBe(false);
    // Runs due while it was paused stay skipped, however late their firing arrives.
    await backfill();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await runsOf(task.id)).toHaveLength(0);

    // The next run after the resume is made and sent.
    const next = (resumed as { task: Task }).task.series!.nextRuns[0]!;
    expect(next.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(await runResult(task.id, next)).toMatchObject({ kind: 'started' });
    const made = await runsOf(task.id);
    expect(made.map((r) => r.run_at!.toISOString())).toEqual([next.toISOString()]);
    await h.workflow(made[0]!.id).result();
    expect(h.mailsOf(made[0]!.id)).toHaveLength(1);
    await h.service.cancelTask('user-pause', task.id);
  }, 150_000);

  /** Fires the Schedule of `seriesId` for the one run at `runAt`, as Temporal does at that time. */
  const fire = (seriesId: string, runAt: Date) =>
    schedule(seriesId).backfill([{ start: new Date(runAt.getTime() - 1000), end: new Date(runAt.getTime() + 1000), overlap: 'ALLOW_ALL' }]);

  it('an edit changes the next run\'s mail, not the run already sent', async () => {
    const task = await reserveEarlier('user-edit', 'every 2 minutes', 5);
    const [first, second] = [0, 1].map((i) => new Date(task.series!.nextRuns[0]!.getTime() + i * 120_000));
    await fire(task.id, first!);
    expect(await runResult(task.id, first!)).toMatchObject({ kind: 'started' });
    const [sent] = await runsOf(task.id);
    await h.workflow(sent!.id).result();

    await h.service.editTask({ userId: 'user-edit', guildId: 'guild-1' }, task.id, { vars: 'name=Grace' });
    await fire(task.id, second!);
    expect(await runResult(task.id, second!)).toMatchObject({ kind: 'started' });
    const [, next] = await runsOf(task.id);
    await h.workflow(next!.id).result();
    expect(h.mailsOf(sent!.id).map((m) => m.text.includes('Hi Ada,'))).toEqual([true]);
    expect(h.mailsOf(next!.id).map((m) => m.text.includes('Hi Grace,'))).toEqual([true]);
    expect((await h.tasks.findById(sent!.id))!.payload.variables.name).toBe('Ada');
    await h.service.cancelTask('user-edit', task.id);
  }, 60_000);

  it('a run being sent when its series is canceled finishes, once', async () => {
    const task = await reserveEarlier('user-inflight', 'every 10 minutes', 4);
    const runAt = task.series!.nextRuns[0]!;
    h.sink.setDelay(2_000);
    try {
      await fire(task.id, runAt);
      const deadline = Date.now() + 30_000;
      while (h.sink.inFlight === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(h.sink.inFlight).toBe(1);
      await h.service.cancelTask('user-inflight', task.id);
    } finally {
      h.sink.setDelay(0);
    }
    const [run] = await runsOf(task.id);
    await h.workflow(run!.id).result();
    expect(h.mailsOf(run!.id)).toHaveLength(1);
    expect((await h.tasks.findById(run!.id))!.status).toBe('finished');
    expect((await h.seriesRepository.findById(task.id))!.status).toBe('canceled');
  }, 60_000);

  it.each([
    ['mailsPerHour', 'hourly-limit'],
    ['mailsPerHourTotal', 'relay-limit'],
  ] as const)('every run counts toward %s: one over it is stored as failed (%s) and not sent', async (limit, reason) => {
    const user = `user-${reason}`;
    const task = await reserveEarlier(user, 'every 10 minutes', 4);
    const rails = h.config.guardRails;
    const before = rails[limit];
    // What the relay has sent this hour so far is the limit: the run is one recipient too many.
    const used = Number((await h.db.selectFrom('relay_usage').select((eb) => eb.fn.sum<string>('recipients').as('n')).executeTakeFirst())?.n ?? 0);
    const sent = await h.service.enqueueTask(mail(user));
    await h.workflow(sent.id).result();
    rails[limit] = limit === 'mailsPerHour' ? 1 : used + 1;
    try {
      const runAt = task.series!.nextRuns[0]!;
      await fire(task.id, runAt);
      expect(await runResult(task.id, runAt)).toMatchObject({ kind: 'refused' });
    } finally {
      rails[limit] = before;
    }
    const [run] = await runsOf(task.id);
    expect(run).toMatchObject({ status: 'failed', failure_reason: reason });
    expect(h.mailsOf(run!.id)).toHaveLength(0);
    await h.service.cancelTask(user, task.id);
  }, 60_000);

  it('a last run made early by a quick move still finishes the series when its time comes', async () => {
    const task = await reserveEarlier('user-last', 'every 10 minutes, 2 times', 4);
    const [first, last] = [0, 1].map((i) => new Date(task.series!.nextRuns[0]!.getTime() + i * 10 * 60_000));
    await fire(task.id, first!);
    expect(await runResult(task.id, first!)).toMatchObject({ kind: 'started' });
    const moved = await h.service.quickMoveTask({ userId: 'user-last', guildId: 'guild-1' }, task.id, '10m', 'UTC');
    expect(moved.scheduledAt?.getTime()).toBe(last!.getTime() + 10 * 60_000);
    expect((await h.seriesRepository.findById(task.id))!.status).toBe('active');
    // The Schedule's firing at the last run's time (its activity, called as the workflow would).
    expect(await h.series.prepareRun(task.id, last!)).toMatchObject({ kind: 'start', taskId: moved.id });
    expect(await h.seriesRepository.findById(task.id)).toMatchObject({ status: 'finished', next_run_at: null });
    expect(await scheduleExists(task.id)).toBe(false);
    expect((await h.tasks.findById(moved.id))!.status).toBe('reserved');
    // Its series has ended, so the waiting run is an open reservation of its own.
    expect(await countOpenReservations(h.db, 'user-last')).toBe(1);
    await h.service.cancelTask('user-last', moved.id);
    expect(await countOpenReservations(h.db, 'user-last')).toBe(0);
  });

  it('cancel deletes the Schedule, cancels the runs waiting for their time, and no run is made afterwards', async () => {
    const task = await h.service.reserveSeries({ ...mail('user-stop'), repeat: 'every day', when: '2027-07-01 09:00', timeZone: 'UTC' });
    // A quick move makes the next run now (due an hour later); cancel must take it too.
    const moved = await h.service.quickMoveTask({ userId: 'user-stop', guildId: 'guild-1' }, task.id, '1h', 'UTC');
    expect(moved.scheduledAt?.toISOString()).toBe('2027-07-01T10:00:00.000Z');
    expect((await runsOf(task.id)).map((r) => r.status)).toEqual(['reserved']);

    const canceled = await h.commands.cancel(ctx('user-stop'), { task: task.id });
    expect(canceled).toMatchObject({ kind: 'canceled' });
    expect(await scheduleExists(task.id)).toBe(false);
    expect(await h.seriesRepository.findById(task.id)).toMatchObject({ status: 'canceled', canceled_by: 'user-stop' });
    expect((await runsOf(task.id)).map((r) => r.status)).toEqual(['canceled']);
    // A firing that was already on its way finds the series closed.
    expect(await h.series.prepareRun(task.id, new Date('2027-07-02T09:00:00Z'))).toEqual({ kind: 'skipped', reason: 'not-active' });
    expect(await runsOf(task.id)).toHaveLength(1);
  });
});

describe('the reconciler', () => {
  it('creates the Schedule of an open series that has none, paused if the series is, and deletes the Schedule of a closed one', async () => {
    const lost = await h.service.reserveSeries({ ...mail('user-repair'), repeat: 'every day', when: '2027-08-01 09:00', timeZone: 'UTC' });
    await h.commands.pause(ctx('user-repair'), { task: lost.id });
    // A crash between the insert and the Schedule's creation, long enough ago for the reconciler.
    await schedule(lost.id).delete();
    await h.db.updateTable('series').set({ schedule_created_at: null, created_at: new Date(Date.now() - 3_600_000) }).where('id', '=', lost.id).execute();

    const left = await h.service.reserveSeries({ ...mail('user-repair'), repeat: 'every day', when: '2027-08-02 09:00', timeZone: 'UTC' });
    // Closed in the row while Temporal could not be told.
    await h.seriesRepository.transition(left.id, 'canceled', { canceledBy: 'user-repair' });
    await h.db.updateTable('series').set({ updated_at: new Date(Date.now() - 3_600_000) }).where('id', '=', left.id).execute();
    expect(await scheduleExists(left.id)).toBe(true);

    expect(await h.reconciler.runOnce()).toBeGreaterThanOrEqual(2);
    const recreated = await schedule(lost.id).describe();
    expect(recreated.state.paused).toBe(true);
    expect(recreated.info.nextActionTimes[0]?.toISOString()).toBe('2027-08-01T09:00:00.000Z');
    expect((await h.seriesRepository.findById(lost.id))!.schedule_created_at).toBeInstanceOf(Date);
    expect(await scheduleExists(left.id)).toBe(false);
    expect((await h.seriesRepository.findById(left.id))!.schedule_removed_at).toBeInstanceOf(Date);
  });
});

describe('editing a reservation', () => {
  it('an edit while the send step holds the mail it prepared early is the mail that goes out', async () => {
    // Reserved "55 s ago" for a minute later: due in about 5 s, so the worker holds it at once
    // (MAIL_PREPARE_LEAD is 60 s here) with its mail already rendered.
    shift.ms = -55_000;
    const task = await h.service.reserveTask({ ...mail('user-held'), when: 'in 1 minute', timeZone: 'UTC' });
    shift.ms = 0;
    // The send step has started (a worker holds it) and had a moment to render the mail.
    const holding = async () => ((await h.workflow(task.id).describe()).raw.pendingActivities ?? []).some((a) => a.lastStartedTime);
    const deadline = Date.now() + 3_000;
    while (!(await holding()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await holding()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await h.service.editTask({ userId: 'user-held', guildId: 'guild-1' }, task.id, { vars: 'name=Grace' });
    await h.workflow(task.id).result();
    expect(h.mailsOf(task.id).map((m) => m.text.includes('Hi Grace,'))).toEqual([true]);
  });
});
