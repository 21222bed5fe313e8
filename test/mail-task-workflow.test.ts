// mailTaskWorkflow alone: the production workflow bundle on the time-skipping server, with stub
// activities the test steers, so each path through the workflow is quick to reach and to check.
// The full-stack suites (reservation, prepare-hold, smtp-failures, graceful-shutdown) run the same
// paths with the real activities.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailActivities } from '../src/activities/index.js';
import type { SendTaskMailInput } from '../src/activities/send-mail.js';
import { MAIL_ERROR_TYPES, mailRetryPolicy } from '../src/domain/retry-policy.js';
import { DEFAULT_STALE_SEND_AFTER_MS } from '../src/domain/send-deadline.js';
import type { TaskStatus } from '../src/domain/task-status.js';
import { workflowBundle } from '../src/temporal/worker.js';
import { type DeliveryResult, MAIL_TASK_WORKFLOW, type MailTaskInput, rescheduleSignal } from '../src/workflows/definitions.js';
import { startTimeSkippingEnv } from './support/harness.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnv();
});
afterAll(() => env?.teardown());

const LEAD_MS = 60_000;
const minutes = (n: number) => n * 60_000;

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Stub activities that record every call. Each send answers with the next of `sends`: a value,
 * an error to throw, or a promise the test settles (a hold in progress). `row` is what the task row
 * says, as readSchedule and recordCanceled answer from it.
 */
function stubs(sends: (DeliveryResult | Error | Promise<DeliveryResult>)[]) {
  const calls = {
    send: [] as SendTaskMailInput[],
    notify: [] as { taskId: string; outcome: string }[],
    canceled: [] as string[],
    failed: [] as { taskId: string; error: string }[],
    recordedSent: [] as string[],
    readSchedule: [] as string[],
  };
  const row: { scheduledAt: string | null; status: TaskStatus } = { scheduledAt: null, status: 'reserved' };
  const sendCalled = sends.map(() => deferred<SendTaskMailInput>());
  const send = async (input: SendTaskMailInput): Promise<DeliveryResult> => {
    const n = calls.send.push(input) - 1;
    sendCalled[n]?.resolve(input);
    const answer = sends[n];
    if (answer === undefined) throw ApplicationFailure.nonRetryable(`unexpected send ${n + 1}`, 'TestStub');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const activities: MailActivities = {
    sendTaskMail: send,
    deliverTaskMail: send,
    async notifyRequester(input) {
      calls.notify.push(input);
      return 'delivered';
    },
    async recordCanceled(taskId) {
      calls.canceled.push(taskId);
      if (row.status === 'queued' || row.status === 'reserved') row.status = 'canceled';
      return row.status;
    },
    async recordFailure(input) {
      calls.failed.push(input);
      if (row.status !== 'finished') row.status = 'failed';
      return row.status;
    },
    async recordSent(taskId) {
      calls.recordedSent.push(taskId);
    },
    async readSchedule(taskId) {
      calls.readSchedule.push(taskId);
      return { status: row.status, scheduledAt: row.scheduledAt };
    },
  };
  /** Resolves with the input of the n-th send (from 1). */
  const sent = (n: number) => sendCalled[n - 1]!.promise;
  return { activities, calls, send: sent, row };
}

/**
 * A worker without a workflow cache: every workflow task replays the history from the start (one
 * more check of determinism), and none waits on the sticky queue of a worker that has stopped,
 * which the time-skipping server never hands on.
 */
async function createWorker(activities: MailActivities, taskQueue: string): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    maxCachedWorkflows: 0,
  });
}

async function startWorker(activities: MailActivities) {
  const taskQueue = `workflow-test-${randomUUID().slice(0, 8)}`;
  const worker = await createWorker(activities, taskQueue);
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** Starts the workflow for a reservation due `dueInMs` from the server's now. */
async function startReservation(taskQueue: string, dueInMs: number, overrides: Partial<MailTaskInput> = {}) {
  const taskId = randomUUID();
  const scheduledAt = new Date((await env.currentTimeMs()) + dueInMs);
  const input: MailTaskInput = {
    taskId,
    scheduledAt: scheduledAt.toISOString(),
    retry: { ...mailRetryPolicy({ mailRetry: { maximumAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2 } }) },
    prepareLeadMs: LEAD_MS,
    notify: true,
    ...overrides,
  };
  const handle = await env.client.workflow.start(MAIL_TASK_WORKFLOW, { workflowId: taskId, taskQueue, args: [input] });
  return { taskId, scheduledAt, handle };
}

/** The send step's input for a hold until `at` (the workflow's input has no STALE_SEND_AFTER: the default). */
const hold = (taskId: string, at: Date): SendTaskMailInput => ({
  taskId,
  dueBy: at.toISOString(),
  holdUntil: at.toISOString(),
  staleSendAfterMs: DEFAULT_STALE_SEND_AFTER_MS,
});

const eventTypes = async (handle: { fetchHistory(): Promise<{ events?: { eventType?: unknown }[] | null }> }) =>
  ((await handle.fetchHistory()).events ?? []).map((e) => String(e.eventType));
const ACTIVITY_TASK_CANCEL_REQUESTED = '15';

describe('mailTaskWorkflow with stub activities', () => {
  it('sends a reservation once, holding from the prepare lead until its time, and notifies', async () => {
    const { activities, calls } = stubs([{ kind: 'sent', messageId: '<m@example.test>' }]);
    const worker = await startWorker(activities);
    try {
      const { taskId, scheduledAt, handle } = await startReservation(worker.taskQueue, minutes(10));
      expect(await handle.result()).toEqual({ kind: 'sent', messageId: '<m@example.test>' });
      expect(calls.send).toEqual([hold(taskId, scheduledAt)]);
      expect(calls.notify).toEqual([{ taskId, outcome: 'sent' }]);
      expect(calls.canceled).toEqual([]);
    } finally {
      await worker.stop();
    }
  });

  it('rescheduled during a hold: abandons the hold and sends at the new time', async () => {
    const staleHold = deferred<DeliveryResult>();
    const { activities, calls, send, row } = stubs([staleHold.promise, { kind: 'sent', messageId: '<moved@example.test>' }]);
    const worker = await startWorker(activities);
    try {
      const { taskId, scheduledAt, handle } = await startReservation(worker.taskQueue, minutes(10));
      const result = handle.result();
      expect((await send(1)).holdUntil).toBe(scheduledAt.toISOString());
      const movedTo = new Date(scheduledAt.getTime() + minutes(20));
      row.scheduledAt = movedTo.toISOString(); // the service writes the row, then signals
      await handle.signal(rescheduleSignal, movedTo.toISOString());
      // The workflow asks for the hold to be canceled; the real hold then ends at once. (A running
      // activity also stops the server from skipping time, so the stub must end too.)
      await until(async () => (await eventTypes(handle)).includes(ACTIVITY_TASK_CANCEL_REQUESTED));
      staleHold.resolve({ kind: 'interrupted' });

      expect(await result).toEqual({ kind: 'sent', messageId: '<moved@example.test>' });
      expect(calls.send).toHaveLength(2);
      expect(calls.send[1]).toEqual(hold(taskId, movedTo));
      expect(calls.notify).toEqual([{ taskId, outcome: 'sent' }]);
    } finally {
      staleHold.resolve({ kind: 'interrupted' });
      await worker.stop();
    }
  });

  it('canceled during a hold: the run closes as canceled, records it, and sends nothing more', async () => {
    const hold = deferred<DeliveryResult>();
    const { activities, calls, send } = stubs([hold.promise]);
    const worker = await startWorker(activities);
    try {
      const { taskId, handle } = await startReservation(worker.taskQueue, minutes(10));
      const result = handle.result().catch((err: unknown) => err);
      await send(1);
      await handle.cancel();
      await until(async () => (await eventTypes(handle)).includes(ACTIVITY_TASK_CANCEL_REQUESTED));
      hold.resolve({ kind: 'interrupted' });

      const failure = await result;
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(calls.canceled).toEqual([taskId]);
      expect(calls.send).toHaveLength(1);
      expect(calls.notify).toEqual([]);
      expect(await eventTypes(handle)).toContain(ACTIVITY_TASK_CANCEL_REQUESTED);
    } finally {
      hold.resolve({ kind: 'interrupted' });
      await worker.stop();
    }
  });

  it('a hold handed back at worker shutdown is held again by the next worker, for the same time', async () => {
    const shuttingDown = new AbortController();
    const first = stubs([]);
    // The real send step answers 'interrupted' when its worker shuts down during a hold.
    first.activities.deliverTaskMail = async (input) => {
      first.calls.send.push(input);
      await new Promise((resolve) => shuttingDown.signal.addEventListener('abort', resolve, { once: true }));
      return { kind: 'interrupted' };
    };
    const firstWorker = await startWorker(first.activities);
    const { taskId, scheduledAt, handle } = await startReservation(firstWorker.taskQueue, minutes(10));
    const result = handle.result();
    await until(() => first.calls.send.length === 1);
    shuttingDown.abort();
    await firstWorker.stop();

    const second = stubs([{ kind: 'sent', messageId: '<after-restart@example.test>' }]);
    const secondWorker = await createWorker(second.activities, firstWorker.taskQueue);
    await secondWorker.runUntil(async () => {
      expect(await result).toEqual({ kind: 'sent', messageId: '<after-restart@example.test>' });
    });
    expect(first.calls.send).toEqual([hold(taskId, scheduledAt)]);
    expect(second.calls.send).toEqual([hold(taskId, scheduledAt)]);
    expect(second.calls.notify).toEqual([{ taskId, outcome: 'sent' }]);
  });

  it('a permanent failure is not retried: the task is recorded failed, the requester told, and the run fails', async () => {
    const refusal = ApplicationFailure.nonRetryable('550 5.1.1 mailbox unavailable', MAIL_ERROR_TYPES.smtpPermanent);
    const { activities, calls } = stubs([refusal]);
    const worker = await startWorker(activities);
    try {
      const { taskId, handle } = await startReservation(worker.taskQueue, minutes(2), { prepareLeadMs: 0 });
      const failure = await handle.result().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause.type).toBe('MailDeliveryFailed');
      expect(cause.message).toBe('550 5.1.1 mailbox unavailable');
      expect(calls.send).toHaveLength(1);
      expect(calls.failed).toEqual([{ taskId, error: '550 5.1.1 mailbox unavailable' }]);
      expect(calls.notify).toEqual([{ taskId, outcome: 'failed' }]);
    } finally {
      await worker.stop();
    }
  });

  it('a transient failure is retried up to the policy, three attempts in all', async () => {
    const busy = () => ApplicationFailure.retryable('451 4.3.0 try again later', MAIL_ERROR_TYPES.smtpTransient);
    const { activities, calls } = stubs([busy(), busy(), busy()]);
    const worker = await startWorker(activities);
    try {
      const { taskId, handle } = await startReservation(worker.taskQueue, minutes(2), { prepareLeadMs: 0 });
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      expect(calls.send).toHaveLength(3);
      expect(calls.failed).toEqual([{ taskId, error: '451 4.3.0 try again later' }]);
    } finally {
      await worker.stop();
    }
  });

  it('a task closed in the database waits for the cancellation that follows, then ends skipped', async () => {
    const { activities, calls } = stubs([{ kind: 'closed', status: 'canceled' }]);
    const worker = await startWorker(activities);
    try {
      const { handle } = await startReservation(worker.taskQueue, minutes(2), { prepareLeadMs: 0 });
      expect(await handle.result()).toEqual({ kind: 'skipped', status: 'canceled' });
      expect(calls.notify).toEqual([]);
    } finally {
      await worker.stop();
    }
  });

  it('the relay accepted but the row could not be marked finished: recordSent does it, and nothing is sent again', async () => {
    const { activities, calls } = stubs([{ kind: 'sent', messageId: '<late-books@example.test>', recorded: false }]);
    const worker = await startWorker(activities);
    try {
      const { taskId, handle } = await startReservation(worker.taskQueue, minutes(2), { prepareLeadMs: 0 });
      expect(await handle.result()).toEqual({ kind: 'sent', messageId: '<late-books@example.test>' });
      expect(calls.send).toHaveLength(1);
      expect(calls.recordedSent).toEqual([taskId]);
      expect(calls.notify).toEqual([{ taskId, outcome: 'sent' }]);
    } finally {
      await worker.stop();
    }
  });

  it('a reschedule signal makes the workflow read its row: the row\'s time wins over the one the signal carries', async () => {
    const { activities, calls, row } = stubs([{ kind: 'sent', messageId: '<row-time@example.test>' }]);
    const worker = await startWorker(activities);
    try {
      const { taskId, scheduledAt, handle } = await startReservation(worker.taskQueue, minutes(10), { prepareLeadMs: 0 });
      const rowTime = new Date(scheduledAt.getTime() + minutes(10));
      row.scheduledAt = rowTime.toISOString(); // a later reschedule already wrote the row…
      await handle.signal(rescheduleSignal, new Date(scheduledAt.getTime() + minutes(30)).toISOString()); // …an earlier one's signal comes last
      expect(await handle.result()).toEqual({ kind: 'sent', messageId: '<row-time@example.test>' });
      expect(calls.readSchedule).toEqual([taskId]);
      expect(calls.send.map((c) => c.dueBy)).toEqual([rowTime.toISOString()]);
    } finally {
      await worker.stop();
    }
  });

  it('the last attempt failed, but one whose report was lost had delivered it: the run completes, and the requester is told it was sent', async () => {
    const lost = ApplicationFailure.nonRetryable('activity Heartbeat timeout', 'TestStub');
    const { activities, calls, row } = stubs([lost]);
    row.status = 'finished'; // the earlier attempt finished the row before its worker died
    const worker = await startWorker(activities);
    try {
      const { taskId, handle } = await startReservation(worker.taskQueue, minutes(2), { prepareLeadMs: 0 });
      expect(await handle.result()).toEqual({ kind: 'skipped', status: 'finished' });
      expect(calls.failed).toHaveLength(1);
      expect(calls.notify).toEqual([{ taskId, outcome: 'sent' }]);
    } finally {
      await worker.stop();
    }
  });

  // When the relay refuses the mail instead, the time-skipping server does not record the failed
  // attempt of a step whose cancel was requested (it lets the run time out); the real server does,
  // and test/cancel-while-sending.test.ts checks that path there.
  it('canceled while the relay takes the mail, which it accepts: the run completes as sent', async () => {
    const attempt = deferred<DeliveryResult>();
    const { activities, calls, send } = stubs([attempt.promise]);
    const worker = await startWorker(activities);
    try {
      const { taskId, handle } = await startReservation(worker.taskQueue, minutes(10));
      const result = handle.result(); // the hold starts only after time skips to the prepare lead
      await send(1);
      await handle.cancel();
      await until(async () => (await eventTypes(handle)).includes(ACTIVITY_TASK_CANCEL_REQUESTED));
      attempt.resolve({ kind: 'sent', messageId: '<too-late-to-cancel@example.test>', recorded: false });

      expect(await result).toEqual({ kind: 'sent', messageId: '<too-late-to-cancel@example.test>' });
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      expect(calls.recordedSent).toEqual([taskId]);
      expect(calls.canceled).toEqual([]);
      expect(calls.notify).toEqual([{ taskId, outcome: 'sent' }]);
    } finally {
      attempt.resolve({ kind: 'interrupted' });
      await worker.stop();
    }
  });
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
