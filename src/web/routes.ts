// The dashboard's routes. Pages are GETs; every change is a POST (CSRF-checked in server.ts) that
// calls one HeraldCommands method and answers with a redirect and a flash message (post, redirect,
// get), or, for a form with a mistake in it, the form again with what was typed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CommandContext, CommandResult, ErrorResult } from '../app/commands.js';
import { HISTORY_FILTERS } from '../app/commands.js';
import { MAX_LIST_LIMIT } from '../domain/limits.js';
import { isValidTimeZone } from '../domain/time-zone.js';
import { isLocale, type Locale } from '../i18n/locale.js';
import { editChangeText, nextYearNote, TASK_RESULT_TITLES, taskResultTitle, ui } from '../i18n/ui.js';
import { type WebTextKey, wt } from '../i18n/web.js';
import type { ServerTemplateView } from '../mail/server-template-service.js';
import type { Task } from '../tasks/task-view.js';
import { type DashboardGuild, DiscordTokenRejected } from './discord-auth.js';
import { sendsText } from './format.js';
import { bareContext, type DashboardOptions, requestLocale, routePath, sendNotFound, sendPage } from './server.js';
import { GUILDS_REFRESH_MS, SESSION_MAX_AGE_MS, setFlash, type SessionUser, takeFlash } from './session.js';
import { adminIndexPage, serverAdminPage, templateEditorPage, type TemplateEditorView } from './views/admin.js';
import { messagePage, page, type PageContext } from './views/layout.js';
import { type MailFormValues, newMailPage, type TemplateFields } from './views/mail.js';
import { html } from './html.js';
import { historyPage, type ListPage, reservationsPage } from './views/tasks.js';

type Body = Record<string, string | string[] | undefined> | undefined;
type Query = Record<string, string | undefined>;
type Params = Record<string, string>;

/** A listing result as a page to show; an error shows as an empty first page (its message is the flash). */
function listOf(result: CommandResult): ListPage {
  return result.kind === 'list' ? result : { tasks: [], total: 0, offset: 0, limit: MAX_LIST_LIMIT };
}

/** One value of a form field (the first, if it came more than once). */
function field(body: Body, name: string): string {
  const value = body?.[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Who is asking, resolved once per request. */
interface Viewer {
  user: SessionUser;
  guilds: DashboardGuild[];
  locale: Locale;
  page: PageContext;
  /**
   * The Herald context for one of the viewer's servers, as the bot would make it for a command
   * there (an admin of it when Discord says so); without one, the user alone (time zone settings).
   */
  context(guild?: DashboardGuild | null): Promise<CommandContext>;
}

export function registerRoutes(app: FastifyInstance, options: DashboardOptions): void {
  const { commands, config, signIn } = options;
  // The core's clock, for what times are shown against; sessions age by the wall clock, as cookies do.
  const now = () => options.clock?.() ?? new Date();

  /**
   * The signed-in viewer, or undefined after redirecting to the sign-in page. The server list is
   * read again from Discord when it is older than GUILDS_REFRESH_MS, so a lost permission or a
   * server that left the allowed list stops working within minutes.
   */
  async function viewer(request: FastifyRequest, reply: FastifyReply): Promise<Viewer | undefined> {
    const { session } = request;
    const user = session.get('user');
    const signedInAt = session.get('signedInAt') ?? 0;
    if (!user || Date.now() - signedInAt > SESSION_MAX_AGE_MS) {
      if (user) session.delete();
      await reply.redirect(`/signin${user ? '?ended=1' : ''}`, 303);
      return undefined;
    }
    let guilds = session.get('guilds') ?? [];
    if (signIn.kind === 'discord' && Date.now() - (session.get('guildsCheckedAt') ?? 0) > GUILDS_REFRESH_MS) {
      try {
        guilds = await signIn.auth.guilds(session.get('token') ?? '');
        session.set('guilds', guilds);
        session.set('guildsCheckedAt', Date.now());
      } catch (err) {
        if (err instanceof DiscordTokenRejected) {
          session.delete();
          await reply.redirect('/signin?ended=1', 303);
          return undefined;
        }
        // Discord did not answer: keep the list read at most GUILDS_REFRESH_MS ago plus this
        // outage; the next request tries again.
        request.log.warn({ err, userId: user.id }, 'could not read the server list from Discord again');
      }
    }
    const locale = requestLocale(request, config.defaults.locale);
    const base = await commands.contextFor({ userId: user.id, guildId: null, locale });
    return {
      user,
      guilds,
      locale,
      page: {
        locale,
        csrf: reply.generateCsrf(),
        path: routePath(request),
        user,
        flash: takeFlash(request),
        hasAdmin: guilds.some((g) => g.admin),
        timeZone: base.timeZone,
        now: now(),
      },
      context: async (guild) => (guild ? { ...base, guildId: guild.id, isServerAdmin: guild.admin } : base),
    };
  }

  /** One of the viewer's servers by id; anything else (not allowed, not a member) does not exist. */
  const guildOf = (v: Viewer, id: string | undefined) => v.guilds.find((g) => g.id === id);

  /**
   * The server a per-server page shows: the one asked for (a server the viewer cannot see: undefined,
   * a 404), else the one chosen last, else the first; null when the viewer has none. Tasks belong to
   * the server they were made in, so My reservations and History show one server at a time, as the
   * bot does in each server.
   */
  function chosenGuild(request: FastifyRequest, v: Viewer, asked: string | undefined): DashboardGuild | null | undefined {
    if (asked !== undefined && asked !== '') {
      const guild = guildOf(v, asked);
      if (guild) request.session.set('server', guild.id);
      return guild;
    }
    return guildOf(v, request.session.get('server')) ?? v.guilds[0] ?? null;
  }

  /** Where a listing page starts (?offset=), from 0; the core refuses one out of range. */
  const offsetOf = (query: Query) => {
    const offset = Number(query.offset ?? '0');
    return Number.isInteger(offset) ? offset : 0;
  };

  const noServersPage = (reply: FastifyReply, status: number, v: Viewer, title: string) =>
    sendPage(reply, status, page(v.page, title, html`<p class="empty">${wt(v.locale, 'noServers')}</p>`));

  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendNotFound(request, reply, options);

  /** A command's error as a 404 when it means "not yours or not there", else undefined. */
  const isNotFound = (result: ErrorResult) => result.code === 'TASK_NOT_FOUND' || result.code === 'UNKNOWN_TEMPLATE';

  const taskFlash = (v: Viewer, result: Exclude<CommandResult, ErrorResult>, task: Task, title?: string) => {
    const lines = [task.name];
    if (task.scheduledAt && (result.kind === 'reserved' || result.kind === 'rescheduled')) {
      lines.push(sendsText(task.scheduledAt, v.page.timeZone, v.locale, now()));
      if (result.nextYear) lines.push(nextYearNote(v.locale, task.scheduledAt, v.page.timeZone));
    }
    return { kind: 'ok' as const, title: title ?? ui(v.locale, TASK_RESULT_TITLES[result.kind as keyof typeof TASK_RESULT_TITLES]), lines };
  };

  // ---- signing in and out -------------------------------------------------------------------

  app.get('/', async (request, reply) => reply.redirect(request.session.get('user') ? '/mail/new' : '/signin', 303));

  app.get<{ Querystring: Query }>('/signin', async (request, reply) => {
    if (request.session.get('user')) return reply.redirect('/mail/new', 303);
    const ctx = bareContext(request, reply, options);
    if (request.query.ended) ctx.flash = { kind: 'error', title: wt(ctx.locale, 'sessionEnded') };
    if (request.query.out) ctx.flash = { kind: 'ok', title: wt(ctx.locale, 'signedOut') };
    const body =
      signIn.kind === 'discord'
        ? html`<p class="lead">${wt(ctx.locale, 'signInIntro')}</p><p><a class="button discord" href="/auth/discord">${wt(ctx.locale, 'signInWithDiscord')}</a></p>`
        : html`<p class="lead">${wt(ctx.locale, 'signInLocal')}</p>`;
    return sendPage(reply, 200, page(ctx, wt(ctx.locale, 'signInTitle'), body));
  });

  const refuseSignIn = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => {
    const ctx = bareContext(request, reply, options);
    return sendPage(reply, status, messagePage(ctx, wt(ctx.locale, 'signInRefused'), message, { href: '/signin', label: wt(ctx.locale, 'startAgain') }));
  };

  app.get('/auth/discord', async (request, reply) => {
    if (signIn.kind !== 'discord') return notFound(request, reply);
    const started = signIn.auth.start();
    request.session.set('oauth', { state: started.state, codeVerifier: started.codeVerifier });
    return reply.redirect(started.url.href, 302);
  });

  app.get<{ Querystring: Query }>('/auth/callback', async (request, reply) => {
    if (signIn.kind !== 'discord') return notFound(request, reply);
    const pending = request.session.get('oauth');
    const { code, state, error } = request.query;
    // Spent whatever happens: a state is good for one callback.
    request.session.set('oauth', undefined);
    if (!pending || !state || state !== pending.state) {
      request.log.warn({ hasPending: pending !== undefined }, 'sign-in refused: state missing or wrong');
      return refuseSignIn(request, reply, 400, wt(requestLocale(request, config.defaults.locale), 'signInBadState'));
    }
    if (error || !code) return refuseSignIn(request, reply, 400, wt(requestLocale(request, config.defaults.locale), 'signInDenied'));
    try {
      const token = await signIn.auth.finish(code, pending.codeVerifier);
      const [user, guilds] = await Promise.all([signIn.auth.user(token), signIn.auth.guilds(token)]);
      // A new session for the signed-in user: nothing from before sign-in carries over.
      request.session.regenerate();
      request.session.set('user', { id: user.id, name: user.name, ...(user.locale && { locale: user.locale }), via: 'discord' });
      request.session.set('guilds', guilds);
      request.session.set('guildsCheckedAt', Date.now());
      request.session.set('signedInAt', Date.now());
      request.session.set('token', token);
      request.log.info({ userId: user.id, guilds: guilds.length }, 'signed in with Discord');
      return reply.redirect('/mail/new', 303);
    } catch (err) {
      request.log.warn({ err }, 'sign-in with Discord failed');
      const locale = requestLocale(request, config.defaults.locale);
      return refuseSignIn(request, reply, err instanceof DiscordTokenRejected ? 400 : 502, wt(locale, err instanceof DiscordTokenRejected ? 'signInDenied' : 'signInFailed'));
    }
  });

  app.get<{ Querystring: Query }>('/auth/local', async (request, reply) => {
    if (signIn.kind !== 'local') return notFound(request, reply);
    if (!signIn.links.redeem(request.query.token ?? '')) {
      return refuseSignIn(request, reply, 403, wt(requestLocale(request, config.defaults.locale), 'signInLinkUsed'));
    }
    request.session.regenerate();
    request.session.set('user', { id: signIn.userId, name: signIn.userName, via: 'local' });
    request.session.set('guilds', [signIn.guild]);
    request.session.set('signedInAt', Date.now());
    request.log.info({ userId: signIn.userId }, 'signed in with a local sign-in link');
    return reply.redirect('/mail/new', 303);
  });

  app.post('/auth/signout', async (request, reply) => {
    request.session.delete();
    return reply.redirect('/signin?out=1', 303);
  });

  app.post<{ Body: Body }>('/settings/language', async (request, reply) => {
    const lang = field(request.body, 'lang');
    if (isLocale(lang)) request.session.set('lang', lang);
    const back = field(request.body, 'back');
    // Only a path on this site: never an open redirect.
    return reply.redirect(/^\/(?![/\\])[\w\-/.]*$/.test(back) ? back : '/', 303);
  });

  // ---- new mail -------------------------------------------------------------------------------

  /** The template the form is for, in the language asked (or the viewer's, or its first). */
  async function templateFields(ctx: CommandContext, name: string, language: string): Promise<TemplateFields | ErrorResult> {
    const shown = await commands.templateShow(ctx, { name });
    if (shown.kind === 'error') return shown;
    if (shown.kind !== 'template') throw new Error(`unexpected ${shown.kind}`);
    const { template } = shown;
    const languages = template.source === 'server' ? template.languages.map((l) => l.language) : template.languages;
    const chosen = [language, ctx.locale].find((l): l is Locale => isLocale(l) && languages.includes(l)) ?? languages[0]!;
    if (template.source === 'builtin') return { name, languages, language: chosen, variables: template.variables, optional: [] };
    const content = template.languages.find((l) => l.language === chosen)!;
    return { name, languages, language: chosen, variables: content.variables, optional: content.optional };
  }

  async function renderNewMail(
    reply: FastifyReply,
    v: Viewer,
    status: number,
    choice: { server?: string; template?: string; lang?: string },
    values?: MailFormValues,
  ): Promise<FastifyReply> {
    if (v.guilds.length === 0) return noServersPage(reply, status, v, wt(v.locale, 'newMailTitle'));
    const guild = guildOf(v, choice.server) ?? v.guilds[0]!;
    const ctx = await v.context(guild);
    const list = await commands.templateList(ctx);
    const templates = list.kind === 'template-list' ? list.templates : [];
    let fields: TemplateFields | undefined;
    if (choice.template && templates.some((t) => t.name === choice.template)) {
      const found = await templateFields(ctx, choice.template, choice.lang ?? '');
      if ('kind' in found) v.page.flash ??= { kind: 'error', title: found.message };
      else fields = found;
    }
    return sendPage(reply, status, newMailPage(v.page, { guilds: v.guilds, guildId: guild.id, templates, fields, values }));
  }

  app.get<{ Querystring: Query }>('/mail/new', async (request, reply) => {
    const v = await viewer(request, reply);
    if (!v) return reply;
    const { template, lang } = request.query;
    const guild = chosenGuild(request, v, request.query.server);
    if (guild === undefined) return notFound(request, reply);
    return renderNewMail(reply, v, 200, { server: guild?.id, template, lang });
  });

  app.post<{ Body: Body }>('/mail', async (request, reply) => {
    const v = await viewer(request, reply);
    if (!v) return reply;
    const body = request.body;
    const guild = guildOf(v, field(body, 'server'));
    if (!guild) return notFound(request, reply);
    const vars: Record<string, string> = {};
    for (const [key, value] of Object.entries(body ?? {})) {
      const text = Array.isArray(value) ? value[0] : value;
      // A field left blank is a variable not given: the core says if the template needs it.
      if (key.startsWith('var.') && text !== undefined && text.trim() !== '') vars[key.slice(4)] = text;
    }
    const values: MailFormValues = {
      to: field(body, 'to'),
      mode: field(body, 'mode') === 'now' ? 'now' : 'later',
      when: field(body, 'when'),
      description: field(body, 'description'),
      vars,
    };
    const template = field(body, 'template');
    const language = field(body, 'lang');
    const ctx = await v.context(guild);
    const mail = { template, to: values.to!, vars, description: values.description, language };
    const result = values.mode === 'now' ? await commands.sendmail(ctx, mail) : await commands.reserve(ctx, { ...mail, when: values.when! });
    const choice = { server: guild.id, template, lang: language };
    if (result.kind === 'error') {
      v.page.flash = { kind: 'error', title: result.message };
      return renderNewMail(reply, v, 422, choice, values);
    }
    if (result.kind !== 'queued' && result.kind !== 'reserved') throw new Error(`unexpected ${result.kind}`);
    setFlash(request, taskFlash(v, result, result.task));
    return reply.redirect(`/mail/new?${new URLSearchParams({ server: guild.id, template, lang: language })}`, 303);
  });

  /** "Sends Fri 27 Nov 09:00 GMT+9, in 9 hours", written in the browser's zone. Changes nothing. */
  app.get<{ Querystring: Query }>('/api/when', async (request, reply) => {
    const v = await viewer(request, reply);
    if (!v) return reply;
    const ctx = await v.context();
    const zone = request.query.zone && isValidTimeZone(request.query.zone) ? request.query.zone : ctx.timeZone;
    const preview = commands.previewWhen(ctx, (request.query.when ?? '').slice(0, 200));
    if (preview.kind === 'error') return reply.send({ ok: false, message: preview.message, heraldZone: ctx.timeZone });
    return reply.send({
      ok: true,
      at: preview.instant.toISOString(),
      text: sendsText(preview.instant, zone, v.locale, now()),
      ...(preview.nextYear && { nextYear: nextYearNote(v.locale, preview.instant, zone) }),
      heraldZone: ctx.timeZone,
    });
  });

  /** Makes a zone (the browser's) the user's Herald time zone. */
  app.post<{ Body: Body }>('/settings/timezone', async (request, reply) => {
    const v = await viewer(request, reply);
    if (!v) return reply;
    const result = await commands.setTimeZone(await v.context(), { zone: field(request.body, 'zone') });
    const wantsJson = (request.headers.accept ?? '').includes('application/json');
    if (result.kind === 'error') {
      if (wantsJson) return reply.code(422).send({ ok: false, message: result.message });
      setFlash(request, { kind: 'error', title: result.message });
    } else if (result.kind === 'timezone') {
      if (wantsJson) return reply.send({ ok: true, zone: result.zone });
      setFlash(request, { kind: 'ok', title: `${wt(v.locale, 'zoneSaved')} ${result.zone}` });
    }
    return reply.redirect('/mail/new', 303);
  });

  // ---- my reservations and history: the viewer's own tasks in one server at a time -----------

  const guildNames = (v: Viewer) => new Map(v.guilds.map((g) => [g.id, g.name]));

  /** The viewer and the server a per-server page shows, with its context; undefined once answered otherwise. */
  async function serverPage(request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply, title: WebTextKey) {
    const v = await viewer(request, reply);
    if (!v) return undefined;
    const guild = chosenGuild(request, v, request.query.server);
    if (guild === undefined) await notFound(request, reply);
    else if (guild === null) await noServersPage(reply, 200, v, wt(v.locale, title));
    else return { v, guild, ctx: await v.context(guild) };
    return undefined;
  }

  app.get<{ Querystring: Query }>('/reservations', async (request, reply) => {
    const shown = await serverPage(request, reply, 'reservationsTitle');
    if (!shown) return reply;
    const { v, guild } = shown;
    const result = await commands.reserved(shown.ctx, { limit: MAX_LIST_LIMIT, offset: offsetOf(request.query) });
    if (result.kind === 'error') v.page.flash = { kind: 'error', title: result.message };
    return sendPage(reply, result.kind === 'error' ? 400 : 200, reservationsPage(v.page, { guilds: v.guilds, guild, list: listOf(result) }, guildNames(v)));
  });

  /**
   * Runs a change to one of the viewer's reservations in the server the form names: a 404 when the
   * server is not one of theirs or the task is not theirs there (the core's scope), else a flash.
   */
  const reservationAction = (run: (ctx: CommandContext, taskId: string, body: Body) => Promise<CommandResult>) =>
    async (request: FastifyRequest<{ Params: Params; Body: Body }>, reply: FastifyReply) => {
      const v = await viewer(request, reply);
      if (!v) return reply;
      const guild = guildOf(v, field(request.body, 'server'));
      if (!guild) return notFound(request, reply);
      const result = await run(await v.context(guild), request.params.id ?? '', request.body);
      if (result.kind === 'error') {
        if (isNotFound(result)) return notFound(request, reply);
        setFlash(request, { kind: 'error', title: result.message });
      } else if (result.kind === 'canceled' || result.kind === 'rescheduled') {
        setFlash(request, taskFlash(v, result, result.task));
      } else if (result.kind === 'edited') {
        const flash = taskFlash(v, result, result.task, taskResultTitle(v.locale, 'edited', result.task));
        const changes = result.changes.map((change) => editChangeText(v.locale, change)).map(({ what, before, after }) => `${what}: ${before} → ${after}`);
        setFlash(request, { ...flash, lines: [...flash.lines, ...changes] });
      }
      return reply.redirect(`/reservations?server=${guild.id}`, 303);
    };

  app.post('/reservations/:id/cancel', reservationAction((ctx, task) => commands.cancel(ctx, { task })));
  app.post('/reservations/:id/reschedule', reservationAction((ctx, task, body) => commands.reschedule(ctx, { task, when: field(body, 'when') })));
  app.post('/reservations/:id/move', reservationAction((ctx, task, body) => commands.quickMove(ctx, { task, move: field(body, 'move') })));
  // Inline Edit (issue 11): what the form sends is what the mail becomes; the core says what changed.
  app.post(
    '/reservations/:id/edit',
    reservationAction((ctx, task, body) => commands.edit(ctx, { task, to: field(body, 'to'), vars: field(body, 'vars'), description: field(body, 'description') })),
  );

  app.get<{ Querystring: Query }>('/history', async (request, reply) => {
    const shown = await serverPage(request, reply, 'historyTitle');
    if (!shown) return reply;
    const { v, guild } = shown;
    const filter = HISTORY_FILTERS.find((f) => f === request.query.status) ?? 'all';
    const pageNumber = Number(request.query.page ?? '1');
    const result = await commands.history(shown.ctx, { filter, page: Number.isInteger(pageNumber) ? pageNumber : 1 });
    const view = { guilds: v.guilds, guild };
    if (result.kind === 'error') {
      v.page.flash = { kind: 'error', title: result.message };
      return sendPage(reply, 400, historyPage(v.page, { ...view, tasks: [], filter, page: 1, hasMore: false }, guildNames(v)));
    }
    return sendPage(reply, 200, historyPage(v.page, { ...view, ...result }, guildNames(v)));
  });

  // ---- server admin: the same core rules as the bot's /reserved scope:server and admin /cancel --

  /**
   * The viewer and one of their servers, with its context, when the core lets them act as its admin
   * there; 404 for a server that is not theirs, 403 with the core's reason when they are no admin.
   */
  async function adminOf(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) {
    const v = await viewer(request, reply);
    if (!v) return undefined;
    const guild = guildOf(v, request.params.guild);
    if (!guild) {
      await notFound(request, reply);
      return undefined;
    }
    const ctx = await v.context(guild);
    const refused = commands.adminRefusal(ctx);
    if (refused) {
      await sendPage(reply, 403, messagePage(v.page, wt(v.locale, 'forbiddenTitle'), refused, { href: '/', label: wt(v.locale, 'home') }));
      return undefined;
    }
    return { v, guild, ctx };
  }

  app.get('/admin', async (request, reply) => {
    const v = await viewer(request, reply);
    if (!v) return reply;
    const admin = v.guilds.filter((g) => g.admin);
    if (admin.length === 1) return reply.redirect(`/servers/${admin[0]!.id}`, 303);
    return sendPage(reply, 200, adminIndexPage(v.page, v.guilds));
  });

  app.get<{ Params: Params; Querystring: Query }>('/servers/:guild', async (request, reply) => {
    const admin = await adminOf(request, reply);
    if (!admin) return reply;
    const [tasks, templates] = await Promise.all([
      commands.reserved(admin.ctx, { scope: 'server', limit: MAX_LIST_LIMIT, offset: offsetOf(request.query) }),
      commands.templateList(admin.ctx),
    ]);
    for (const result of [tasks, templates]) if (result.kind === 'error') admin.v.page.flash = { kind: 'error', title: result.message };
    return sendPage(reply, 200, serverAdminPage(admin.v.page, admin.guild, listOf(tasks), templates.kind === 'template-list' ? templates.templates : []));
  });

  /** An admin cancels any open task of the server: the bot's admin /cancel, through the same command. */
  app.post<{ Params: Params }>('/servers/:guild/tasks/:id/cancel', async (request, reply) => {
    const admin = await adminOf(request, reply);
    if (!admin) return reply;
    const result = await commands.cancel(admin.ctx, { task: request.params.id ?? '' });
    if (result.kind === 'error') {
      if (isNotFound(result)) return notFound(request, reply);
      setFlash(request, { kind: 'error', title: result.message });
    } else if (result.kind === 'canceled') {
      setFlash(request, taskFlash(admin.v, result, result.task));
    }
    return reply.redirect(`/servers/${admin.guild.id}`, 303);
  });

  const draftOf = (body: Body, language: string) => ({
    language,
    subject: field(body, 'subject'),
    text: field(body, 'text'),
    html: field(body, 'html'),
  });

  async function renderEditor(reply: FastifyReply, status: number, admin: { v: Viewer; guild: DashboardGuild }, view: Omit<TemplateEditorView, 'guild'>) {
    return sendPage(reply, status, templateEditorPage(admin.v.page, { guild: admin.guild, ...view }));
  }

  app.get<{ Params: Params }>('/servers/:guild/new-template', async (request, reply) => {
    const admin = await adminOf(request, reply);
    if (!admin) return reply;
    return renderEditor(reply, 200, admin, { values: { name: '', language: admin.v.locale, subject: '', text: '', html: '' } });
  });

  /** The live preview: the draft checked and rendered with sample values, as JSON. Stores nothing. */
  app.post<{ Params: Params; Body: Body }>('/servers/:guild/template-preview', async (request, reply) => {
    const admin = await adminOf(request, reply);
    if (!admin) return reply;
    const result = await commands.templateCheck(admin.ctx, { draft: draftOf(request.body, field(request.body, 'lang')) });
    if (result.kind !== 'template-draft') return reply.code(422).send({ ok: false, message: result.kind === 'error' ? result.message : '' });
    const { preview } = result;
    return reply.send({ ok: true, subject: preview.mail.subject, text: preview.mail.text, html: preview.mail.html, variables: preview.variables, optional: preview.optional });
  });

  app.post<{ Params: Params; Body: Body }>('/servers/:guild/templates', async (request, reply) => {
    const admin = await adminOf(request, reply);
    if (!admin) return reply;
    const name = field(request.body, 'name').trim();
    const language = field(request.body, 'lang');
    const draft = draftOf(request.body, language);
    const values = { name, language: isLocale(language) ? language : admin.v.locale, subject: draft.subject, text: draft.text, html: draft.html };
    const preview = field(request.body, 'intent') === 'preview';
    const result = preview ? await commands.templateCheck(admin.ctx, { draft }) : await commands.templateCreate(admin.ctx, { name, draft });
    if (result.kind === 'error') return renderEditor(reply, 422, admin, { values, previewError: result.message });
    if (result.kind === 'template-draft') return renderEditor(reply, 200, admin, { values, preview: result.preview });
    setFlash(request, { kind: 'ok', title: ui(admin.v.locale, 'templateCreated'), lines: [name] });
    return reply.redirect(`/servers/${admin.guild.id}/templates/${encodeURIComponent(name)}?lang=${values.language}`, 303);
  });

  /** The server's own template `name`; a built-in one, another server's or none is a 404 here. */
  async function ownTemplate(admin: { ctx: CommandContext }, name: string): Promise<ServerTemplateView | undefined> {
    const shown = await commands.templateShow(admin.ctx, { name });
    return shown.kind === 'template' && shown.template.source === 'server' ? shown.template : undefined;
  }

  app.get<{ Params: Params; Querystring: Query }>('/servers/:guild/templates/:name', async (request, reply) => {
    const admin = await adminOf(request, reply);
    if (!admin) return reply;
    const existing = await ownTemplate(admin, request.params.name ?? '');
    if (!existing) return notFound(request, reply);
    const language = isLocale(request.query.lang ?? '') ? (request.query.lang as Locale) : (existing.languages[0]?.language ?? admin.v.locale);
    const content = existing.languages.find((l) => l.language === language);
    const values = { name: existing.name, language, subject: content?.subject ?? '', text: content?.text ?? '', html: content?.html ?? '' };
    const check = content ? await commands.templateCheck(admin.ctx, { draft: { language, subject: values.subject, text: values.text, html: values.html } }) : undefined;
    return renderEditor(reply, 200, admin, { existing, values, ...(check?.kind === 'template-draft' && { preview: check.preview }) });
  });

  app.post<{ Params: Params; Body: Body }>('/servers/:guild/templates/:name', async (request, reply) => {
    const admin = await adminOf(request, reply);
    if (!admin) return reply;
    const existing = await ownTemplate(admin, request.params.name ?? '');
    if (!existing) return notFound(request, reply);
    const language = field(request.body, 'lang');
    const draft = draftOf(request.body, language);
    const values = { name: existing.name, language: isLocale(language) ? language : admin.v.locale, subject: draft.subject, text: draft.text, html: draft.html };
    const preview = field(request.body, 'intent') === 'preview';
    const result = preview ? await commands.templateCheck(admin.ctx, { draft }) : await commands.templateEdit(admin.ctx, { name: existing.name, draft });
    if (result.kind === 'error') {
      if (isNotFound(result)) return notFound(request, reply);
      return renderEditor(reply, 422, admin, { existing, values, previewError: result.message });
    }
    if (result.kind === 'template-draft') return renderEditor(reply, 200, admin, { existing, values, preview: result.preview });
    const version = result.kind === 'template-saved' ? result.template.version : existing.version;
    setFlash(request, { kind: 'ok', title: ui(admin.v.locale, 'templateEdited'), lines: [`${existing.name} · ${ui(admin.v.locale, 'version')} ${version}`] });
    return reply.redirect(`/servers/${admin.guild.id}/templates/${encodeURIComponent(existing.name)}?lang=${values.language}`, 303);
  });

  app.post<{ Params: Params }>('/servers/:guild/templates/:name/delete', async (request, reply) => {
    const admin = await adminOf(request, reply);
    if (!admin) return reply;
    const existing = await ownTemplate(admin, request.params.name ?? '');
    if (!existing) return notFound(request, reply);
    const result = await commands.templateDelete(admin.ctx, { name: existing.name });
    if (result.kind === 'error') setFlash(request, { kind: 'error', title: result.message });
    else setFlash(request, { kind: 'ok', title: ui(admin.v.locale, 'templateDeleted'), lines: [existing.name] });
    return reply.redirect(`/servers/${admin.guild.id}`, 303);
  });
}
