// The HeraldCommands the dashboard added to the core (issue 13), on the real stack (PostgreSQL,
// the Temporal time-skipping server, a worker, the SMTP sink): quick moves, history, a server's
// open tasks for its admins, and server templates; each under the core's one set of scopes (a
// task belongs to the server it was made in; admins act on their own server only).
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../src/app/commands.js';
import { HISTORY_PAGE_SIZE, MAX_LEAD_DAYS, MAX_RESCHEDULES } from '../src/domain/limits.js';
import { failureText } from '../src/i18n/ui.js';
import { minutesFrom } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const h = useHarness({ server: 'time-skipping' });

const ctxFor = (userId: string, guildId: string | null, extra: Partial<CommandContext> = {}): Promise<CommandContext> =>
  h.commands.contextFor({ userId, guildId, locale: 'en', ...extra });

async function reserve(ctx: CommandContext, when: string | Date = 'in 3 hours', description = 'a reservation') {
  const result = await h.commands.reserve(ctx, {
    template: 'notice',
    to: 'x@example.com',
    when: typeof when === 'string' ? when : when.toISOString().slice(0, 16).replace('T', ' '),
    vars: 'title=T;body=B',
    description,
  });
  if (result.kind !== 'reserved') throw new Error(`not reserved: ${JSON.stringify(result)}`);
  return result.task;
}

describe('quickMove', () => {
  it('moves from the reservation time: +10 minutes, +1 hour, tomorrow at the same local time', async () => {
    const ctx = { ...(await ctxFor('qm-owner', 'g-qm')), timeZone: 'America/New_York' };
    const task = await reserve(ctx);
    const start = task.scheduledAt!.getTime();
    const moved = async (move: string) => {
      const result = await h.commands.quickMove(ctx, { task: task.id, move });
      if (result.kind !== 'rescheduled') throw new Error(JSON.stringify(result));
      return result.task.scheduledAt!.getTime();
    };
    expect(await moved('10m')).toBe(start + 10 * 60_000);
    expect(await moved('1h')).toBe(start + 70 * 60_000);
    const tomorrow = await moved('tomorrow');
    const local = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { timeZone: 'America/New_York' });
    expect(local(tomorrow)).toBe(local(start + 70 * 60_000));
    expect(Math.abs(tomorrow - (start + 70 * 60_000) - 86_400_000)).toBeLessThanOrEqual(3_600_000);
    // The row and the sleeping workflow agree: it is sent at the last time only.
    expect((await h.tasks.findById(task.id))!.scheduled_at!.getTime()).toBe(tomorrow);
    await h.workflow(task.id).result();
    expect(h.mailsOf(task.id)).toHaveLength(1);
  });

  it("is refused for someone else's task, an unknown move, a closed task and a time past the lead rule", async () => {
    const owner = await ctxFor('qm-owner-2', 'g-qm');
    const task = await reserve(owner);
    const other = await h.commands.quickMove(await ctxFor('qm-stranger', 'g-qm'), { task: task.id, move: '1h' });
    expect(other).toMatchObject({ kind: 'error', code: 'TASK_NOT_FOUND' });
    // The owner, from another server or from the console: the task belongs to the server it was made in.
    for (const elsewhere of [await ctxFor('qm-owner-2', 'g-qm-other'), await ctxFor('qm-owner-2', null)]) {
      expect(await h.commands.quickMove(elsewhere, { task: task.id, move: '1h' })).toMatchObject({ kind: 'error', code: 'TASK_NOT_FOUND' });
    }
    // Nor does an admin of the server move someone else's reservation: moving is the owner's, as with reschedule.
    expect(await h.commands.quickMove(await ctxFor('qm-admin', 'g-qm', { isServerAdmin: true }), { task: task.id, move: '1h' })).toMatchObject({
      kind: 'error',
      code: 'TASK_NOT_FOUND',
    });
    expect(await h.commands.quickMove(owner, { task: task.id, move: '2d' })).toMatchObject({ kind: 'error', code: 'INVALID_QUICK_MOVE' });
    expect((await h.tasks.findById(task.id))!.scheduled_at).toEqual(task.scheduledAt);

    // Reserved as late as allowed: tomorrow would be past MAX_LEAD_DAYS.
    const far = await reserve(owner, new Date(h.now().getTime() + MAX_LEAD_DAYS * 86_400_000 - 3_600_000));
    expect(await h.commands.quickMove(owner, { task: far.id, move: 'tomorrow' })).toMatchObject({ kind: 'error', code: 'TIME_TOO_FAR' });
    // Not left to fire while later tests skip time.
    await h.commands.cancel(owner, { task: far.id });

    await h.commands.cancel(owner, { task: task.id });
    expect(await h.commands.quickMove(owner, { task: task.id, move: '10m' })).toMatchObject({ kind: 'error', code: 'TASK_NOT_OPEN' });
  });
});

describe('quickMove and the reschedule cap', () => {
  it(`counts quick moves as reschedules: ${MAX_RESCHEDULES} moves of either kind, then both are refused and nothing changes`, async () => {
    const ctx = await ctxFor('qm-restless', 'g-qm');
    const task = await reserve(ctx);
    for (let n = 1; n < MAX_RESCHEDULES; n++) {
      expect(await h.commands.quickMove(ctx, { task: task.id, move: '10m' })).toMatchObject({ kind: 'rescheduled' });
    }
    expect(await h.commands.reschedule(ctx, { task: task.id, when: 'in 5 hours' })).toMatchObject({ kind: 'rescheduled' });
    const booked = (await h.tasks.findById(task.id))!;
    expect(booked.reschedule_count).toBe(MAX_RESCHEDULES);

    const refused = await h.commands.quickMove(ctx, { task: task.id, move: '1h' });
    expect(refused).toMatchObject({ kind: 'error', code: 'TOO_MANY_RESCHEDULES' });
    expect(await h.commands.reschedule(ctx, { task: task.id, when: 'in 6 hours' })).toMatchObject({ kind: 'error', code: 'TOO_MANY_RESCHEDULES' });
    expect((await h.tasks.findById(task.id))!).toMatchObject({ scheduled_at: booked.scheduled_at, reschedule_count: MAX_RESCHEDULES });
    await h.commands.cancel(ctx, { task: task.id });
  });
});

describe('history', () => {
  it('lists sent, failed and canceled tasks newest first, by outcome, a page at a time, with the stored safe reason', async () => {
    const ctx = await ctxFor('hist-user', 'g-hist');
    const sent = await reserve(ctx, minutesFrom(h.now(), 5), 'will be sent');
    await h.workflow(sent.id).result();
    h.sink.failNext(1, 550, '5.1.1 <x@example.com>: Recipient address rejected');
    const failed = await reserve(ctx, minutesFrom(h.now(), 5), 'will fail');
    await h.workflow(failed.id).result().catch(() => undefined);
    await h.syncClock();
    const canceled: string[] = [];
    for (let i = 0; i < HISTORY_PAGE_SIZE; i++) {
      const task = await reserve(ctx, 'in 2 hours', `canceled ${i}`);
      await h.commands.cancel(ctx, { task: task.id });
      canceled.push(task.id);
    }
    // Still open: never in history.
    const open = await reserve(ctx, 'in 2 hours', 'still open');

    const first = await h.commands.history(ctx);
    if (first.kind !== 'history') throw new Error(JSON.stringify(first));
    expect(first.tasks).toHaveLength(HISTORY_PAGE_SIZE);
    expect(first.hasMore).toBe(true);
    expect(first.tasks.map((t) => t.id)).toEqual([...canceled].reverse());
    const second = await h.commands.history(ctx, { page: 2 });
    if (second.kind !== 'history') throw new Error(JSON.stringify(second));
    expect(second.tasks.map((t) => t.id)).toEqual([failed.id, sent.id]);
    expect(second.hasMore).toBe(false);
    expect([...first.tasks, ...second.tasks].map((t) => t.id)).not.toContain(open.id);

    const onlyFailed = await h.commands.history(ctx, { filter: 'failed' });
    expect(onlyFailed).toMatchObject({ kind: 'history', filter: 'failed', hasMore: false });
    if (onlyFailed.kind !== 'history') return;
    expect(onlyFailed.tasks).toHaveLength(1);
    // The reason the worker stored when it failed, the same one the DM and /reserved show: the
    // relay's codes, never its words (which can name the address or the relay's host).
    expect(onlyFailed.tasks[0]).toMatchObject({ id: failed.id, status: 'failed', attempts: 1, failureReason: 'address-refused', smtpCodes: '550 5.1.1' });
    expect(failureText('en', onlyFailed.tasks[0]!)).toBe('the mail server refused the address (550 5.1.1)');
    expect(JSON.stringify(onlyFailed)).not.toContain('Recipient address rejected');
    const onlySent = await h.commands.history(ctx, { filter: 'sent' });
    expect(onlySent.kind === 'history' && onlySent.tasks.map((t) => [t.id, t.attempts, t.failureReason])).toEqual([[sent.id, 1, null]]);
    // Another user's history is their own; the same user's in another server, or at the console, is another history.
    for (const elsewhere of [await ctxFor('hist-stranger', 'g-hist'), await ctxFor('hist-user', 'g-hist-other'), await ctxFor('hist-user', null)]) {
      expect(await h.commands.history(elsewhere)).toMatchObject({ kind: 'history', tasks: [] });
    }
    expect(await h.commands.history(ctx, { page: 0 })).toMatchObject({ kind: 'error', code: 'INVALID_PAGE' });
  });
});

describe("a server's open tasks", () => {
  it('are what /reserved scope:server and /cancel give its admins: another server cannot reach them', async () => {
    const member = await ctxFor('srv-member', 'g-srv');
    const mine = await reserve(member, 'in 2 hours', 'member task');
    const elsewhere = await reserve(await ctxFor('srv-member', 'g-other'), 'in 2 hours', 'other server');
    const admin = await ctxFor('srv-admin', 'g-srv', { isServerAdmin: true });

    // What the dashboard asks before it shows the admin page: the core's answer, not its own.
    expect(h.commands.adminRefusal(admin)).toBeUndefined();
    for (const notAdmin of [{ ...admin, isServerAdmin: false }, { ...admin, guildId: null }]) {
      expect(h.commands.adminRefusal(notAdmin)).toMatch(/^Only this server's Herald admins/);
      expect(await h.commands.reserved(notAdmin, { scope: 'server' })).toMatchObject({ kind: 'error', code: 'NOT_SERVER_ADMIN' });
    }
    const listed = await h.commands.reserved(admin, { scope: 'server' });
    expect(listed.kind === 'list' && listed.tasks.map((t) => t.id)).toEqual([mine.id]);

    // Without the admin flag, the same cancel finds only one's own tasks.
    expect(await h.commands.cancel({ ...admin, isServerAdmin: false }, { task: mine.id })).toMatchObject({ kind: 'error', code: 'TASK_NOT_FOUND' });
    expect(await h.commands.cancel(admin, { task: elsewhere.id })).toMatchObject({ kind: 'error', code: 'TASK_NOT_FOUND' });
    expect((await h.tasks.findById(elsewhere.id))!.status).toBe('reserved');
    expect(await h.commands.cancel(admin, { task: mine.id })).toMatchObject({ kind: 'canceled', task: { id: mine.id, status: 'canceled', canceledBy: 'srv-admin' } });
    expect(await h.commands.reserved(admin, { scope: 'server' })).toMatchObject({ kind: 'list', tasks: [], total: 0 });
    await h.commands.cancel(await ctxFor('srv-member', 'g-other'), { task: elsewhere.id });
  });
});

describe('server templates through HeraldCommands', () => {
  const draft = { language: 'en', subject: 'Launch: {{product}}', text: 'Hi {{name}}, {{product}} is here.{{#if note}} {{note}}{{/if}}' };

  it('are made, changed and deleted by admins only, and stay on their own server', async () => {
    const member = await ctxFor('tpl-member', 'g-tpl');
    const admin = await ctxFor('tpl-admin', 'g-tpl', { isServerAdmin: true });
    expect(await h.commands.templateCreate(member, { name: 'launch', draft })).toMatchObject({ kind: 'error', code: 'NOT_SERVER_ADMIN' });
    expect(await h.commands.templateCheck(member, { draft })).toMatchObject({ kind: 'error', code: 'NOT_SERVER_ADMIN' });
    expect(await h.commands.templateShow(member, { name: 'launch' })).toMatchObject({ kind: 'error', code: 'UNKNOWN_TEMPLATE' });

    const created = await h.commands.templateCreate(admin, { name: 'launch', draft });
    expect(created).toMatchObject({
      kind: 'template-saved',
      action: 'created',
      template: { name: 'launch', version: 1 },
      preview: { variables: ['name', 'note', 'product'], optional: ['note'], mail: { subject: 'Launch: [product]' } },
    });
    const checked = await h.commands.templateCheck(admin, { draft: { ...draft, subject: 'Oops {{> partial}}' } });
    expect(checked).toMatchObject({ kind: 'error', code: 'TEMPLATE_PARTIAL_NOT_ALLOWED' });

    // Members see and preview it; another server does not.
    const listed = await h.commands.templateList(member);
    expect(listed.kind === 'template-list' && listed.templates.map((t) => `${t.source}:${t.name}`)).toEqual([
      'server:launch',
      'builtin:notice',
      'builtin:reminder',
      'builtin:welcome',
    ]);
    expect(await h.commands.templatePreview(member, { name: 'launch', values: { product: 'Tea' } })).toMatchObject({
      kind: 'template-preview',
      preview: { ref: { source: 'server', name: 'launch', version: 1 }, mail: { subject: 'Launch: Tea', text: 'Hi [name], Tea is here. [note]' } },
    });
    const otherServer = await ctxFor('tpl-admin', 'g-tpl-other', { isServerAdmin: true });
    expect(await h.commands.templateShow(otherServer, { name: 'launch' })).toMatchObject({ kind: 'error', code: 'UNKNOWN_TEMPLATE' });
    expect(await h.commands.templateEdit(otherServer, { name: 'launch', draft })).toMatchObject({ kind: 'error', code: 'UNKNOWN_TEMPLATE' });
    expect(await h.commands.templateDelete(otherServer, { name: 'launch' })).toMatchObject({ kind: 'error', code: 'UNKNOWN_TEMPLATE' });

    // A member reserves with it: the task keeps version 1 and is sent with it after an edit.
    const task = await h.commands.reserve(member, {
      template: 'launch',
      to: 'ada@example.com',
      when: minutesFrom(h.now(), 5).toISOString().slice(0, 16).replace('T', ' '),
      vars: { name: 'Ada', product: 'Tea' },
      description: 'launch mail',
    });
    if (task.kind !== 'reserved') throw new Error(JSON.stringify(task));
    expect((await h.tasks.findById(task.task.id))!.payload.templateRef).toEqual({ source: 'server', name: 'launch', version: 1 });
    expect(await h.commands.templateEdit(member, { name: 'launch', draft })).toMatchObject({ kind: 'error', code: 'NOT_SERVER_ADMIN' });
    expect(await h.commands.templateEdit(admin, { name: 'launch', draft: { ...draft, subject: 'Changed: {{product}}' } })).toMatchObject({
      kind: 'template-saved',
      action: 'edited',
      template: { version: 2 },
    });
    await h.workflow(task.task.id).result();
    expect(h.mailsOf(task.task.id)[0]!.subject).toBe('Launch: Tea');

    expect(await h.commands.templateDelete(member, { name: 'launch' })).toMatchObject({ kind: 'error', code: 'NOT_SERVER_ADMIN' });
    expect(await h.commands.templateDelete(admin, { name: 'launch' })).toMatchObject({ kind: 'template-deleted', name: 'launch', version: 3 });
    expect(await h.commands.templateDelete(admin, { name: 'notice' })).toMatchObject({ kind: 'error', code: 'TEMPLATE_BUILTIN_READONLY' });
  });

  it('lets a request choose a language the template has', async () => {
    const ctx = await ctxFor('lang-user', null, { locale: 'ko' });
    const result = await h.commands.sendmail(ctx, { template: 'notice', to: 'k@example.com', vars: 'title=T;body=B', language: 'en' });
    expect(result).toMatchObject({ kind: 'queued', task: { language: 'en' } });
    expect(await h.commands.sendmail(ctx, { template: 'notice', to: 'k@example.com', vars: 'title=T;body=B', language: 'fr' })).toMatchObject({
      kind: 'error',
      code: 'UNKNOWN_LANGUAGE',
    });
  });
});
