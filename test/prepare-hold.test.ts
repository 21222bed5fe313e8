// Waking early (MAIL_PREPARE_LEAD): the worker holds the send until the due time. Runs in real time
// on the Temporal dev server; the service's clock runs 58 s behind, so "in 1 minute" by the
// one-minute rule falls due 2 s from now, well inside the 60 s lead.
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/use-harness.js';

const SKEW_MS = 58_000;
const h = useHarness({ server: 'dev', clock: () => new Date(Date.now() - SKEW_MS), prepareLeadMs: 60_000 });

/** A reservation due `realSeconds` from now in real time. */
function reserve(requesterId: string, realSeconds: number) {
  return h.service.reserveTask({
    requesterId,
    template: 'notice',
    to: 'ops@example.com',
    variables: 'title=Held;body=On time',
    description: 'hold test',
    when: new Date(Date.now() + realSeconds * 1000),
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a reservation inside the prepare lead', () => {
  it('is held in the worker and sent at its time, not before', async () => {
    const task = await reserve('hold-on-time', 4);
    await pause(1_500);
    const description = await h.workflow(task.id).describe();
    expect(description.raw.pendingActivities?.length).toBe(1); // the hold is already in the worker
    expect(h.mailsOf(task.id)).toHaveLength(0);

    await h.workflow(task.id).result();
    const [mail] = h.mailsOf(task.id);
    const lateness = mail!.receivedAt.getTime() - task.scheduledAt!.getTime();
    expect(lateness).toBeGreaterThanOrEqual(0);
    // Loose on purpose (how late is the benchmark's business): a lost hold would wait minutes.
    expect(lateness).toBeLessThan(5_000);
  });

  it('moved later during the hold, is sent at the new time only', async () => {
    const task = await reserve('hold-later', 3);
    await pause(1_000);
    const moved = await h.service.rescheduleTask('hold-later', task.id, new Date(Date.now() + 6_000));
    await pause(3_000); // past the old time
    expect(h.mailsOf(task.id)).toHaveLength(0);
    await h.workflow(task.id).result();
    expect(h.mailsOf(task.id)).toHaveLength(1);
    expect(h.mailsOf(task.id)[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(moved.scheduledAt!.getTime());
  });

  it('moved earlier during the hold, is sent once at the new time, and the stale hold sends nothing', async () => {
    const task = await reserve('hold-earlier', 9);
    await pause(1_000);
    const moved = await h.service.rescheduleTask('hold-earlier', task.id, new Date(Date.now() + 3_000));
    await h.workflow(task.id).result();
    const [mail] = h.mailsOf(task.id);
    expect(mail!.receivedAt.getTime()).toBeLessThan(task.scheduledAt!.getTime()); // before the old time
    await pause(task.scheduledAt!.getTime() - Date.now() + 1_500); // the stale hold wakes at the old time
    expect(h.mailsOf(task.id)).toHaveLength(1);
    expect((await h.tasks.findById(task.id))!.status).toBe('finished');
  });

  it('canceled during the hold, sends nothing', async () => {
    const task = await reserve('hold-cancel', 3);
    await pause(1_000);
    await h.service.cancelTask('hold-cancel', task.id);
    await expect(h.workflow(task.id).result()).rejects.toThrow();
    await pause(3_000);
    expect(h.mailsOf(task.id)).toHaveLength(0);
    expect((await h.tasks.findById(task.id))!.status).toBe('canceled');
    expect((await h.workflow(task.id).describe()).status.name).toBe('CANCELLED');
  });

  it('hands the hold back when the worker shuts down, and the next worker sends it on time, once', async () => {
    const task = await reserve('hold-shutdown', 6);
    await pause(1_000);
    const stopping = Date.now();
    await h.stopWorker();
    expect(Date.now() - stopping).toBeLessThan(15_000); // the hold did not wait out the 20 s grace time
    expect(h.mailsOf(task.id)).toHaveLength(0);
    await h.startWorker();
    await h.workflow(task.id).result();
    expect(h.mailsOf(task.id)).toHaveLength(1);
    const lateness = h.mailsOf(task.id)[0]!.receivedAt.getTime() - task.scheduledAt!.getTime();
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(15_000); // not after the activity timeout (lead + 60 s) of a lost hold
    expect((await h.tasks.findById(task.id))!.attempts).toBe(1);
  });
});

describe('a reservation further out than the prepare lead', () => {
  // "in 2 minutes" on the service's clock: due 62 s from now in real time, to wake 60 s before.
  const farReservation = (requesterId: string) =>
    h.service.reserveTask({
      requesterId,
      template: 'notice',
      to: 'far@example.com',
      variables: 'title=Far;body=Later',
      description: 'start delay test',
      when: 'in 2 minutes',
    });

  it('waits in its start delay: no workflow task, nothing for the worker to hold or cache', async () => {
    const task = await farReservation('delay-idle');
    const description = await h.workflow(task.id).describe();
    expect(description.executionTime!.getTime() - Date.now()).toBeGreaterThan(45_000);
    const history = await h.workflow(task.id).fetchHistory();
    expect(history.events!.map((e) => e.eventType)).toEqual([1]); // WorkflowExecutionStarted only
    await h.service.cancelTask('delay-idle', task.id);
  });

  it('moved earlier, wakes at once and is sent at the new time', async () => {
    const task = await farReservation('delay-earlier');
    const moved = await h.service.rescheduleTask('delay-earlier', task.id, 'in 70 seconds'); // 12 s from now
    await h.workflow(task.id).result();
    const [mail] = h.mailsOf(task.id);
    expect(mail!.receivedAt.getTime()).toBeGreaterThanOrEqual(moved.scheduledAt!.getTime());
    expect(mail!.receivedAt.getTime()).toBeLessThan(task.scheduledAt!.getTime() - 30_000);
  });

  it('canceled, closes as canceled now, not when its delay would have ended', async () => {
    const task = await farReservation('delay-cancel');
    const canceledAt = Date.now();
    await h.service.cancelTask('delay-cancel', task.id);
    await expect(h.workflow(task.id).result()).rejects.toThrow();
    expect(Date.now() - canceledAt).toBeLessThan(30_000);
    expect((await h.workflow(task.id).describe()).status.name).toBe('CANCELLED');
    expect((await h.tasks.findById(task.id))!.status).toBe('canceled');
  });
});
