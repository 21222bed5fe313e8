// Temporal behind one small interface. TaskService and the reconciler only know TaskScheduler:
// start a task's workflow, move it, cancel it, ask what became of it. How that is done (workflow
// ids, start delays, the reschedule signal, cancellation, reading histories) is this file's business alone.
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type WorkflowHandle,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { defaultPayloadConverter, NamespaceNotFoundError } from '@temporalio/common';
import { describeSeries, type RepeatSeries, toScheduleSpec } from '../domain/repeat/index.js';
import type { MailRetryPolicy } from '../domain/retry-policy.js';
import { seriesRunWorkflowId, seriesScheduleId } from '../domain/series-ids.js';
import { MAIL_TASK_WORKFLOW, type MailTaskInput, rescheduleSignal, SERIES_RUN_WORKFLOW, type SeriesRunInput } from '../workflows/definitions.js';
import type { mailTaskWorkflow } from '../workflows/mail-task.js';

/** What the scheduler needs to know of a task: its id, and when it is due (null: at once). */
export interface ScheduledTask {
  id: string;
  scheduledAt: Date | null;
  /** How long before its time this reservation's workflow wakes, when staged (default: the scheduler's lead). */
  prepareLeadMs?: number;
}

/** What Temporal knows of a task's workflow. */
export type WorkflowState =
  | { state: 'open' }
  /** Never started, or gone (deleted, or Temporal lost it). */
  | { state: 'missing' }
  /** Ended (completed, failed, canceled, terminated, timed out); `delivered`: its send step reported the relay's acceptance. */
  | { state: 'closed'; status: string; delivered: boolean };

/**
 * Task-queue priority (1 runs first; Temporal's default is 3, what reservations have). A send-now
 * is matched to a worker before any backlog of reservations, so /sendmail never waits behind a burst. The priority is set
 * on the workflow start; its activities inherit it. It orders the matching backlog only (not the
 * server's timers), and needs a server with the priority matcher (see temporal-dev-server.ts).
 */
export const SEND_NOW_PRIORITY = 1;

/** The activity types whose `sent` result means the relay accepted the mail. */
const SEND_STEPS = new Set(['sendTaskMail', 'deliverTaskMail']);

export interface TaskScheduler {
  /** Starts the task's workflow. Safe to repeat: a running workflow is kept, a closed one is never started again. */
  start(task: ScheduledTask): Promise<void>;
  /** Moves a reservation's workflow to the task's (new) time. Throws when the scheduler cannot be told. */
  move(task: ScheduledTask & { scheduledAt: Date }): Promise<void>;
  /** Cancels the task's workflow; one that no longer exists is not an error. */
  cancel(task: ScheduledTask): Promise<void>;
  /** What became of the task's workflow. Throws when Temporal cannot be asked. */
  inspect(task: ScheduledTask): Promise<WorkflowState>;
}

/** What the scheduler needs to know of a series (issue 11): its id and its runs. */
export interface ScheduledSeries {
  id: string;
  series: RepeatSeries;
  paused?: boolean;
}

/**
 * A Temporal Schedule per series: it starts a seriesRunWorkflow at each of the series' times, in
 * the series' zone. Every method is safe to repeat.
 */
export interface SeriesScheduler {
  /** Creates the series' Schedule; one that exists already is kept. */
  createSeries(series: ScheduledSeries): Promise<void>;
  /** Pauses the Schedule: Temporal starts nothing for the times that pass meanwhile. A missing Schedule is not an error. */
  pauseSeries(id: string): Promise<void>;
  /** Unpauses it: it goes on from its next time; the times passed while paused are not made up. */
  resumeSeries(id: string): Promise<void>;
  /** Deletes the Schedule (runs it already started go on); a missing one is not an error. */
  removeSeries(id: string): Promise<void>;
  /** Whether the Schedule exists. Throws when Temporal cannot be asked. */
  hasSeries(id: string): Promise<boolean>;
}

export interface TemporalTaskSchedulerOptions {
  client: Client;
  taskQueue: string;
  /** Frozen into each workflow's input, so a running reservation keeps the policy it started with. */
  retryPolicy: MailRetryPolicy;
  /** How long before its time a reservation's workflow wakes to prepare the send (0: at its time). */
  prepareLeadMs?: number;
  /** Whether requesters are told how their reservations ended. */
  notifyOutcomes?: boolean;
  /** STALE_SEND_AFTER, frozen into each workflow's input like the retry policy. */
  staleSendAfterMs?: number;
  /** CATCHUP_WINDOW: how late a Schedule may still start a run it missed while Temporal was down. */
  catchupWindowMs?: number;
  clock?: () => Date;
}

/** One mailTaskWorkflow per task, with the task id as its workflow id; one Schedule per series. */
export class TemporalTaskScheduler implements TaskScheduler, SeriesScheduler {
  private readonly clock: () => Date;

  constructor(private readonly options: TemporalTaskSchedulerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * A reservation's workflow starts with a delay that ends when it should wake: until then it
   * costs Temporal a stored record and the worker nothing (no workflow task, nothing cached).
   */
  async start(task: ScheduledTask): Promise<void> {
    try {
      await this.options.client.workflow.start<typeof mailTaskWorkflow>(MAIL_TASK_WORKFLOW, {
        ...this.workflowOptions(task),
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  async move(task: ScheduledTask & { scheduledAt: Date }): Promise<void> {
    await this.signalTime(task);
  }

  async cancel(task: ScheduledTask): Promise<void> {
    try {
      // A reservation's workflow may still be in its start delay, which a cancellation does not
      // end: a signal-with-start does, so the run closes as canceled now rather than at its time.
      if (task.scheduledAt !== null) await this.signalTime({ ...task, scheduledAt: task.scheduledAt });
      await this.options.client.workflow.getHandle(task.id).cancel();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return;
      throw err;
    }
  }

  async inspect(task: ScheduledTask): Promise<WorkflowState> {
    const handle = this.options.client.workflow.getHandle(task.id);
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch (err) {
      // No such namespace has no such workflow either (a configuration error, surely not a blip).
      if (err instanceof WorkflowNotFoundError || err instanceof NamespaceNotFoundError) return { state: 'missing' };
      throw err;
    }
    if (status === 'RUNNING') return { state: 'open' };
    return { state: 'closed', status, delivered: await deliveredIn(handle) };
  }

  // ---- Series (issue 11): one Schedule per series ----------------------------------------------

  /**
   * The Schedule's policies. Overlap ALLOW_ALL: every run is its own task with its own id and
   * workflow, so runs never conflict, and a run still busy (its step waiting out a database outage)
   * must neither cancel the next (CANCEL_OTHER, TERMINATE_OTHER), nor make it be skipped (SKIP, the
   * default) or wait behind it (BUFFER_*). CATCHUP_WINDOW: a time missed while Temporal was down is
   * started late while within it, and dropped after; the run step applies the same bound to a run
   * started on time that then waited for a worker. pauseOnFailure off: a run workflow does not
   * fail for a run it could not make (its result says why).
   */
  async createSeries({ id, series, paused }: ScheduledSeries): Promise<void> {
    try {
      await this.options.client.schedule.create({
        scheduleId: seriesScheduleId(id),
        spec: toScheduleSpec(series),
        action: {
          type: 'startWorkflow',
          workflowType: SERIES_RUN_WORKFLOW,
          taskQueue: this.options.taskQueue,
          args: [{ seriesId: id } satisfies SeriesRunInput],
          workflowId: seriesRunWorkflowId(id),
        },
        policies: { overlap: 'ALLOW_ALL', catchupWindow: this.options.catchupWindowMs ?? 600_000, pauseOnFailure: false },
        state: { paused: paused ?? false, note: `${SERIES_NOTE} ${describeSeries(series, 'en')}`.slice(0, 500) },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) return;
      throw err;
    }
  }

  pauseSeries(id: string): Promise<void> {
    return ignoringMissing(() => this.schedule(id).pause(SERIES_NOTE));
  }

  resumeSeries(id: string): Promise<void> {
    return ignoringMissing(() => this.schedule(id).unpause(SERIES_NOTE));
  }

  removeSeries(id: string): Promise<void> {
    return ignoringMissing(() => this.schedule(id).delete());
  }

  async hasSeries(id: string): Promise<boolean> {
    try {
      await this.schedule(id).describe();
      return true;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return false;
      throw err;
    }
  }

  private schedule(id: string) {
    return this.options.client.schedule.getHandle(seriesScheduleId(id));
  }

  /**
   * Tells the task's workflow its time. A signal-with-start: a workflow still in its start delay
   * wakes for it (a plain signal would wait for the delay), and one that is missing is started.
   */
  private async signalTime(task: ScheduledTask & { scheduledAt: Date }): Promise<void> {
    try {
      await this.options.client.workflow.signalWithStart<typeof mailTaskWorkflow, [string]>(MAIL_TASK_WORKFLOW, {
        ...this.workflowOptions(task),
        signal: rescheduleSignal,
        signalArgs: [task.scheduledAt.toISOString()],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return; // closed: nothing to tell
      throw err;
    }
  }

  private workflowOptions(task: ScheduledTask) {
    const { scheduledAt } = task;
    const prepareLeadMs = task.prepareLeadMs ?? this.options.prepareLeadMs ?? 0;
    const input: MailTaskInput = {
      taskId: task.id,
      scheduledAt: scheduledAt?.toISOString() ?? null,
      retry: this.options.retryPolicy,
      prepareLeadMs,
      notify: this.options.notifyOutcomes ?? false,
      ...(this.options.staleSendAfterMs !== undefined && { staleSendAfterMs: this.options.staleSendAfterMs }),
    };
    const wakeInMs = scheduledAt ? scheduledAt.getTime() - prepareLeadMs - this.clock().getTime() : 0;
    return {
      workflowId: task.id,
      taskQueue: this.options.taskQueue,
      args: [input] as [MailTaskInput],
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
      // Reservations keep the default priority (3) by leaving it unset.
      ...(scheduledAt === null && { priority: { priorityKey: SEND_NOW_PRIORITY } }),
      // Only worth it (and only safe from small clock differences) when the wake is well ahead.
      ...(wakeInMs > 30_000 && { startDelay: wakeInMs }),
    };
  }
}

const SERIES_NOTE = 'Herald series: paused, resumed and canceled from Herald (the Herald task with the same id).';

/** Runs a change to a Schedule; one that no longer exists needs no change. */
async function ignoringMissing(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return;
    throw err;
  }
}

/**
 * Whether the workflow's history has a send step that reported `sent`: the relay accepted the mail,
 * whatever happened to the workflow afterwards. (Herald's client uses the default data converter.)
 */
async function deliveredIn(handle: WorkflowHandle): Promise<boolean> {
  const sendSteps = new Set<string>();
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled && SEND_STEPS.has(scheduled.activityType?.name ?? '')) sendSteps.add(String(event.eventId));
    const completed = event.activityTaskCompletedEventAttributes;
    const payload = completed?.result?.payloads?.[0];
    if (completed && payload && sendSteps.has(String(completed.scheduledEventId))) {
      const result = defaultPayloadConverter.fromPayload<{ kind?: string } | null>(payload);
      if (result?.kind === 'sent') return true;
    }
  }
  return false;
}
