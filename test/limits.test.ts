// The guard rails hold under concurrency (issue 9 §1): the hourly limits and the cap on open
// reservations are counted and inserted atomically, so 50 requests fired at once cannot all squeeze
// under a cap; the hourly limits, per user and relay-wide (MAILS_PER_HOUR_TOTAL), count recipients.
// Real PostgreSQL and Temporal (the rows are inserted and their workflows started).
import { describe, expect, it } from 'vitest';
import type { GuardRails, ReserveRequest } from '../src/tasks/task-service.js';
import { TaskService } from '../src/tasks/task-service.js';
import { HeraldError } from '../src/domain/errors.js';
import { useHarness } from './support/use-harness.js';

// No worker: nothing here is meant to be sent; the workflows only have to start.
const h = useHarness({ server: 'dev', worker: false });

const NO_LIMITS: GuardRails = { allowedRecipientDomains: [] };
const serviceWith = (guardRails: Partial<GuardRails>) =>
  new TaskService({ repository: h.tasks, scheduler: h.scheduler, templates: h.templates, logger: h.logger, guardRails: { ...NO_LIMITS, ...guardRails } });

const request = (requesterId: string, recipients = 1, i = 0): ReserveRequest => ({
  requesterId,
  template: 'notice',
  to: Array.from({ length: recipients }, (_, n) => `r${i}-${n}@example.com`).join(','),
  variables: 'title=Limits;body=test',
  description: `request ${i}`,
  when: new Date(Date.now() + 86_400_000 + i * 60_000),
});

/** Fires every request at once and sorts the outcomes: stored tasks, and refusals by code. */
async function fireAtOnce(calls: (() => Promise<unknown>)[]) {
  const outcomes = await Promise.allSettled(calls.map((call) => call()));
  const refusals: Record<string, number> = {};
  let accepted = 0;
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') accepted++;
    else if (outcome.reason instanceof HeraldError) refusals[outcome.reason.code] = (refusals[outcome.reason.code] ?? 0) + 1;
    else throw outcome.reason;
  }
  return { accepted, refusals };
}

const rowsOf = async (requesterId: string) =>
  Number((await h.db.selectFrom('tasks').select((eb) => eb.fn.countAll<string>().as('n')).where('requester_id', '=', requesterId).executeTakeFirstOrThrow()).n);

/** Recipients asked for in the last hour under a relay-wide budget, as the budget counts them. */
const recipientsThisHour = async () =>
  Number(
    (
      await h.db
        .selectFrom('relay_usage')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('recipients'), eb.lit(0)).as('n'))
        .where('minute', '>', new Date(Date.now() - 3_600_000))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('50 requests at once', () => {
  it('MAILS_PER_HOUR lets exactly its number through', async () => {
    const service = serviceWith({ mailsPerHour: 10 });
    const { accepted, refusals } = await fireAtOnce(Array.from({ length: 50 }, (_, i) => () => service.reserveTask(request('burst-hourly', 1, i))));
    expect(accepted).toBe(10);
    expect(refusals).toEqual({ RATE_LIMITED: 40 });
    expect(await rowsOf('burst-hourly')).toBe(10);
  });

  it('MAX_OPEN_RESERVATIONS lets exactly its number through', async () => {
    const service = serviceWith({ maxOpenReservations: 5 });
    const { accepted, refusals } = await fireAtOnce(Array.from({ length: 50 }, (_, i) => () => service.reserveTask(request('burst-open', 1, i))));
    expect(accepted).toBe(5);
    expect(refusals).toEqual({ TOO_MANY_OPEN_RESERVATIONS: 45 });
    expect(await rowsOf('burst-open')).toBe(5);
  });

  it('MAILS_PER_HOUR_TOTAL lets exactly its number through, across 50 users', async () => {
    const service = serviceWith({ mailsPerHourTotal: (await recipientsThisHour()) + 20 });
    const { accepted, refusals } = await fireAtOnce(
      Array.from({ length: 50 }, (_, i) => () => (i % 2 === 0 ? service.reserveTask(request(`burst-relay-${i}`, 1, i)) : service.enqueueTask(request(`burst-relay-${i}`, 1, i)))),
    );
    expect(accepted).toBe(20);
    expect(refusals).toEqual({ RELAY_HOURLY_LIMIT: 30 });
  });
});

describe('the hourly limits count recipients', () => {
  it('per user: a mail to three is three of MAILS_PER_HOUR, sends and reservations alike', async () => {
    const service = serviceWith({ mailsPerHour: 4 });
    await service.enqueueTask(request('counted', 3, 1));
    const tooMany = await service.reserveTask(request('counted', 2, 2)).catch((err: unknown) => err);
    expect(tooMany).toBeInstanceOf(HeraldError);
    expect((tooMany as HeraldError).code).toBe('RATE_LIMITED');
    expect((tooMany as HeraldError).message).toBe(
      'This mail has 2 recipients, but only 1 of your 4 mails per hour are left. Send to fewer recipients, or try again in about 60 minute(s).',
    );
    await service.reserveTask(request('counted', 1, 3));
    const spent = await service.reserveTask(request('counted', 1, 4)).catch((err: unknown) => err);
    expect((spent as HeraldError).message).toBe('You have reached the limit of 4 mails per hour. Try again in about 60 minute(s).');
    expect(await rowsOf('counted')).toBe(2);
  });

  it('per user: a mail to more recipients than the limit is refused as such', async () => {
    const err = await serviceWith({ mailsPerHour: 4 }).enqueueTask(request('too-wide', 5)).catch((e: unknown) => e);
    expect((err as HeraldError).code).toBe('RECIPIENTS_OVER_HOURLY_LIMIT');
    expect((err as HeraldError).message).toBe('This mail has 5 recipients, more than the 4 mails per hour allowed. Send it to fewer recipients.');
    expect((err as HeraldError).messageFor('ko')).toMatch(/[가-힣]/);
    expect(await rowsOf('too-wide')).toBe(0);
  });

  it('relay-wide: every user counts, by recipients', async () => {
    const service = serviceWith({ mailsPerHourTotal: (await recipientsThisHour()) + 5 });
    await service.reserveTask(request('relay-a', 3));
    const err = await service.reserveTask(request('relay-b', 3)).catch((e: unknown) => e);
    expect((err as HeraldError).code).toBe('RELAY_HOURLY_LIMIT');
    expect((err as HeraldError).message).toMatch(/^Herald has reached its limit of \d+ mails per hour for everyone together\. Try again in about 60 minute\(s\)\.$/);
    await service.reserveTask(request('relay-b', 2));
    expect(await rowsOf('relay-b')).toBe(1);
  });
});
