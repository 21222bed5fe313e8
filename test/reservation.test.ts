// Reservations end to end on the time-skipping Temporal server, real PostgreSQL and the SMTP sink.
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { minutesFrom } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const h = useHarness({ server: 'time-skipping' });

const reminder = (requesterId: string, overrides: Record<string, unknown> = {}) => ({
  requesterId,
  guildId: 'guild-1',
  template: 'reminder',
  to: 'ada@example.com',
  variables: 'name=Ada;event=Design review;when=Friday 10:00',
  description: 'design review reminder',
  ...overrides,
});

describe('a reservation two minutes ahead', () => {
  it('is delivered with the rendered subject and body, and the task ends finished', async () => {
    const task = await h.service.reserveTask({ ...reminder('user-reserve'), when: minutesFrom(h.now(), 2) });
    expect(task.status).toBe('reserved');

    const result = await h.workflow(task.id).result();
    expect(result).toEqual({ kind: 'sent', messageId: `<${task.id}@example.test>` });

    const mail = await h.sink.waitFor((m) => m.messageId === `<${task.id}@example.test>`);
    expect(mail.subject).toBe('Reminder: Design review — Friday 10:00');
    expect(mail.text).toContain('Hi Ada,');
    expect(mail.html).toContain('<strong>Design review</strong>');
    expect(mail.to).toEqual(['ada@example.com']);

    const row = await h.tasks.findById(task.id);
    expect(row).toMatchObject({ status: 'finished', attempts: 1, error: null });
    expect(row!.started_at).toBeInstanceOf(Date);
    expect(row!.finished_at).toBeInstanceOf(Date);
    expect(row!.finished_at!.getTime()).toBeGreaterThanOrEqual(row!.started_at!.getTime());
  });

  it('renders Korean templates for Korean requests', async () => {
    const task = await h.service.reserveTask({
      ...reminder('user-ko', { language: 'ko', variables: 'name=지민;event=회의;when=금요일 10시' }),
      when: minutesFrom(h.now(), 3),
    });
    await h.workflow(task.id).result();
    const mail = await h.sink.waitFor((m) => m.messageId === `<${task.id}@example.test>`);
    expect(mail.subject).toBe('알림: 회의 — 금요일 10시');
    expect(mail.text).toContain('지민님, 안녕하세요.');
  });

  it('escapes HTML in variables in the HTML part, and keeps the text part verbatim', async () => {
    const task = await h.service.enqueueTask(
      reminder('user-html', { variables: 'name=<script>alert(1)</script>;event=A & B;when=now' }),
    );
    await h.workflow(task.id).result();
    const mail = await h.sink.waitFor((m) => m.messageId === `<${task.id}@example.test>`);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.text).toContain('Hi <script>alert(1)</script>,');
  });
});

describe('cancel', () => {
  it('before the time: the task is canceled, the workflow closes as canceled, and no mail is sent', async () => {
    const task = await h.service.reserveTask({ ...reminder('user-cancel'), when: minutesFrom(h.now(), 5) });
    const canceled = await h.service.cancelTask('user-cancel', task.id);
    expect(canceled.status).toBe('canceled');

    const failure = await h.workflow(task.id).result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const description = await h.workflow(task.id).describe();
    expect(description.status.name).toBe('CANCELLED');

    await h.env.sleep('10 minutes');
    expect(h.mailsOf(task.id)).toHaveLength(0);
    expect((await h.tasks.findById(task.id))!.status).toBe('canceled');
  });

  it('after the mail was sent is refused, and changes nothing', async () => {
    const task = await h.service.reserveTask({ ...reminder('user-late-cancel'), when: minutesFrom(h.now(), 2) });
    await h.workflow(task.id).result();
    await expect(h.service.cancelTask('user-late-cancel', task.id)).rejects.toMatchObject({ code: 'TASK_NOT_OPEN' });
    expect((await h.tasks.findById(task.id))!.status).toBe('finished');
  });

  it("of another user's task is refused as if it did not exist", async () => {
    const task = await h.service.reserveTask({ ...reminder('owner'), when: minutesFrom(h.now(), 30) });
    await expect(h.service.cancelTask('intruder', task.id)).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    expect((await h.tasks.findById(task.id))!.status).toBe('reserved');
    await h.service.cancelTask('owner', task.id);
  });
});

describe('reschedule', () => {
  it('sends at the new time only', async () => {
    const start = h.now();
    const task = await h.service.reserveTask({ ...reminder('user-move'), when: minutesFrom(start, 2) });
    const moved = await h.service.rescheduleTask('user-move', task.id, minutesFrom(start, 20));
    expect(moved.scheduledAt).toEqual(minutesFrom(start, 20));

    await h.env.sleep('10 minutes');
    await new Promise((r) => setTimeout(r, 1_000)); // let a (wrong) early send reach the sink
    expect(h.mailsOf(task.id)).toHaveLength(0);
    expect((await h.tasks.findById(task.id))!.status).toBe('reserved');

    await h.workflow(task.id).result();
    expect(h.mailsOf(task.id)).toHaveLength(1);
    expect((await h.tasks.findById(task.id))!.status).toBe('finished');
  });

  it('follows the same one-minute rule as reserving', async () => {
    const task = await h.service.reserveTask({ ...reminder('user-move-soon'), when: minutesFrom(h.now(), 30) });
    await expect(h.service.rescheduleTask('user-move-soon', task.id, 'in 30 seconds')).rejects.toMatchObject({
      code: 'TIME_TOO_SOON',
    });
    expect((await h.tasks.findById(task.id))!.scheduled_at).toEqual(task.scheduledAt);
    await h.service.cancelTask('user-move-soon', task.id);
  });
});

describe('listReserved', () => {
  it("returns only the caller's reservations, soonest first", async () => {
    const now = h.now();
    const late = await h.service.reserveTask({ ...reminder('lister'), when: minutesFrom(now, 50) });
    const soon = await h.service.reserveTask({ ...reminder('lister'), when: minutesFrom(now, 40) });
    await h.service.reserveTask({ ...reminder('someone-else'), when: minutesFrom(now, 45) });
    const list = await h.service.listReserved('lister', 10);
    expect(list.map((t) => t.id)).toEqual([soon.id, late.id]);
    for (const t of [soon, late]) await h.service.cancelTask('lister', t.id);
  });
});
