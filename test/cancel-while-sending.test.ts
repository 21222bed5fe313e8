// A cancel from the Temporal UI (handle.cancel(), what its Cancel button does) while the relay is
// taking the mail: the workflow waits for the send step to say how it went, so the row never stays
// `running`, the mail is never sent twice, and the row and the workflow tell the same story.
// Real Temporal dev server, PostgreSQL, worker and SMTP sink (slowed down so the cancel lands mid-send).
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/use-harness.js';

// The service's clock runs 55 s behind: "a minute ahead" falls due 5 s from now, inside the 60 s
// prepare lead, so a reservation's send step holds in the worker, then claims and sends. Reservations
// here are due 6 s from now: the service reads its clock a moment after the test reads its own, and
// exactly a minute would then be refused as too soon.
const h = useHarness({ server: 'dev', clock: () => new Date(Date.now() - 55_000) });

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const notice = (requesterId: string) => ({
  requesterId,
  template: 'notice',
  to: `${requesterId}@example.com`,
  variables: 'title=Canceled;body=While sending',
  description: `cancel while sending: ${requesterId}`,
});

/** Starts a send (now, or a reservation due in 6 s), and cancels its workflow once the relay holds the mail. */
async function cancelMidSend(kind: 'now' | 'reservation', requesterId: string, relay: 'accepts' | 'refuses') {
  h.sink.setDelay(2_000);
  if (relay === 'refuses') h.sink.failNext(1, 451);
  const refusedBefore = h.sink.refused;
  try {
    const task =
      kind === 'now'
        ? await h.service.enqueueTask(notice(requesterId))
        : await h.service.reserveTask({ ...notice(requesterId), when: new Date(Date.now() + 6_000) });
    await until(() => h.sink.inFlight === 1, 30_000);
    expect((await h.tasks.findById(task.id))!.status).toBe('running');
    await h.workflow(task.id).cancel();
    await h.workflow(task.id).result().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // room for a retry that must not come
    const row = (await h.tasks.findById(task.id))!;
    const workflow = (await h.workflow(task.id).describe()).status.name;
    return { task, row, workflow, refused: h.sink.refused - refusedBefore, mails: h.mailsOf(task.id) };
  } finally {
    h.sink.setDelay(0);
  }
}

describe.each([
  ['a send now', 'now', 'cancel-now'],
  ['a held reservation', 'reservation', 'cancel-held'],
] as const)('a cancel from the Temporal UI while the relay takes the mail: %s', (what, kind, requester) => {
  it(`${what} that the relay accepts: finished, and the run completes as sent`, async () => {
    const { row, workflow, mails } = await cancelMidSend(kind, `${requester}-accepted`, 'accepts');
    expect(mails).toHaveLength(1);
    expect(row.status).toBe('finished');
    expect(workflow).toBe('COMPLETED');
  });

  it(`${what} that the relay refuses: failed with a reason that says it was canceled, and not tried again`, async () => {
    const { row, workflow, refused, mails } = await cancelMidSend(kind, `${requester}-refused`, 'refuses');
    expect(mails).toHaveLength(0);
    expect(refused).toBe(1);
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/cancel/i);
    // The relay's refusal is in the raw error; users read that it was canceled mid-send.
    expect(row.failure_reason).toBe('canceled-while-sending');
    expect(workflow).toBe('FAILED'); // like the row: failed, and why
  });
});
