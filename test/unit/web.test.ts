// The dashboard's small parts on their own: HTML escaping, the page language, when the dashboard
// runs and how people sign in, one-time links, permission bits, quick moves; and
// the server's security headers and cookie, through Fastify's inject (no page here needs the core).
import { describe, expect, it } from 'vitest';
import type { HeraldCommands } from '../../src/app/commands.js';
import { type Config, ConfigError, loadConfig } from '../../src/config.js';
import { hasPermission } from '../../src/domain/permissions.js';
import { quickMoveTarget } from '../../src/domain/quick-move.js';
import { createLogger } from '../../src/logger.js';
import { html, raw } from '../../src/web/html.js';
import { LOCAL_SIGN_IN_TTL_MS, LocalSignIn } from '../../src/web/local-sign-in.js';
import { acceptLanguage, buildDashboard } from '../../src/web/server.js';
import { dashboardPlan } from '../../src/web/settings.js';

describe('html', () => {
  it('escapes every interpolated value, and inserts Html as it is', () => {
    const evil = `<script>alert("x")</script>' onmouseover='x' \``;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &#96;</p>',
    );
    expect(html`<ul>${['a&b', html`<li>${'<i>'}</li>`]}</ul>`.value).toBe('<ul>a&amp;b<li>&lt;i&gt;</li></ul>');
    expect(html`${null}${undefined}${false}${0}${raw('<br>')}`.value).toBe('0<br>');
  });
});

describe('the page language', () => {
  it.each([
    ['ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7', 'ko'],
    ['en-US,en;q=0.9,ko;q=0.8', 'en'],
    ['fr-FR,fr;q=0.9,ko;q=0.5,en;q=0.4', 'ko'],
    ['de-DE', 'en'],
    ['en;q=0, ko', 'ko'],
    ['', 'en'],
  ])('Accept-Language %j is %s', (header, locale) => {
    expect(acceptLanguage(header, 'en')).toBe(locale);
  });
  it('falls back to DEFAULT_LOCALE when the browser names neither', () => {
    expect(acceptLanguage('ja-JP,ja;q=0.9', 'ko')).toBe('ko');
    expect(acceptLanguage(undefined, 'ko')).toBe('ko');
  });
});

describe('dashboardPlan', () => {
  const discordEnv = { DISCORD_TOKEN: 'bot-token', DISCORD_APPLICATION_ID: '123456789012345678' };
  const full = { ...discordEnv, DISCORD_CLIENT_SECRET: 'secret', SESSION_SECRET: 's'.repeat(32), DISCORD_ALLOWED_GUILD_IDS: '223456789012345678' };
  const plan = (env: Record<string, string>, mode: string) => dashboardPlan(loadConfig(env), mode);
  const problems = (env: Record<string, string>, mode: string) => {
    try {
      plan(env, mode);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map((p) => p.variable);
      throw err;
    }
    return [];
  };

  it('never runs in the worker or the bot', () => {
    expect(plan(full, 'worker')).toEqual({ run: false });
    expect(plan(full, 'bot')).toEqual({ run: false });
  });
  it('runs in npm run dev with the console: one-time links, a random key, no setting needed', () => {
    expect(plan({}, 'all')).toEqual({ run: true, port: 3000, signIn: 'local', generatedSessionKey: true });
    expect(plan({ DASHBOARD_PORT: '0' }, 'all')).toEqual({ run: false, reason: 'DASHBOARD_PORT=0' });
  });
  it('in npm run dev with Discord, stays off without a client secret, and needs the allowed list', () => {
    expect(plan({ ...full, DISCORD_CLIENT_SECRET: '' }, 'all')).toMatchObject({ run: false, reason: expect.stringContaining('DISCORD_CLIENT_SECRET') });
    expect(plan({ ...full, SESSION_SECRET: '' }, 'all')).toEqual({
      run: true,
      port: 3000,
      signIn: 'discord',
      allowedGuildIds: ['223456789012345678'],
      generatedSessionKey: true,
    });
    // With a bot token the configuration itself refuses a missing list (config.ts); the web mode below has no token.
    expect(problems({ ...full, DISCORD_ALLOWED_GUILD_IDS: '' }, 'all')).toEqual(['DISCORD_ALLOWED_GUILD_IDS']);
    expect(problems({ ...full, SESSION_SECRET: '', NODE_ENV: 'production' }, 'all')).toEqual(['SESSION_SECRET']);
  });
  it('in web mode, names every missing setting', () => {
    expect(plan(full, 'web')).toEqual({ run: true, port: 3000, signIn: 'discord', allowedGuildIds: ['223456789012345678'], generatedSessionKey: false });
    expect(problems({ DASHBOARD_PORT: '0' }, 'web')).toEqual([
      'DASHBOARD_PORT',
      'DISCORD_APPLICATION_ID',
      'DISCORD_CLIENT_SECRET',
      'SESSION_SECRET',
      'DISCORD_ALLOWED_GUILD_IDS',
    ]);
    // The web process needs no bot token: the client id and secret are enough to sign people in.
    const { DISCORD_TOKEN: _token, ...withoutToken } = full;
    expect(plan(withoutToken, 'web')).toMatchObject({ run: true, signIn: 'discord' });
  });
});

describe('LocalSignIn', () => {
  it('accepts a token once, before it expires, and nothing else', () => {
    let now = 1_000_000;
    const links = new LocalSignIn(() => now);
    const first = links.issue();
    const second = links.issue();
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(first).not.toBe(second);
    expect(links.redeem(first)).toBe(true);
    expect(links.redeem(first)).toBe(false);
    expect(links.redeem('made-up')).toBe(false);
    now += LOCAL_SIGN_IN_TTL_MS;
    expect(links.redeem(second)).toBe(false);
  });
});

describe('hasPermission', () => {
  it('reads Discord permission strings, with Administrator granting all', () => {
    expect(hasPermission('32', 'ManageGuild')).toBe(true); // 1 << 5
    expect(hasPermission('2048', 'ManageGuild')).toBe(false); // SendMessages only
    expect(hasPermission('8', 'ManageGuild')).toBe(true); // Administrator
    expect(hasPermission((1n << 40n).toString(), 'ModerateMembers')).toBe(true);
    expect(hasPermission('not a number', 'SendMessages')).toBe(false);
  });
});

describe('quickMoveTarget', () => {
  const at = new Date('2027-03-13T14:00:00.000Z'); // Sat 09:00 in New York, the day before DST starts
  it('adds ten minutes or an hour', () => {
    expect(quickMoveTarget(at, '10m', 'America/New_York').toISOString()).toBe('2027-03-13T14:10:00.000Z');
    expect(quickMoveTarget(at, '1h', 'America/New_York').toISOString()).toBe('2027-03-13T15:00:00.000Z');
  });
  it('keeps the wall-clock time for tomorrow, across a DST change', () => {
    // Sunday 09:00 EDT is 13:00 UTC: 23 hours later, not 24.
    expect(quickMoveTarget(at, 'tomorrow', 'America/New_York').toISOString()).toBe('2027-03-14T13:00:00.000Z');
    expect(quickMoveTarget(at, 'tomorrow', 'Asia/Seoul').toISOString()).toBe('2027-03-14T14:00:00.000Z');
  });
});

describe('the dashboard server', () => {
  const logger = createLogger({ level: 'silent' });
  // Only the sign-in pages are requested here, and they do not reach the commands.
  const commands = undefined as unknown as HeraldCommands;
  const build = (config: Config) => {
    const links = new LocalSignIn();
    const signIn = { kind: 'local' as const, links, userId: 'console', userName: 'console', guild: { id: 'local', name: 'This computer', admin: true } };
    return { links, app: buildDashboard({ config, commands, logger, signIn }) };
  };

  it('serves pages with a strict Content-Security-Policy and no inline script or style', async () => {
    const app = await build(loadConfig({})).app;
    const response = await app.inject({ method: 'GET', url: '/signin', headers: { 'accept-language': 'ko-KR,ko;q=0.9' } });
    expect(response.statusCode).toBe(200);
    const csp = response.headers['content-security-policy'] as string;
    expect(csp.split(';').map((d) => d.trim()).sort()).toEqual([
      "base-uri 'none'",
      "connect-src 'self'",
      "default-src 'none'",
      "font-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "frame-src 'self'",
      "img-src 'self' data:",
      "object-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
    ]);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(response.body).not.toMatch(/\sstyle=|<style/);
    expect(response.body).not.toMatch(/\son[a-z]+=/);
    // Korean from Accept-Language.
    expect(response.body).toContain('<html lang="ko">');
    expect(response.body).toContain('Herald 로그인');
    await app.close();
  });

  it('sets an HttpOnly, SameSite=Lax session cookie, Secure behind https, with HSTS', async () => {
    const app = await build(loadConfig({ DASHBOARD_PUBLIC_URL: 'https://herald.example.com' })).app;
    const response = await app.inject({ method: 'GET', url: '/signin' });
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^herald_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Secure');
    expect(response.headers['strict-transport-security']).toBe('max-age=15552000');
    expect(String(response.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    await app.close();
  });

  it('signs the console user in once per link, and refuses a POST without the CSRF token', async () => {
    const { app: building, links } = build(loadConfig({}));
    const app = await building;
    const token = links.issue();
    const signIn = await app.inject({ method: 'GET', url: `/auth/local?token=${token}` });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe('/mail/new');
    const session = String(signIn.headers['set-cookie']).split(';')[0]!;
    const again = await app.inject({ method: 'GET', url: `/auth/local?token=${token}` });
    expect(again.statusCode).toBe(403);
    expect(again.body).toContain('This sign-in link has been used or has expired');

    // Signed in, but no token: refused, and the session is not ended.
    const signOut = await app.inject({ method: 'POST', url: '/auth/signout', headers: { cookie: session }, payload: {} });
    expect(signOut.statusCode).toBe(403);
    expect(String(signOut.headers['set-cookie'] ?? '')).not.toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    await app.close();
  });
});
