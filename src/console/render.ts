// Plain-text rendering of command results, for the console front end.
import type { CommandContext, CommandResult } from '../app/commands.js';
import { formatInZone } from '../domain/time-zone.js';
import { failureText, nextYearNote, pageRange, relativeTime as relative, statusName, TASK_RESULT_TITLES, ui } from '../i18n/ui.js';
import type { Task } from '../tasks/task-view.js';

export function renderPlain(result: CommandResult, ctx: CommandContext, now: Date = new Date()): string {
  const { locale } = ctx;
  switch (result.kind) {
    case 'error':
      return `✖ ${result.message}`;
    case 'queued':
    case 'reserved':
    case 'canceled':
    case 'rescheduled':
      return `✔ ${ui(locale, TASK_RESULT_TITLES[result.kind])}\n${taskLines(result.task, ctx, now, 'nextYear' in result && result.nextYear === true)}`;
    case 'list': {
      if (result.tasks.length === 0) return ui(locale, 'listEmpty');
      const { tasks, total, offset } = result;
      const range = tasks.length < total ? `\n(${pageRange(locale, offset + 1, offset + tasks.length, total)})` : '';
      return `${ui(locale, 'listTitle')} (${total})\n${tasks.map((t) => `• ${t.name}\n${taskLines(t, ctx, now)}`).join('\n\n')}${range}`;
    }
    case 'templates':
      return result.templates
        .map((t) => `• ${t.name}: ${t.description[locale]}\n  ${ui(locale, 'variables')}: ${t.variables.join(', ')}  ${ui(locale, 'languages')}: ${t.languages.join(', ')}`)
        .join('\n');
    case 'timezone':
      return `${ui(locale, result.changed ? 'timeZoneSet' : 'timeZoneShow')} ${result.zone}`;
  }
}

function taskLines(task: Task, ctx: CommandContext, now: Date, nextYear = false): string {
  const lines = [
    `  ${ui(ctx.locale, 'task')}: ${task.id}`,
    `  ${ui(ctx.locale, 'template')}: ${task.template}  ${ui(ctx.locale, 'to')}: ${task.recipients.join(', ')}`,
    `  ${ui(ctx.locale, 'status')}: ${statusName(ctx.locale, task.status)}`,
  ];
  if (task.scheduledAt) {
    const when = task.scheduledAt;
    lines.push(`  ${ui(ctx.locale, 'when')}: ${formatInZone(when, ctx.timeZone, ctx.locale)} (${relative(when, now, ctx.locale)})`);
    if (nextYear) lines.push(`  📅 ${nextYearNote(ctx.locale, when, ctx.timeZone)}`);
  }
  if (task.description) lines.push(`  ${ui(ctx.locale, 'description')}: ${task.description}`);
  if (task.status === 'canceled' && task.canceledBy) lines.push(`  ${ui(ctx.locale, 'canceledBy')}: ${task.canceledBy}`);
  if (task.status === 'failed') lines.push(`  ${ui(ctx.locale, 'failure')}: ${failureText(ctx.locale, task)}`);
  return lines.join('\n');
}
