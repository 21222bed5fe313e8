// A task made with a server template goes through the real send path (Temporal workflow, send
// activity, SMTP sink) and renders the version it was made with, whatever happened to the
// template since (issue 12). The task is made the way TaskService is to make it: resolve and
// check through the resolver, store the reference it answers in the payload.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaskRow } from '../src/db/schema.js';
import { ServerTemplateRepository } from '../src/db/server-template-repository.js';
import { ServerTemplateService } from '../src/mail/server-template-service.js';
import { minutesFrom } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const h = useHarness({ server: 'time-skipping' });
let templates: ServerTemplateService;

beforeAll(() => {
  templates = new ServerTemplateService({ repository: new ServerTemplateRepository(h.db), resolver: h.resolver });
});

/** A reservation made in `guildId` with `template`, as TaskService will make one. */
async function reserve(guildId: string, template: string, variables: Record<string, string>, minutes = 2): Promise<TaskRow> {
  const resolved = await h.resolver.validate(guildId, template, 'en', variables);
  const task = await h.tasks.insert({
    id: randomUUID(),
    name: `${template} → ada@example.com`,
    description: 'server template test',
    requester_id: 'member-1',
    guild_id: guildId,
    status: 'reserved',
    scheduled_at: minutesFrom(h.now(), minutes),
    payload: { recipients: ['ada@example.com'], template, variables, language: resolved.language, templateRef: resolved.ref },
  });
  await h.scheduler.start({ id: task.id, scheduledAt: task.scheduled_at });
  await h.tasks.markWorkflowStarted(task.id);
  return task;
}

const mailOf = (task: TaskRow) => h.sink.waitFor((m) => m.messageId === `<${task.id}@example.test>`);

describe('a reservation made with a server template', () => {
  it('is delivered with the version it was made with, after an edit and a delete', async () => {
    await templates.create('guild-send', 'admin-1', 'launch', {
      language: 'en',
      subject: 'Launch v1: {{product}}',
      text: 'Hello {{name}}, {{product}} launches soon. (v1)',
      html: '<p>Hello {{name}}, <b>{{product}}</b> launches soon. (v1)</p>',
    });
    const vars = { name: 'Ada', product: 'Tea & <Cake>' };
    const first = await reserve('guild-send', 'launch', vars, 3);
    expect(first.payload.templateRef).toEqual({ source: 'server', name: 'launch', version: 1 });

    // Edited after the first reservation: a second reservation takes version 2.
    await templates.edit('guild-send', 'admin-2', 'launch', {
      language: 'en',
      subject: 'Launch v2: {{product}}',
      text: 'Hi {{name}}, {{product}} is out! (v2)',
    });
    const second = await reserve('guild-send', 'launch', vars, 4);
    expect(second.payload.templateRef).toEqual({ source: 'server', name: 'launch', version: 2 });

    // Deleted before either is due: both still go out, each with its own version.
    await templates.delete('guild-send', 'admin-3', 'launch');

    expect(await h.env.client.workflow.getHandle(first.id).result()).toEqual({ kind: 'sent', messageId: `<${first.id}@example.test>` });
    expect(await h.env.client.workflow.getHandle(second.id).result()).toEqual({ kind: 'sent', messageId: `<${second.id}@example.test>` });

    const one = await mailOf(first);
    expect(one.subject).toBe('Launch v1: Tea & <Cake>');
    expect(one.text.trim()).toBe('Hello Ada, Tea & <Cake> launches soon. (v1)');
    expect(one.html).toBe('<p>Hello Ada, <b>Tea &amp; &lt;Cake&gt;</b> launches soon. (v1)</p>');

    const two = await mailOf(second);
    expect(two.subject).toBe('Launch v2: Tea & <Cake>');
    expect(two.text.trim()).toBe('Hi Ada, Tea & <Cake> is out! (v2)');
    // Version 2 has no HTML body: the mail is plain text.
    expect(two.html).toBe('');

    expect(await h.tasks.findById(first.id)).toMatchObject({ status: 'finished', error: null });
    expect(await h.tasks.findById(second.id)).toMatchObject({ status: 'finished', error: null });
  });

  it('a task of another server that names this server\'s template fails without sending', async () => {
    await templates.create('guild-owner', 'admin-1', 'private', { language: 'en', subject: 'Private {{x}}', text: 'Private {{x}}' });
    const own = await reserve('guild-owner', 'private', { x: '1' });
    // A row that claims another server's template (it cannot be made through the resolver).
    const stolen = await h.tasks.insert({
      id: randomUUID(),
      name: 'private → eve@example.com',
      description: 'another server',
      requester_id: 'member-2',
      guild_id: 'guild-other',
      status: 'queued',
      scheduled_at: null,
      payload: { recipients: ['eve@example.com'], template: 'private', variables: { x: '1' }, language: 'en', templateRef: own.payload.templateRef! },
    });
    await h.scheduler.start({ id: stolen.id, scheduledAt: null });

    const failure = await h.env.client.workflow.getHandle(stolen.id).result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const row = await h.tasks.findById(stolen.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.error).toBe('There is no template "private". Templates: notice, reminder, welcome.');
    expect(h.sink.mails.some((m) => m.to.includes('eve@example.com'))).toBe(false);

    // The owner's own reservation is delivered.
    await h.env.client.workflow.getHandle(own.id).result();
    expect((await mailOf(own)).subject).toBe('Private 1');
  });

  it('tasks without a template reference still render the built-in template they name', async () => {
    // A row as TaskService wrote them before it resolved templates (it now stores the reference).
    const task = await h.tasks.insert({
      id: randomUUID(),
      name: 'notice → ada@example.com',
      description: '',
      requester_id: 'member-3',
      guild_id: 'guild-send',
      status: 'queued',
      scheduled_at: null,
      payload: { recipients: ['ada@example.com'], template: 'notice', variables: { title: 'Hello', body: 'World' }, language: 'en' },
    });
    await h.scheduler.start({ id: task.id, scheduledAt: null });
    expect((await h.tasks.findById(task.id))!.payload.templateRef).toBeUndefined();
    await h.env.client.workflow.getHandle(task.id).result();
    expect((await h.sink.waitFor((m) => m.messageId === `<${task.id}@example.test>`)).subject).toBe('[Notice] Hello');
  });
});
