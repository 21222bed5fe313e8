// The HeraldCommands the dashboard added to the core (issue 13), on the real stack (PostgreSQL,
// the Temporal time-skipping server, a worker, the SMTP sink): quick moves, history, a server's
// open tasks for its admins, and server templates; each with its owner, admin and server rules.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../src/app/commands.js';
import { HISTORY_PAGE_SIZE, MAX_LEAD_DAYS } from '../src/domain/limits.js';
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
    expect(await h.commands.quickMove(owner, { task: task.id, move: '2d' })).toMatchObject({ kind: 'error', code: 'INVALID_FIELD' });
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

describe('history', () => {
  it('lists sent, failed and canceled tasks newest first, by outcome, a page at a time, with a safe reason', async () => {
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
    expect(first.entries).toHaveLength(HISTORY_PAGE_SIZE);
    expect(first.hasMore).toBe(true);
    expect(first.entries.map((e) => e.task.id)).toEqual([...canceled].reverse());
    const second = await h.commands.history(ctx, { page: 2 });
    if (second.kind !== 'history') throw new Error(JSON.stringify(second));
    expect(second.entries.map((e) => e.task.id)).toEqual([failed.id, sent.id]);
    expect(second.hasMore).toBe(false);
    expect([...first.entries, ...second.entries].map((e) => e.task.id)).not.toContain(open.id);

    const onlyFailed = await h.commands.history(ctx, { filter: 'failed' });
    expect(onlyFailed).toMatchObject({ kind: 'history', filter: 'failed', hasMore: false });
    if (onlyFailed.kind !== 'history') return;
    expect(onlyFailed.entries).toHaveLength(1);
    expect(onlyFailed.entries[0]).toMatchObject({
      task: { id: failed.id, status: 'failed', attempts: 1 },
      reason: 'The mail server answered: 550 5.1.1 <x@example.com>: Recipient address rejected',
    });
    const onlySent = await h.commands.history(ctx, { filter: 'sent' });
    expect(onlySent.kind === 'history' && onlySent.entries.map((e) => [e.task.id, e.task.attempts, e.reason])).toEqual([[sent.id, 1, null]]);
    // Another user's history is their own.
    const stranger = await h.commands.history(await ctxFor('hist-stranger', 'g-hist'));
    expect(stranger).toMatchObject({ kind: 'history', entries: [] });
    expect(await h.commands.history(ctx, { page: 0 })).toMatchObject({ kind: 'error', code: 'INVALID_PAGE' });
  });
});

describe("a server's open tasks", () => {
  it('are for its admins: listed, and canceled whoever made them; another server cannot reach them', async () => {
    const member = await ctxFor('srv-member', 'g-srv');
    const mine = await reserve(member, 'in 2 hours', 'member task');
    const elsewhere = await reserve(await ctxFor('srv-member', 'g-other'), 'in 2 hours', 'other server');
    const admin = await ctxFor('srv-admin', 'g-srv', { isAdmin: true });

    expect(await h.commands.serverTasks({ ...admin, isAdmin: false })).toMatchObject({ kind: 'error', code: 'ADMIN_ONLY' });
    expect(await h.commands.serverTasks({ ...admin, guildId: null })).toMatchObject({ kind: 'error', code: 'GUILD_ONLY' });
    const listed = await h.commands.serverTasks(admin);
    expect(listed.kind === 'server-tasks' && listed.tasks.map((t) => t.id)).toEqual([mine.id]);

    expect(await h.commands.cancelServerTask({ ...admin, isAdmin: false }, { task: mine.id })).toMatchObject({ kind: 'error', code: 'ADMIN_ONLY' });
    expect(await h.commands.cancelServerTask(admin, { task: elsewhere.id })).toMatchObject({ kind: 'error', code: 'TASK_NOT_FOUND' });
    expect((await h.tasks.findById(elsewhere.id))!.status).toBe('reserved');
    expect(await h.commands.cancelServerTask(admin, { task: mine.id })).toMatchObject({ kind: 'canceled', task: { id: mine.id, status: 'canceled' } });
    expect(await h.commands.serverTasks(admin)).toMatchObject({ kind: 'server-tasks', tasks: [] });
  });
});

describe('server templates through HeraldCommands', () => {
  const draft = { language: 'en', subject: 'Launch: {{product}}', text: 'Hi {{name}}, {{product}} is here.{{#if note}} {{note}}{{/if}}' };

  it('are made, changed and deleted by admins only, and stay on their own server', async () => {
    const member = await ctxFor('tpl-member', 'g-tpl');
    const admin = await ctxFor('tpl-admin', 'g-tpl', { isAdmin: true });
    expect(await h.commands.templateCreate(member, { name: 'launch', draft })).toMatchObject({ kind: 'error', code: 'ADMIN_ONLY' });
    expect(await h.commands.templateCheck(member, { draft })).toMatchObject({ kind: 'error', code: 'ADMIN_ONLY' });
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
    const otherServer = await ctxFor('tpl-admin', 'g-tpl-other', { isAdmin: true });
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
    expect(await h.commands.templateEdit(member, { name: 'launch', draft })).toMatchObject({ kind: 'error', code: 'ADMIN_ONLY' });
    expect(await h.commands.templateEdit(admin, { name: 'launch', draft: { ...draft, subject: 'Changed: {{product}}' } })).toMatchObject({
      kind: 'template-saved',
      action: 'edited',
      template: { version: 2 },
    });
    await h.workflow(task.task.id).result();
    expect(h.mailsOf(task.task.id)[0]!.subject).toBe('Launch: Tea');

    expect(await h.commands.templateDelete(member, { name: 'launch' })).toMatchObject({ kind: 'error', code: 'ADMIN_ONLY' });
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
