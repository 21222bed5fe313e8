// The send-mail activity's retry policy against real SMTP refusals from the sink.
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { minutesFrom } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const h = useHarness({ server: 'time-skipping' });

async function reserveAndAwait(requesterId: string) {
  const task = await h.service.reserveTask({
    requesterId,
    template: 'notice',
    to: 'ops@example.com',
    variables: 'title=Maintenance;body=The server restarts at noon.',
    description: 'maintenance notice',
    when: minutesFrom(h.now(), 2),
  });
  const outcome = await h
    .workflow(task.id)
    .result()
    .then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  const delivered = h.mailsOf(task.id);
  return { task, outcome, delivered, row: (await h.tasks.findById(task.id))! };
}

describe('SMTP failures', () => {
  it('4xx twice, then accepted: delivered on attempt 3', async () => {
    h.sink.failNext(2, 451);
    const refusedBefore = h.sink.refused;
    const { outcome, delivered, row } = await reserveAndAwait('smtp-4xx-twice');
    expect(outcome).toMatchObject({ value: { kind: 'sent' } });
    expect(h.sink.refused - refusedBefore).toBe(2);
    expect(delivered).toHaveLength(1);
    expect(row).toMatchObject({ status: 'finished', attempts: 3, error: null });
  });

  it('4xx three times: failed after 3 attempts, with the SMTP reply as the error', async () => {
    h.sink.failNext(3, 451);
    const { outcome, delivered, row } = await reserveAndAwait('smtp-4xx-thrice');
    expect((outcome as { error: unknown }).error).toBeInstanceOf(WorkflowFailedError);
    expect(delivered).toHaveLength(0);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(3);
    expect(row.error).toMatch(/451/);
    expect(row.finished_at).toBeInstanceOf(Date);
  });

  it('5xx: failed after 1 attempt, without retrying', async () => {
    h.sink.failNext(1, 550);
    const refusedBefore = h.sink.refused;
    const { outcome, delivered, row } = await reserveAndAwait('smtp-5xx');
    expect((outcome as { error: unknown }).error).toBeInstanceOf(WorkflowFailedError);
    expect(h.sink.refused - refusedBefore).toBe(1);
    expect(delivered).toHaveLength(0);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.error).toMatch(/550/);
  });

  it('503 is retried like a 4xx', async () => {
    h.sink.failNext(1, 503);
    const { outcome, row } = await reserveAndAwait('smtp-503');
    expect(outcome).toMatchObject({ value: { kind: 'sent' } });
    expect(row).toMatchObject({ status: 'finished', attempts: 2 });
  });
});
