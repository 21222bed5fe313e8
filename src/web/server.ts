// The web dashboard: a third front end over HeraldCommands, next to the bot and the console.
// Fastify 5 with its own plugins for what a server-rendered site needs: form bodies
// (@fastify/formbody), an encrypted cookie session (@fastify/secure-session), CSRF tokens
// (@fastify/csrf-protection), security headers with a strict Content-Security-Policy
// (@fastify/helmet) and the few static files (@fastify/static). Every change goes through
// HeraldCommands; nothing here repeats a rule of the core.
import path from 'node:path';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifySecureSession from '@fastify/secure-session';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { HeraldCommands } from '../app/commands.js';
import type { Config } from '../config.js';
import { type Locale, localeFromTag } from '../i18n/locale.js';
import { apology } from '../i18n/messages.js';
import { wt } from '../i18n/web.js';
import type { Logger } from '../logger.js';
import { PROJECT_ROOT } from '../project-root.js';
import type { DashboardGuild, DiscordAuth } from './discord-auth.js';
import type { Html } from './html.js';
import type { LocalSignIn } from './local-sign-in.js';
import { registerRoutes } from './routes.js';
import { SESSION_COOKIE, SESSION_IDLE_SECONDS, sessionKey, takeFlash } from './session.js';
import { messagePage, type PageContext } from './views/layout.js';

/** How people sign in: with Discord, or (console mode) with a one-time link for the console user. */
export type SignInMode =
  | { kind: 'discord'; auth: DiscordAuth }
  | { kind: 'local'; links: LocalSignIn; userId: string; userName: string; guild: DashboardGuild };

export interface DashboardOptions {
  config: Config;
  commands: HeraldCommands;
  logger: Logger;
  signIn: SignInMode;
  clock?: () => Date;
}

/** Where the static files are: CSS and the few script modules, in the repository's `assets/`. */
export const ASSETS_DIR = path.join(PROJECT_ROOT, 'assets');

export async function buildDashboard(options: DashboardOptions): Promise<FastifyInstance> {
  const { config } = options;
  const secure = new URL(config.dashboard.publicUrl).protocol === 'https:';
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'web' }) as FastifyBaseLogger,
    // Request lines would carry the one-time sign-in token in a URL; errors are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // The template preview's sandboxed srcdoc frame.
        frameSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(secure && { upgradeInsecureRequests: [] }),
      },
    },
    // HSTS only where the site really is https; on http://localhost it would be wrong.
    strictTransportSecurity: secure ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(fastifyFormbody);
  await app.register(fastifySecureSession, {
    key: sessionKey(config.dashboard.sessionSecret),
    cookieName: SESSION_COOKIE,
    expiry: SESSION_IDLE_SECONDS,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/secure-session' });
  await app.register(fastifyStatic, { root: ASSETS_DIR, prefix: '/assets/', index: false, maxAge: '1h' });

  // Every state-changing request needs the session's CSRF token (a form's _csrf field or the
  // x-csrf-token header of a fetch): missing or wrong is a 403 and nothing runs.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return done();
    app.csrfProtection(request, reply, done);
  });

  app.setNotFoundHandler((request, reply) => sendNotFound(request, reply, options));
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const ctx = bareContext(request, reply, options);
    if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') {
      request.log.warn({ method: request.method, path: routePath(request), code: error.code }, 'request refused: CSRF token missing or wrong');
      return sendPage(reply, 403, messagePage(ctx, wt(ctx.locale, 'forbiddenTitle'), wt(ctx.locale, 'csrfRefused'), { href: '/', label: wt(ctx.locale, 'home') }));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendPage(reply, error.statusCode, messagePage(ctx, wt(ctx.locale, 'errorTitle'), error.message, { href: '/', label: wt(ctx.locale, 'home') }));
    }
    request.log.error({ err: error, method: request.method, path: routePath(request) }, 'dashboard request failed');
    return sendPage(reply, 500, messagePage(ctx, wt(ctx.locale, 'errorTitle'), apology[ctx.locale], { href: '/', label: wt(ctx.locale, 'home') }));
  });

  registerRoutes(app, options);
  return app;
}

export interface Dashboard {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** In console mode: a fresh one-time sign-in link for the console user. */
  signInLink?(): string;
  close(): Promise<void>;
}

export async function startDashboard(options: DashboardOptions & { port: number; host: string }): Promise<Dashboard> {
  const app = await buildDashboard(options);
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const { signIn } = options;
  const publicUrl = options.config.dashboard.publicUrl;
  return {
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ...(signIn.kind === 'local' && { signInLink: () => `${publicUrl}/auth/local?token=${signIn.links.issue()}` }),
    close: () => app.close(),
  };
}

// ---- shared by the routes -----------------------------------------------------------------------

export function sendPage(reply: FastifyReply, status: number, body: Html): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(body.value);
}

/** The path without its query (never log a query: it may hold a sign-in token). */
export function routePath(request: FastifyRequest): string {
  return request.url.split('?')[0]!;
}

/**
 * The page language: one chosen on the page, else the user's Discord locale, else the browser's
 * Accept-Language, else DEFAULT_LOCALE.
 */
export function requestLocale(request: FastifyRequest, fallback: Locale): Locale {
  const chosen = request.session.get('lang');
  if (chosen) return chosen;
  const discord = request.session.get('user')?.locale;
  if (discord) return localeFromTag(discord, fallback);
  return acceptLanguage(request.headers['accept-language'], fallback);
}

/** The most preferred of English and Korean in an Accept-Language header. */
export function acceptLanguage(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.q > 0 && (entry.tag.startsWith('ko') || entry.tag.startsWith('en')))
    .sort((a, b) => b.q - a.q);
  return ranked.length ? localeFromTag(ranked[0]!.tag, fallback) : fallback;
}

/** A page context for responses that have no signed-in user to ask about (errors, sign-in). */
export function bareContext(request: FastifyRequest, reply: FastifyReply, options: DashboardOptions): PageContext {
  const locale = requestLocale(request, options.config.defaults.locale);
  return {
    locale,
    csrf: reply.generateCsrf(),
    path: routePath(request),
    user: request.session.get('user'),
    flash: takeFlash(request),
    timeZone: options.config.defaults.timeZone,
    now: options.clock?.() ?? new Date(),
  };
}

export function sendNotFound(request: FastifyRequest, reply: FastifyReply, options: DashboardOptions): FastifyReply {
  const ctx = bareContext(request, reply, options);
  const guilds = request.session.get('guilds');
  return sendPage(
    reply,
    404,
    messagePage({ ...ctx, hasAdmin: guilds?.some((g) => g.admin) ?? false }, wt(ctx.locale, 'notFoundTitle'), wt(ctx.locale, 'notFound'), {
      href: '/',
      label: wt(ctx.locale, 'home'),
    }),
  );
}
