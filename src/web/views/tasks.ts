// My reservations, History and a server's open tasks: lists of cards (they read well on a phone),
// every action a small form of its own, so each works without script. Tasks belong to the server
// they were made in, so each list is one server's (a viewer with several picks which).
import type { HistoryFilter } from '../../app/commands.js';
import { DISCORD_OPTION_MAX_LENGTH } from '../../domain/limits.js';
import { QUICK_MOVES } from '../../domain/quick-move.js';
import { describeSeries } from '../../domain/repeat/index.js';
import { escapeVariableValue } from '../../mail/templates.js';
import { failureText, pageRange, QUICK_MOVE_LABELS, statusName, ui, type UiKey } from '../../i18n/ui.js';
import { type WebTextKey, wt } from '../../i18n/web.js';
import type { Task } from '../../tasks/task-view.js';
import type { DashboardGuild } from '../discord-auth.js';
import { type Html, html } from '../html.js';
import { csrfField, page, type PageContext, time } from './layout.js';

/** A page of a listing, as HeraldCommands gives it: `tasks` from `offset` on, of `total`. */
export interface ListPage {
  tasks: Task[];
  total: number;
  offset: number;
  limit: number;
}

/** Which of the viewer's servers a per-server page shows. */
export interface ServerChoice {
  guilds: DashboardGuild[];
  guild: DashboardGuild;
}

/** Server names by id, for the servers the viewer can see. */
export type GuildNames = ReadonlyMap<string, string>;

function serverName(names: GuildNames, task: Task): string {
  return task.guildId === null ? '—' : (names.get(task.guildId) ?? task.guildId);
}

function taskHeading(task: Task): Html {
  return html`<h2 class="task-title">${task.name}</h2>${task.description ? html`<p class="task-description">${task.description}</p>` : ''}`;
}

/** A choice of server that shows itself on change (a GET form: it works without script too). */
function serverPicker(ctx: PageContext, view: ServerChoice, action: string, keep: Record<string, string> = {}): Html {
  if (view.guilds.length < 2) return html``;
  const { locale } = ctx;
  return html`<form class="server-pick" method="get" action="${action}" data-autosubmit>
  <label for="server">${wt(locale, 'server')}</label>
  <select id="server" name="server">${view.guilds.map(
    (g) => html`<option value="${g.id}"${g.id === view.guild.id ? html` selected` : ''}>${g.name}</option>`,
  )}</select>
  ${Object.entries(keep).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <button type="submit" class="secondary" data-autosubmit-button>${wt(locale, 'showServer')}</button>
</form>`;
}

/** "1–25 of 37" with Previous and Next, for a listing paged by offset. */
function listPager(ctx: PageContext, list: ListPage, href: (offset: number) => string): Html {
  if (list.offset === 0 && list.offset + list.tasks.length >= list.total) return html``;
  const { locale } = ctx;
  const previous = list.offset > 0 ? Math.max(0, list.offset - list.limit) : undefined;
  const next = list.offset + list.tasks.length < list.total ? list.offset + list.limit : undefined;
  const range = list.tasks.length ? pageRange(locale, list.offset + 1, list.offset + list.tasks.length, list.total) : '';
  return html`<nav class="pager" aria-label="${wt(locale, 'page')}">
  ${previous !== undefined ? html`<a href="${href(previous)}" rel="prev">← ${ui(locale, 'previousPage')}</a>` : html`<span></span>`}
  <span>${range}</span>
  ${next !== undefined ? html`<a href="${href(next)}" rel="next">${ui(locale, 'nextPage')} →</a>` : html`<span></span>`}
</nav>`;
}

export function reservationsPage(ctx: PageContext, view: ServerChoice & { list: ListPage }, names: GuildNames): Html {
  const { locale } = ctx;
  const { tasks } = view.list;
  const list = tasks.length
    ? html`<ul class="tasks">${tasks.map((task) => reservationCard(ctx, view.guild, task, names))}</ul>`
    : html`<p class="empty">${ui(locale, 'listEmpty')} <a href="/mail/new?server=${view.guild.id}">${wt(locale, 'navNewMail')}</a></p>`;
  const pager = listPager(ctx, view.list, (offset) => `/reservations?server=${view.guild.id}${offset ? `&offset=${offset}` : ''}`);
  return page(ctx, wt(locale, 'reservationsTitle'), html`${serverPicker(ctx, view, '/reservations')}${list}${pager}`);
}

function reservationCard(ctx: PageContext, guild: DashboardGuild, task: Task, names: GuildNames): Html {
  const { locale } = ctx;
  const base = `/reservations/${task.id}`;
  // Every action names the server: the core finds the task only among the viewer's own there.
  const server = html`<input type="hidden" name="server" value="${guild.id}">`;
  const paused = task.series?.state === 'paused';
  return html`<li class="task" id="task-${task.id}">
  ${taskHeading(task)}
  <dl class="facts">
    <div><dt>${wt(locale, 'nextTime')}</dt><dd>${task.scheduledAt ? time(ctx, task.scheduledAt) : '—'}</dd></div>
    ${task.series ? html`<div class="wide"><dt>${ui(locale, 'repeats')}</dt><dd class="cadence">${describeSeries(task.series.repeat, locale)}</dd></div>` : ''}
    <div><dt>${ui(locale, 'status')}</dt><dd><span class="status status-${paused ? 'paused' : task.status}">${paused ? ui(locale, 'pausedState') : statusName(locale, task.status)}</span></dd></div>
    <div><dt>${wt(locale, 'server')}</dt><dd>${serverName(names, task)}</dd></div>
    <div><dt>${ui(locale, 'to')}</dt><dd>${task.recipients.join(', ')}</dd></div>
  </dl>
  ${task.status === 'reserved'
    ? html`<div class="actions">
    <form method="post" action="${base}/move" class="quick-moves">
      ${csrfField(ctx)}${server}
      <span class="actions-label" id="moves-${task.id}">${wt(locale, 'quickMoves')}</span>
      <span role="group" aria-labelledby="moves-${task.id}">${QUICK_MOVES.map(
        (move) => html`<button type="submit" class="secondary" name="move" value="${move}">${ui(locale, QUICK_MOVE_LABELS[move])}</button>`,
      )}</span>
    </form>
    <form method="post" action="${base}/reschedule" class="reschedule">
      ${csrfField(ctx)}${server}
      <label for="when-${task.id}">${wt(locale, 'rescheduleLabel')}</label>
      <input id="when-${task.id}" name="when" required maxlength="${DISCORD_OPTION_MAX_LENGTH.when}" placeholder="${wt(locale, 'whenHint')}">
      <button type="submit" class="secondary">${wt(locale, 'reschedule')}</button>
    </form>
    <form method="post" action="${base}/cancel">
      ${csrfField(ctx)}${server}
      <button type="submit" class="danger">${ui(locale, 'cancelButton')}</button>
    </form>
    ${editForm(ctx, task, base, server)}
  </div>`
    : ''}
</li>`;
}

/**
 * Edit, inline: the mail's recipients, variables and description as they are, changed in place
 * (a series: its next runs). A disclosure, so it works without script and stays out of the way.
 */
function editForm(ctx: PageContext, task: Task, base: string, server: Html): Html {
  const { locale } = ctx;
  const vars = Object.entries(task.variables)
    .map(([name, value]) => `${name}=${escapeVariableValue(value)}`)
    .join(';');
  return html`<details class="edit">
      <summary>${wt(locale, 'edit')}</summary>
      <form method="post" action="${base}/edit">
        ${csrfField(ctx)}${server}
        <label for="edit-to-${task.id}">${ui(locale, 'to')}</label>
        <input id="edit-to-${task.id}" name="to" required maxlength="${DISCORD_OPTION_MAX_LENGTH.to}" value="${task.recipients.join(', ')}">
        <label for="edit-vars-${task.id}">${wt(locale, 'variablesLegend')}</label>
        <input id="edit-vars-${task.id}" name="vars" maxlength="${DISCORD_OPTION_MAX_LENGTH.vars}" value="${vars}">
        <label for="edit-description-${task.id}">${ui(locale, 'description')}</label>
        <input id="edit-description-${task.id}" name="description" required maxlength="${DISCORD_OPTION_MAX_LENGTH.description}" value="${task.description}">
        <button type="submit" class="secondary">${wt(locale, 'edit')}</button>
      </form>
    </details>`;
}

export interface HistoryView extends ServerChoice {
  tasks: Task[];
  filter: HistoryFilter;
  page: number;
  hasMore: boolean;
}

const FILTER_LABELS: Record<HistoryFilter, WebTextKey> = { all: 'filterAll', sent: 'filterSent', failed: 'filterFailed', canceled: 'filterCanceled' };
// 'Sent' is shared with the bot's /history (ui.ts); the other two are the dashboard's own.
const FINISHED_LABELS: Partial<Record<Task['status'], { ui: UiKey } | { web: WebTextKey }>> = {
  finished: { ui: 'sentAt' },
  failed: { web: 'failedAt' },
  canceled: { web: 'canceledAt' },
};

export function historyPage(ctx: PageContext, view: HistoryView, names: GuildNames): Html {
  const { locale } = ctx;
  const link = (filter: HistoryFilter, pageNumber: number) =>
    `/history?server=${view.guild.id}&status=${filter}${pageNumber > 1 ? `&page=${pageNumber}` : ''}`;
  const filters = html`<nav class="filters" aria-label="${wt(locale, 'filterLabel')}"><ul>${(Object.keys(FILTER_LABELS) as HistoryFilter[]).map(
    (filter) =>
      html`<li><a href="${link(filter, 1)}"${filter === view.filter ? html` aria-current="page"` : ''}>${wt(locale, FILTER_LABELS[filter])}</a></li>`,
  )}</ul></nav>`;
  const list = view.tasks.length
    ? html`<ul class="tasks">${view.tasks.map((task) => {
        const finishedLabel = FINISHED_LABELS[task.status];
        // The reason the core stored when it failed, worded as the bot and the console word it.
        const reason = task.status === 'failed' ? failureText(locale, task) : null;
        const canceledByOther = task.status === 'canceled' && task.canceledBy !== null && task.canceledBy !== task.requesterId;
        return html`<li class="task" id="task-${task.id}">
  ${taskHeading(task)}
  <dl class="facts">
    <div><dt>${ui(locale, 'status')}</dt><dd><span class="status status-${task.status}">${statusName(locale, task.status)}</span></dd></div>
    ${finishedLabel && task.finishedAt ? html`<div><dt>${'ui' in finishedLabel ? ui(locale, finishedLabel.ui) : wt(locale, finishedLabel.web)}</dt><dd>${time(ctx, task.finishedAt)}</dd></div>` : ''}
    <div><dt>${ui(locale, 'attempts')}</dt><dd>${task.attempts}</dd></div>
    <div><dt>${wt(locale, 'server')}</dt><dd>${serverName(names, task)}</dd></div>
    <div><dt>${ui(locale, 'to')}</dt><dd>${task.recipients.join(', ')}</dd></div>
    ${reason ? html`<div class="wide"><dt>${wt(locale, 'reason')}</dt><dd>${reason}</dd></div>` : ''}
    ${canceledByOther ? html`<div><dt>${ui(locale, 'canceledBy')}</dt><dd><code>${task.canceledBy}</code></dd></div>` : ''}
  </dl>
</li>`;
      })}</ul>`
    : html`<p class="empty">${wt(locale, 'historyEmpty')}</p>`;
  const pager =
    view.page > 1 || view.hasMore
      ? html`<nav class="pager" aria-label="${wt(locale, 'page')}">
  ${view.page > 1 ? html`<a href="${link(view.filter, view.page - 1)}" rel="prev">← ${wt(locale, 'previousPage')}</a>` : html`<span></span>`}
  <span>${wt(locale, 'page')} ${view.page}</span>
  ${view.hasMore ? html`<a href="${link(view.filter, view.page + 1)}" rel="next">${wt(locale, 'nextPage')} →</a>` : html`<span></span>`}
</nav>`
      : '';
  const picker = serverPicker(ctx, view, '/history', { status: view.filter });
  return page(ctx, wt(locale, 'historyTitle'), html`${picker}${filters}${list}${pager}`);
}

/** A server's open tasks, each with a Cancel for the admin. */
export function serverTasksSection(ctx: PageContext, guildId: string, list: ListPage): Html {
  const { locale } = ctx;
  const { tasks } = list;
  return html`<section aria-labelledby="open-tasks">
  <h2 id="open-tasks">${wt(locale, 'openTasks')}</h2>
  ${tasks.length
    ? html`<ul class="tasks">${tasks.map(
        (task) => html`<li class="task" id="task-${task.id}">
    ${taskHeading(task)}
    <dl class="facts">
      <div><dt>${wt(locale, 'nextTime')}</dt><dd>${task.scheduledAt ? time(ctx, task.scheduledAt) : '—'}</dd></div>
      <div><dt>${ui(locale, 'status')}</dt><dd><span class="status status-${task.status}">${statusName(locale, task.status)}</span></dd></div>
      <div><dt>${wt(locale, 'requester')}</dt><dd><code>${task.requesterId}</code></dd></div>
    </dl>
    <form method="post" action="/servers/${guildId}/tasks/${task.id}/cancel" class="actions">
      ${csrfField(ctx)}
      <button type="submit" class="danger">${wt(locale, 'cancel')}</button>
    </form>
  </li>`,
      )}</ul>`
    : html`<p class="empty">${wt(locale, 'openTasksEmpty')}</p>`}
  ${listPager(ctx, list, (offset) => `/servers/${guildId}${offset ? `?offset=${offset}` : ''}`)}
</section>`;
}
