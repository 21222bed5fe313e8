// When telling Temporal fails, or fails ambiguously: a start whose answer was lost, a start Temporal
// never saw, a reschedule signal that raced another one or timed out after it was delivered. The
// real Temporal (time-skipping server), PostgreSQL, worker and SMTP sink; the faults are injected
// at the TaskScheduler interface, around the real scheduler, so each one happens exactly when the
// test says.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { HeraldError } from '../src/domain/errors.js';
import { MAX_RESCHEDULES } from '../src/domain/limits.js';
import { TaskService } from '../src/tasks/task-service.js';
import type { ScheduledTask, TaskScheduler } from '../src/temporal/mail-task-scheduler.js';
import { minutesFrom } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const h = useHarness({ server: 'time-skipping' });

type Fault = 'deliver-then-fail' | 'fail';

/** The real scheduler, with faults the test queues up. */
class FaultyScheduler implements TaskScheduler {
  startFaults: Fault[] = [];
  moveFaults: Fault[] = [];
  /** Runs before a move reaches Temporal (to hold one back). */
  beforeMove?: (task: ScheduledTask & { scheduledAt: Date }) => Promise<void>;
  /** Runs after a delivered start or move, before its fault is thrown. */
  afterDelivery?: (task: ScheduledTask) => Promise<void>;
  inspectFails = false;

  constructor(private readonly real: TaskScheduler) {}

  async start(task: ScheduledTask): Promise<void> {
    const fault = this.startFaults.shift();
    if (fault === 'fail') throw new Error('14 UNAVAILABLE: the start never reached Temporal');
    await this.real.start(task);
    if (fault === 'deliver-then-fail') {
      await this.afterDelivery?.(task);
      throw new Error('4 DEADLINE_EXCEEDED: the start went through, its answer was lost');
    }
  }

  async move(task: ScheduledTask & { scheduledAt: Date }): Promise<void> {
    await this.beforeMove?.(task);
    const fault = this.moveFaults.shift();
    if (fault === 'fail') throw new Error('14 UNAVAILABLE: the signal never reached Temporal');
    await this.real.move(task);
    if (fault === 'deliver-then-fail') {
      await this.afterDelivery?.(task);
      throw new Error('4 DEADLINE_EXCEEDED: the signal went through, its answer was lost');
    }
  }

  cancel(task: ScheduledTask): Promise<void> {
    return this.real.cancel(task);
  }

  inspect(task: ScheduledTask) {
    if (this.inspectFails) return Promise.reject(new Error('14 UNAVAILABLE: Temporal cannot be reached'));
    return this.real.inspect(task);
  }
}

/** A TaskService like the core's, telling Temporal through `scheduler`. */
function serviceWith(scheduler: TaskScheduler): TaskService {
  return new TaskService({ repository: h.tasks, scheduler, templates: h.templates, logger: h.logger, clock: () => h.now() });
}

const notice = (requesterId: string) => ({
  requesterId,
  template: 'notice',
  to: `${requesterId}@example.com`,
  variables: 'title=Faults;body=Told once',
  description: `fault: ${requesterId}`,
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const statusOf = async (id: string) => (await h.tasks.findById(id))!.status;

interface HistoryEvent {
  eventType?: unknown;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null; input?: { payloads?: { data?: Uint8Array | null }[] | null } | null } | null;
}

/** The due time each send step of the task's workflow was given, in order. */
async function sendStepDueTimes(taskId: string): Promise<string[]> {
  const events = ((await h.workflow(taskId).fetchHistory()).events ?? []) as HistoryEvent[];
  return events
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a && ['sendTaskMail', 'deliverTaskMail'].includes(a.activityType?.name ?? ''))
    .map((a) => (JSON.parse(Buffer.from(a!.input!.payloads![0]!.data!).toString('utf8')) as { dueBy: string }).dueBy);
}

const ACTIVITY_TASK_COMPLETED = '12';
const WORKFLOW_EXECUTION_SIGNALED = '26';

/** Whether the workflow has read its row since the last signal (the new workflow does). */
async function readTheRow(taskId: string): Promise<boolean> {
  const events = ((await h.workflow(taskId).fetchHistory()).events ?? []) as HistoryEvent[];
  const names = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? String(e.eventType));
  const lastSignal = names.lastIndexOf(WORKFLOW_EXECUTION_SIGNALED);
  const read = names.lastIndexOf('readSchedule');
  return read > lastSignal && names.slice(read).includes(ACTIVITY_TASK_COMPLETED);
}

describe('a start whose outcome is unclear', () => {
  it('the start went through but its answer was lost while the worker was already sending: the task is kept and sent once', async () => {
    const scheduler = new FaultyScheduler(h.scheduler);
    scheduler.startFaults.push('deliver-then-fail');
    let id = '';
    scheduler.afterDelivery = async (task) => {
      id = task.id;
      await until(async () => (await statusOf(task.id)) === 'running'); // claimed: the relay is taking it
    };
    h.sink.setDelay(1_500);
    try {
      const task = await serviceWith(scheduler).enqueueTask(notice('lost-start-answer'));
      expect(task.id).toBe(id);
    } finally {
      h.sink.setDelay(0);
    }
    await h.workflow(id).result();
    expect(await statusOf(id)).toBe('finished');
    expect(h.mailsOf(id)).toHaveLength(1);
  });

  it('the start never reached Temporal: the task is failed with the reason and the user told nothing was scheduled', async () => {
    const scheduler = new FaultyScheduler(h.scheduler);
    scheduler.startFaults.push('fail');
    const attempt = serviceWith(scheduler).reserveTask({ ...notice('start-refused'), when: minutesFrom(h.now(), 30) });
    await expect(attempt).rejects.toMatchObject({ code: 'SCHEDULE_FAILED' });
    const [row] = await h.db.selectFrom('tasks').selectAll().where('requester_id', '=', 'start-refused').execute();
    expect(row).toMatchObject({ status: 'failed', failure_reason: 'not-scheduled' });
    expect(row!.error).toMatch(/could not start/i);
  });

  it('Temporal cannot be asked either: the row is left to the reconciler, the user is told it is saved, and it is sent once', async () => {
    const scheduler = new FaultyScheduler(h.scheduler);
    scheduler.startFaults.push('fail');
    scheduler.inspectFails = true;
    const failure = await serviceWith(scheduler).enqueueTask(notice('start-unknown')).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(HeraldError);
    expect(failure).toMatchObject({ code: 'SCHEDULE_UNCONFIRMED' });
    const [row] = await h.db.selectFrom('tasks').selectAll().where('requester_id', '=', 'start-unknown').execute();
    expect(row).toMatchObject({ status: 'queued', workflow_started_at: null });
    expect((failure as HeraldError).messageFor('en')).toContain(row!.id);
    expect((failure as HeraldError).messageFor('ko')).toContain(row!.id);

    // The reconciler leaves young rows to their request; this one has waited long enough.
    await sql`UPDATE tasks SET created_at = now() - interval '1 minute' WHERE id = ${row!.id}`.execute(h.db);
    expect(await h.reconciler.runOnce()).toBeGreaterThanOrEqual(1);
    await h.workflow(row!.id).result();
    expect(h.mailsOf(row!.id)).toHaveLength(1);
  });
});

describe('reschedules that race, and signals whose answer is lost', () => {
  it('two reschedules whose signals arrive in the other order: the workflow follows the row', async () => {
    const start = h.now();
    const task = await h.service.reserveTask({ ...notice('racing-moves'), when: minutesFrom(start, 10) });
    const first = minutesFrom(start, 40);
    const second = minutesFrom(start, 20);
    const scheduler = new FaultyScheduler(h.scheduler);
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((entered) => {
      scheduler.beforeMove = async (moving) => {
        if (moving.scheduledAt.getTime() !== first.getTime()) return;
        entered();
        await new Promise<void>((release) => (releaseFirst = release));
      };
    });
    const service = serviceWith(scheduler);
    const moving = service.rescheduleTask('racing-moves', task.id, first);
    await firstHeld; // the first has written the row and is about to signal
    await service.rescheduleTask('racing-moves', task.id, second);
    releaseFirst(); // its signal now arrives last
    await moving;

    const row = (await h.tasks.findById(task.id))!;
    expect(row.scheduled_at).toEqual(second);
    await h.workflow(task.id).result();
    expect((await sendStepDueTimes(task.id)).at(-1)).toBe(second.toISOString());
    expect(h.mailsOf(task.id)).toHaveLength(1);
  });

  it('a signal delivered but answered with a timeout: the move is undone in the row, and the workflow follows the row', async () => {
    const start = h.now();
    const booked = minutesFrom(start, 10);
    const task = await h.service.reserveTask({ ...notice('lost-signal-answer'), when: booked });
    const scheduler = new FaultyScheduler(h.scheduler);
    scheduler.moveFaults.push('deliver-then-fail');
    scheduler.afterDelivery = async (moved) => {
      await until(() => readTheRow(moved.id), 3_000);
    };
    await expect(serviceWith(scheduler).rescheduleTask('lost-signal-answer', task.id, minutesFrom(start, 40))).rejects.toMatchObject({
      code: 'SCHEDULER_UNAVAILABLE',
    });

    expect((await h.tasks.findById(task.id))!.scheduled_at).toEqual(booked);
    await h.workflow(task.id).result();
    expect((await sendStepDueTimes(task.id)).at(-1)).toBe(booked.toISOString());
    expect(h.mailsOf(task.id)).toHaveLength(1);
  });

  it('and when the undo cannot be signalled either, the reconciler tells the workflow to read the row again', async () => {
    const start = h.now();
    const booked = minutesFrom(start, 10);
    const task = await h.service.reserveTask({ ...notice('lost-signal-and-undo'), when: booked });
    const scheduler = new FaultyScheduler(h.scheduler);
    scheduler.moveFaults.push('deliver-then-fail', 'fail');
    scheduler.afterDelivery = async (moved) => {
      await until(() => readTheRow(moved.id), 10_000); // it has read the new time, which is then undone
    };
    await expect(serviceWith(scheduler).rescheduleTask('lost-signal-and-undo', task.id, minutesFrom(start, 40))).rejects.toBeInstanceOf(
      HeraldError,
    );
    expect((await h.tasks.findById(task.id))!.scheduled_at).toEqual(booked);

    await sql`UPDATE tasks SET schedule_changed_at = now() - interval '1 minute' WHERE id = ${task.id}`.execute(h.db);
    await h.reconciler.runOnce();
    await until(() => readTheRow(task.id), 10_000);
    await h.workflow(task.id).result();
    expect((await sendStepDueTimes(task.id)).at(-1)).toBe(booked.toISOString());
    expect(h.mailsOf(task.id)).toHaveLength(1);
  });
});

describe('the reschedule cap', () => {
  it(`allows ${MAX_RESCHEDULES} reschedules of a task and refuses the next, in English and Korean, changing nothing`, async () => {
    const start = h.now();
    const task = await h.service.reserveTask({ ...notice('restless'), when: minutesFrom(start, 10) });
    for (let n = 1; n <= MAX_RESCHEDULES; n++) await h.service.rescheduleTask('restless', task.id, minutesFrom(start, 10 + n));
    const refused = await h.service.rescheduleTask('restless', task.id, minutesFrom(start, 90)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HeraldError);
    expect(refused).toMatchObject({ code: 'TOO_MANY_RESCHEDULES', params: { max: MAX_RESCHEDULES } });
    expect((refused as HeraldError).messageFor('en')).toContain(String(MAX_RESCHEDULES));
    expect((refused as HeraldError).messageFor('ko')).toMatch(/[가-힣]/);
    expect((await h.tasks.findById(task.id))!.scheduled_at).toEqual(minutesFrom(start, 10 + MAX_RESCHEDULES));
    await h.service.cancelTask('restless', task.id);
  });
});
