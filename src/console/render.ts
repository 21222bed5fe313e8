// Plain-text rendering of command results, for the console front end.
import type { CommandContext, CommandResult, HistoryResult } from '../app/commands.js';
import { describeCadence, describeSeries } from '../domain/repeat/index.js';
import { formatInZone } from '../domain/time-zone.js';
import {
  editChangeText,
  failureText,
  nextYearNote,
  pageRange,
  relativeTime as relative,
  statusName,
  taskResultTitle,
  ui,
  uiCount,
} from '../i18n/ui.js';
import type { EditChange } from '../tasks/task-service.js';
import type { Task } from '../tasks/task-view.js';

export function renderPlain(result: CommandResult | HistoryResult, ctx: CommandContext, now: Date = new Date()): string {
  const { locale } = ctx;
  switch (result.kind) {
    case 'error':
      return `✖ ${result.message}`;
    case 'queued':
    case 'reserved':
    case 'canceled':
    case 'rescheduled':
    case 'paused':
    case 'resumed': {
      const title = taskResultTitle(locale, result.kind, result.task);
      return `✔ ${title}\n${taskLines(result.task, ctx, now, 'nextYear' in result && result.nextYear === true)}`;
    }
    case 'edited':
      return `✔ ${taskResultTitle(locale, 'edited', result.task)}\n${taskLines(result.task, ctx, now)}\n  ${ui(locale, 'changes')}:\n${changeLines(result.changes, ctx)}`;
    case 'cancel-all':
      return result.count === 0 ? ui(locale, 'cancelAllNone') : `${uiCount(locale, 'cancelAllQuestion', result.count)} [y/N]`;
    case 'canceled-all':
      return `✔ ${ui(locale, 'canceledAllTitle')}: ${uiCount(locale, 'canceledAllCount', result.count)}`;
    case 'history': {
      if (result.tasks.length === 0) return ui(locale, 'historyEmpty');
      return `${ui(locale, 'historyTitle')}\n${result.tasks.map((t) => `• ${t.name}\n${historyLines(t, ctx)}`).join('\n\n')}`;
    }
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
  const { locale } = ctx;
  const state = task.series?.state === 'paused' ? ui(locale, 'pausedState') : statusName(locale, task.status);
  const lines = [
    `  ${ui(ctx.locale, 'task')}: ${task.id}`,
    `  ${ui(ctx.locale, 'template')}: ${task.template}  ${ui(ctx.locale, 'to')}: ${task.recipients.join(', ')}`,
    `  ${ui(ctx.locale, 'status')}: ${state}`,
  ];
  if (task.series) {
    lines.push(`  ${ui(locale, 'repeats')}: ${describeSeries(task.series.repeat, locale)}`);
    if (task.series.state === 'active' || task.series.state === 'paused') {
      const runs = task.series.nextRuns.map((run) => `${formatInZone(run, ctx.timeZone, locale)} (${relative(run, now, locale)})`);
      lines.push(`  ${ui(locale, 'nextRuns')}: ${runs.length ? runs.join('; ') : ui(locale, 'noRunsLeft')}`);
    }
  } else if (task.scheduledAt) {
    const when = task.scheduledAt;
    lines.push(`  ${ui(ctx.locale, 'when')}: ${formatInZone(when, ctx.timeZone, ctx.locale)} (${relative(when, now, ctx.locale)})`);
    if (nextYear) lines.push(`  📅 ${nextYearNote(ctx.locale, when, ctx.timeZone)}`);
  }
  if (task.seriesId) lines.push(`  ${ui(locale, 'runOfSeries')}: ${task.seriesId}`);
  if (task.description) lines.push(`  ${ui(ctx.locale, 'description')}: ${task.description}`);
  if (task.status === 'canceled' && task.canceledBy) lines.push(`  ${ui(ctx.locale, 'canceledBy')}: ${task.canceledBy}`);
  if (task.status === 'failed') lines.push(`  ${ui(ctx.locale, 'failure')}: ${failureText(ctx.locale, task)}`);
  return lines.join('\n');
}

/** A finished, failed or canceled task: when, how many attempts, why it failed, who canceled it. */
function historyLines(task: Task, ctx: CommandContext): string {
  const { locale } = ctx;
  const lines = [`  ${ui(locale, 'task')}: ${task.id}`, `  ${ui(locale, 'status')}: ${statusName(locale, task.status)}`];
  if (task.finishedAt) lines.push(`  ${ui(locale, task.status === 'finished' ? 'sentAt' : 'endedAt')}: ${formatInZone(task.finishedAt, ctx.timeZone, locale)}`);
  if (task.series) lines.push(`  ${ui(locale, 'repeats')}: ${describeCadence(task.series.repeat, locale)}`);
  else lines.push(`  ${ui(locale, 'attempts')}: ${task.attempts}`);
  if (task.status === 'failed') lines.push(`  ${ui(locale, 'failure')}: ${failureText(locale, task)}`);
  if (task.status === 'canceled' && task.canceledBy) lines.push(`  ${ui(locale, 'canceledBy')}: ${task.canceledBy}`);
  return lines.join('\n');
}

function changeLines(changes: readonly EditChange[], ctx: CommandContext): string {
  return changes
    .map((change) => {
      const { what, before, after } = editChangeText(ctx.locale, change);
      return `    ${what}: ${before} → ${after}`;
    })
    .join('\n');
}
