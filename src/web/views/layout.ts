// The page around every view: header and navigation, the flash message, the language switch.
// One stylesheet and one script module, both served from /assets: no inline script or style, so
// the Content-Security-Policy can forbid them.
import { formatInZone } from '../../domain/time-zone.js';
import type { Locale } from '../../i18n/locale.js';
import { type WebTextKey, wt } from '../../i18n/web.js';
import { type Html, html } from '../html.js';
import type { Flash, SessionUser } from '../session.js';

/** What every page knows about the request. */
export interface PageContext {
  locale: Locale;
  /** The CSRF token for this session; every form and state-changing fetch carries it. */
  csrf: string;
  /** The path being shown, for the navigation's aria-current. */
  path: string;
  user?: SessionUser;
  flash?: Flash;
  /** Whether the user is an admin of any server (shows the admin link). */
  hasAdmin?: boolean;
  /** The user's Herald time zone: times are written in it (the browser rewrites them in its own). */
  timeZone: string;
  now: Date;
}

const NAV: { path: string; key: WebTextKey; admin?: boolean }[] = [
  { path: '/mail/new', key: 'navNewMail' },
  { path: '/reservations', key: 'navReservations' },
  { path: '/history', key: 'navHistory' },
  { path: '/admin', key: 'navAdmin', admin: true },
];

export function page(ctx: PageContext, title: string, body: Html): Html {
  const { locale } = ctx;
  const current = (path: string) => ctx.path === path || ctx.path.startsWith(`${path}/`) || (path === '/admin' && ctx.path.startsWith('/servers/'));
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${ctx.csrf}">
<title>${title} · Herald</title>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<a class="skip" href="#main">${wt(locale, 'skipToContent')}</a>
<header class="top">
  <a class="brand" href="/">Herald</a>
  ${ctx.user
    ? html`<nav aria-label="Herald">
    <ul>${NAV.filter((n) => !n.admin || ctx.hasAdmin).map(
      (n) => html`<li><a href="${n.path}"${current(n.path) ? html` aria-current="page"` : ''}>${wt(locale, n.key)}</a></li>`,
    )}</ul>
  </nav>
  <form class="signout" method="post" action="/auth/signout">
    <input type="hidden" name="_csrf" value="${ctx.csrf}">
    <span class="who">${wt(locale, 'signedInAs')} <strong>${ctx.user.name}</strong></span>
    <button type="submit" class="link">${wt(locale, 'signOut')}</button>
  </form>`
    : ''}
</header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${ctx.flash ? flashMessage(ctx.flash) : ''}
${body}
</main>
<footer>
  <form method="post" action="/settings/language">
    <input type="hidden" name="_csrf" value="${ctx.csrf}">
    <input type="hidden" name="lang" value="${locale === 'ko' ? 'en' : 'ko'}">
    <input type="hidden" name="back" value="${ctx.path}">
    <button type="submit" class="link" lang="${locale === 'ko' ? 'en' : 'ko'}">${wt(locale, 'switchLanguage')}</button>
  </form>
</footer>
</body>
</html>`;
}

function flashMessage(flash: Flash): Html {
  return html`<div class="flash flash-${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">
  <p class="flash-title">${flash.title}</p>
  ${flash.lines?.length ? html`<ul>${flash.lines.map((line) => html`<li>${line}</li>`)}</ul>` : ''}
</div>`;
}

/**
 * An instant written in the user's Herald zone; the page's script rewrites it in the browser's
 * own zone (the viewer's), keeping the Herald reading as its title.
 */
export function time(ctx: Pick<PageContext, 'locale' | 'timeZone'>, at: Date): Html {
  return html`<time datetime="${at.toISOString()}" data-local>${formatInZone(at, ctx.timeZone, ctx.locale)}</time>`;
}

/** The hidden CSRF field every form carries. */
export function csrfField(ctx: Pick<PageContext, 'csrf'>): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

/** A page that only says something: errors, refusals, sign-in problems. */
export function messagePage(ctx: PageContext, title: string, message: string, link: { href: string; label: string }): Html {
  return page(ctx, title, html`<p class="lead">${message}</p><p><a class="button" href="${link.href}">${link.label}</a></p>`);
}
