// Bad requests are refused with a clear message before anything is stored or started.
import { randomUUID } from 'node:crypto';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { HeraldError } from '../src/domain/errors.js';
import { TaskService } from '../src/tasks/task-service.js';
import { TemporalTaskScheduler } from '../src/temporal/mail-task-scheduler.js';
import { minutesFrom } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

/** Every task id the service hands out, in order: a request gets its id before it is checked. */
const ids: string[] = [];
const h = useHarness({
  server: 'dev',
  newTaskId: () => {
    const id = randomUUID();
    ids.push(id);
    return id;
  },
});

const valid = () => ({
  requesterId: 'rejected-user',
  template: 'welcome',
  to: 'new.member@example.com',
  variables: 'name=Kim;community=Herald Club',
  description: 'welcome mail',
  when: minutesFrom(new Date(), 5) as Date | string,
});

const cases: [string, Partial<ReturnType<typeof valid>>, string, RegExp][] = [
  ['less than a minute ahead', { when: new Date(Date.now() + 30_000) }, 'TIME_TOO_SOON', /at least 1 minute/],
  ['in the past', { when: 'yesterday 9am' }, 'TIME_IN_PAST', /already in the past/],
  ['an unreadable time', { when: 'whenever you like' }, 'TIME_UNPARSEABLE', /could not read "whenever you like"/],
  ['an unknown template', { template: 'farewell' }, 'UNKNOWN_TEMPLATE', /no template "farewell".*notice, reminder, welcome/],
  ['a missing variable', { variables: 'name=Kim' }, 'MISSING_VARIABLES', /needs: community/],
  ['a bad address', { to: 'not-an-address' }, 'INVALID_RECIPIENT', /"not-an-address" is not a valid e-mail address/],
  ['a header injection in the address', { to: 'a@example.com\r\nBcc: x@evil.test' }, 'INVALID_RECIPIENT', /not a valid e-mail/],
  ['an empty description', { description: '   ' }, 'DESCRIPTION_REQUIRED', /needs a description/],
  // Control characters: where they are, not a generic apology (PostgreSQL refuses U+0000 in text).
  ['a NUL in a variable', { variables: 'name=K\u0000im;community=Herald Club' }, 'CONTROL_CHARACTER', /^The value of variable "name" has a control character \(U\+0000\) at character 2\. Remove it\.$/],
  ['an escape sequence in a variable', { variables: 'name=Kim;community=\u001b[31mred' }, 'CONTROL_CHARACTER', /variable "community" has a control character \(U\+001B\) at character 1/],
  ['a line break in the description', { description: 'welcome\nmail' }, 'CONTROL_CHARACTER', /^The description has a control character \(U\+000A, such as a line break\) at character 8\./],
  ['a NUL in the description', { description: 'wel\u0000come' }, 'CONTROL_CHARACTER', /description has a control character \(U\+0000/],
];

describe('reserveTask refuses', () => {
  it.each(cases)('%s', async (_name, change, code, message) => {
    const error = await h.service.reserveTask({ ...valid(), ...change }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HeraldError);
    expect((error as HeraldError).code).toBe(code);
    expect((error as HeraldError).message).toMatch(message);
    expect((error as HeraldError).messageFor('ko')).toMatch(/[가-힣]/);
  });

  it('and stores no row and starts no workflow for any of them', async () => {
    for (const [name, change] of cases) {
      const before = ids.length;
      await expect(h.service.reserveTask({ ...valid(), ...change }), name).rejects.toBeInstanceOf(HeraldError);
      expect(ids, name).toHaveLength(before + 1);
      // Asked by the id the task would have had: describe is read from the workflow's own record,
      // so unlike a visibility count it cannot lag behind a start.
      const id = ids.at(-1)!;
      expect(await h.tasks.findById(id), name).toBeUndefined();
      await expect(h.workflow(id).describe(), name).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
    const rows = await h.db.selectFrom('tasks').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(0);
  });

  it('while the same request with valid input is stored and started', async () => {
    const task = await h.service.reserveTask(valid());
    expect(task.id).toBe(ids.at(-1));
    const description = await h.workflow(task.id).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.taskQueue).toBe(h.taskQueue);
    await h.service.cancelTask('rejected-user', task.id);
  });
});

describe('starting a task twice', () => {
  it('gives one workflow run and one mail', async () => {
    const task = await h.service.enqueueTask({ ...valid(), requesterId: 'twice' });
    const { runId } = await h.workflow(task.id).describe();
    await h.scheduler.start({ id: task.id, scheduledAt: null });
    await h.workflow(task.id).result();
    await h.scheduler.start({ id: task.id, scheduledAt: null }); // after it closed, too
    await h.sink.waitFor((m) => m.messageId === `<${task.id}@example.test>`);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.mailsOf(task.id)).toHaveLength(1);
    // The latest run of the task's workflow id is still the first one.
    const latest = await h.workflow(task.id).describe();
    expect(latest.runId).toBe(runId);
    expect(latest.status.name).toBe('COMPLETED');
  });
});

describe('when the workflow cannot be started', () => {
  it('the task becomes failed and the caller gets a clear error', async () => {
    // A real start failure: the namespace does not exist on this server.
    const service = new TaskService({
      repository: h.tasks,
      scheduler: new TemporalTaskScheduler({
        client: new Client({ connection: h.env.connection, namespace: 'no-such-namespace' }),
        taskQueue: h.taskQueue,
        retryPolicy: { maximumAttempts: 3, initialIntervalMs: 5000, backoffCoefficient: 2, nonRetryableErrorTypes: [] },
      }),
      templates: h.templates,
      logger: h.logger,
    });
    const error = await service.reserveTask({ ...valid(), requesterId: 'start-fails' }).catch((err: unknown) => err);
    expect((error as HeraldError).code).toBe('SCHEDULE_FAILED');
    const rows = await h.db.selectFrom('tasks').selectAll().where('requester_id', '=', 'start-fails').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('failed');
    expect(rows[0]!.error).toMatch(/Could not start the workflow/);
  });
});
