// The task view (the one mapping from the row) and what the front ends and notices make of it.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/app/commands.js';
import { renderForDiscord } from '../../src/bot/render.js';
import { renderPlain } from '../../src/console/render.js';
import type { TaskRow } from '../../src/db/schema.js';
import { noticeText } from '../../src/notify/outcome-notifier.js';
import { type Task, toTaskView } from '../../src/tasks/task-view.js';

const row: TaskRow = {
  id: '6f465a92-33de-4300-b51c-0699c7329e13',
  name: 'reminder → ada@example.com (+1)',
  description: 'standup',
  requester_id: 'user-1',
  guild_id: 'guild-1',
  status: 'reserved',
  scheduled_at: new Date('2026-12-01T09:00:00Z'),
  payload: {
    recipients: ['ada@example.com', 'grace@example.com'],
    template: 'reminder',
    variables: { name: 'Ada', event: 'Standup', when: '9:30' },
    language: 'en',
  },
  attempts: 0,
  error: null,
  created_at: new Date('2026-11-30T08:00:00Z'),
  updated_at: new Date('2026-11-30T08:00:00Z'),
  started_at: null,
  finished_at: null,
  claim_token: 'run/1',
  workflow_started_at: new Date('2026-11-30T08:00:01Z'),
  canceled_by: null,
  failure_reason: null,
  recipient_count: 2,
  reschedule_count: 0,
  schedule_changed_at: null,
  series_id: null,
  run_at: null,
  edit_count: 0,
  start_claimed_at: null,
};

const ctx: CommandContext = { userId: 'user-1', guildId: 'guild-1', locale: 'en', timeZone: 'UTC' };

describe('toTaskView', () => {
  it('maps every column a front end needs to camelCase, and leaves the bookkeeping out', () => {
    expect(toTaskView(row)).toEqual({
      id: '6f465a92-33de-4300-b51c-0699c7329e13',
      name: 'reminder → ada@example.com (+1)',
      description: 'standup',
      requesterId: 'user-1',
      guildId: 'guild-1',
      status: 'reserved',
      scheduledAt: new Date('2026-12-01T09:00:00Z'),
      template: 'reminder',
      recipients: ['ada@example.com', 'grace@example.com'],
      variables: { name: 'Ada', event: 'Standup', when: '9:30' },
      language: 'en',
      attempts: 0,
      failureReason: null,
      smtpCodes: null,
      canceledBy: null,
      createdAt: new Date('2026-11-30T08:00:00Z'),
      startedAt: null,
      finishedAt: null,
    });
  });

  it('copies the payload, so a change to the view never reaches the row', () => {
    const view = toTaskView(row);
    view.recipients.push('mallory@example.com');
    view.variables.name = 'Mallory';
    expect(row.payload.recipients).toEqual(['ada@example.com', 'grace@example.com']);
    expect(row.payload.variables.name).toBe('Ada');
  });
});

describe('front ends render the view', () => {
  const task: Task = toTaskView(row);

  it('the console list shows each task under its name', () => {
    const text = renderPlain({ kind: 'list', scope: 'mine', tasks: [task], total: 1, offset: 0, limit: 10 }, ctx, new Date('2026-11-30T09:00:00Z'));
    // ICU puts a narrow no-break space before AM/PM in some versions.
    expect(text.replace(/\u202f/g, ' ')).toBe(
      [
        'Your reservations (1)',
        '• reminder → ada@example.com (+1)',
        '  Task: 6f465a92-33de-4300-b51c-0699c7329e13',
        '  Template: reminder  To: ada@example.com, grace@example.com',
        '  Status: reserved',
        '  When: Tue, Dec 1, 2026, 9:00 AM UTC (in 24 hours)',
        '  Description: standup',
      ].join('\n'),
    );
  });

  it('a send now is "queued for sending", not sent', () => {
    const text = renderPlain({ kind: 'queued', task: { ...task, status: 'queued', scheduledAt: null } }, ctx);
    expect(text.split('\n')[0]).toBe('✔ Mail queued for sending');
    expect(renderForDiscord({ kind: 'queued', task }, ctx).embeds![0]).toMatchObject({ data: { title: 'Mail queued for sending' } });
  });

  it('the Discord list names each field after the task, with its time, id and description', () => {
    const reply = renderForDiscord({ kind: 'list', scope: 'mine', tasks: [task], total: 1, offset: 0, limit: 10 }, ctx);
    const embed = JSON.parse(JSON.stringify(reply.embeds![0])) as { title: string; fields: { name: string; value: string }[] };
    expect(embed.title).toBe('Your reservations (1)');
    expect(embed.fields).toEqual([
      {
        name: 'reminder → ada@example.com (+1)',
        value: '<t:1796115600:F> (<t:1796115600:R>)\n`6f465a92-33de-4300-b51c-0699c7329e13`\nstandup',
      },
    ]);
  });

  it('a reservation, fresh or moved, carries the quick moves and a Cancel button for its requester; a canceled one does not', () => {
    const id = '6f465a92-33de-4300-b51c-0699c7329e13';
    // The quick moves (issue 11) come first, each with its move, task and requester in the id.
    const buttons = [
      { custom_id: `herald:move:10m:${id}:user-1`, label: '+10 min' },
      { custom_id: `herald:move:1h:${id}:user-1`, label: '+1 hour' },
      { custom_id: `herald:move:tomorrow:${id}:user-1`, label: 'Tomorrow, same time' },
      { custom_id: `herald:cancel:${id}:user-1`, label: 'Cancel reservation' },
    ];
    const look = (kind: 'reserved' | 'rescheduled' | 'canceled') => {
      const reply = JSON.parse(JSON.stringify(renderForDiscord({ kind, task }, ctx))) as {
        embeds: { title: string }[];
        components: { components: { custom_id: string; label: string }[] }[];
      };
      return { title: reply.embeds[0]!.title, buttons: reply.components.flatMap((row) => row.components) };
    };
    expect(look('reserved')).toMatchObject({ title: 'Mail reserved', buttons });
    expect(look('rescheduled')).toMatchObject({ title: 'Reservation moved', buttons });
    expect(look('canceled')).toEqual({ title: 'Reservation canceled', buttons: [] });
  });

  it('the outcome notice quotes the task in its own language, with a reason safe to show', () => {
    const failed = toTaskView({ ...row, status: 'failed', error: '550 5.1.1 <ada@example.com>: mx.relay.internal:25 mailbox unavailable', failure_reason: 'address-refused' });
    expect(noticeText(failed, 'failed')).toBe(
      [
        '⚠️ Your reserved mail could not be sent',
        'Task: `6f465a92-33de-4300-b51c-0699c7329e13` · reminder → ada@example.com, grace@example.com',
        'Description: standup',
        '> the mail server refused the address (550 5.1.1)',
      ].join('\n'),
    );
    expect(noticeText({ ...failed, language: 'ko' }, 'failed').split('\n').at(-1)).toBe('> 메일 서버가 받는 사람 주소를 거부했습니다 (550 5.1.1)');
    // Without a reason Herald can name, the notice says so, and still quotes nothing of the raw error.
    const unknown = toTaskView({ ...row, status: 'failed', error: 'connect ECONNREFUSED 10.0.0.7:5432', failure_reason: null });
    expect(noticeText(unknown, 'failed')).toContain("> Herald could not send it; the details are logged for the bot's operator");
    expect(noticeText(unknown, 'failed')).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|5432/);
    expect(noticeText({ ...task, language: 'ko' }, 'sent').split('\n')[0]).toBe('✅ 예약한 메일을 보냈습니다');
  });
});
