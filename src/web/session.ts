// The dashboard's session: an encrypted cookie (@fastify/secure-session, libsodium secretbox), so
// the server keeps no session store and any number of web processes share sessions through
// SESSION_SECRET alone. HttpOnly, SameSite=Lax, Secure when the public URL is https.
import { hkdfSync, randomBytes } from 'node:crypto';
import type {} from '@fastify/secure-session';
import type { FastifyRequest } from 'fastify';
import type { DashboardGuild } from './discord-auth.js';

export const SESSION_COOKIE = 'herald_session';
/** A session unused this long ends (the cookie's own clock, renewed by every change). */
export const SESSION_IDLE_SECONDS = 12 * 3600;
/** A session ends this long after sign-in, used or not. */
export const SESSION_MAX_AGE_MS = 7 * 86_400_000;
/** How long the server list read from Discord is trusted before it is read again. */
export const GUILDS_REFRESH_MS = 5 * 60_000;

export interface SessionUser {
  id: string;
  name: string;
  /** Discord's locale for the user, e.g. "ko" or "en-US". */
  locale?: string;
  via: 'discord' | 'local';
}

export interface Flash {
  kind: 'ok' | 'error';
  title: string;
  lines?: string[];
}

/** Everything the cookie holds (besides the CSRF secret `_csrf`). */
declare module '@fastify/secure-session' {
  interface SessionData {
    user: SessionUser;
    /** The servers this user may use Herald in, as of `guildsCheckedAt`. */
    guilds: DashboardGuild[];
    guildsCheckedAt: number;
    signedInAt: number;
    /** Discord's access token, to read the server list again. */
    token: string;
    /** Between /auth/discord and its callback. */
    oauth: { state: string; codeVerifier: string };
    flash: Flash;
    /** The server chosen last on a per-server page (new mail, My reservations, History). */
    server: string;
    /** A language chosen on the page (over Discord's and the browser's). */
    lang: 'en' | 'ko';
  }
}

/**
 * The 32-byte cookie key, from SESSION_SECRET through HKDF-SHA256. (secure-session's own `secret`
 * option runs Argon2 with 256 MB of memory at every start; the secret is random, not a password,
 * so a plain KDF is the right tool.) Without a secret (local `npm run dev`), a random key: sessions
 * then end when the process does.
 */
export function sessionKey(secret: string | undefined): Buffer {
  if (!secret) return randomBytes(32);
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'herald', 'herald dashboard session cookie v1', 32));
}

export function takeFlash(request: FastifyRequest): Flash | undefined {
  const flash = request.session.get('flash');
  if (flash) request.session.set('flash', undefined);
  return flash;
}

export function setFlash(request: FastifyRequest, flash: Flash): void {
  request.session.set('flash', flash);
}
