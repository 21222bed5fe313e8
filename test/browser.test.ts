// A real browser (Debian's chromium through playwright-core) against local servers: a form filled
// in and posted, and "Sign in with Discord" through the emulator's OAuth2 with arctic, as the
// dashboard will do it.
import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client } from 'arctic';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator, type DiscordEmulator } from './discord-emulator/emulator.js';
import { chromiumExecutable, launchChromium } from './support/browser.js';

/** Where the screenshots go, to look at after a run. */
const SCREENSHOTS = path.join(os.tmpdir(), 'herald-screenshots');

let browser: Browser;
const servers: Server[] = [];

beforeAll(async () => {
  // The first run on a fresh machine installs chromium from Debian.
  browser = await launchChromium();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.close();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const html = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Herald test</title>
<style>body{font-family:sans-serif;margin:2rem;max-width:32rem}label{display:block;margin:.6rem 0}input,select{font-size:1rem}
.flash{padding:.8rem;background:#e6f4ea;border:1px solid #34a853}</style></head><body>${body}</body></html>`);
};

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** PNG width and height from the IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('a real browser', () => {
  it('takes CHROME_PATH when set, and names it when it is wrong', async () => {
    expect(await chromiumExecutable({ CHROME_PATH: process.execPath })).toBe(process.execPath);
    await expect(chromiumExecutable({ CHROME_PATH: '/nonexistent/chrome' })).rejects.toThrow('CHROME_PATH=/nonexistent/chrome is not an executable file');
    expect(await chromiumExecutable({})).toBe('/usr/bin/chromium');
  });

  it('fills in and posts a form served by a local Node server, and takes a screenshot', async () => {
    const posted: Record<string, string>[] = [];
    const base = await serve((req, res, body) => {
      if (req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(body));
        posted.push(form);
        html(res, 200, `<p class="flash" role="status">Reserved "${escape(form.template ?? '')}" for ${escape(form.to ?? '')} — ${escape(form.when ?? '')}</p>`);
        return;
      }
      html(
        res,
        200,
        `<h1>New mail</h1><form method="post" action="/reserve">
<label>Template <select name="template"><option value="welcome">Welcome</option><option value="reminder">Reminder</option></select></label>
<label>Recipients <input name="to" type="email" required></label>
<label>When <input name="when" placeholder="tomorrow 9am"></label>
<label><input type="checkbox" name="scheduled" value="yes"> Scheduled</label>
<button type="submit">Reserve</button></form>
<p lang="ko">한국어 안내: 내일 오전 9시에 보냅니다.</p>`,
      );
    });

    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.goto(`${base}/new`);
    await page.getByLabel('Template').selectOption('reminder');
    await page.getByLabel('Recipients').fill('bob@example.com');
    await page.getByLabel('When').fill('tomorrow 9am');
    await page.getByLabel('Scheduled').check();
    const form = await page.screenshot({ path: path.join(SCREENSHOTS, 'form.png') });
    expect(pngSize(form)).toEqual({ width: 800, height: 600 });

    await page.getByRole('button', { name: 'Reserve' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Reserved "reminder" for bob@example.com — tomorrow 9am');
    expect(posted).toEqual([{ template: 'reminder', to: 'bob@example.com', when: 'tomorrow 9am', scheduled: 'yes' }]);
    const result = await page.screenshot({ path: path.join(SCREENSHOTS, 'result.png'), fullPage: true });
    expect(pngSize(result).width).toBe(800);
    await page.close();
  });

  it('signs in with Discord through the emulator: redirects, state, PKCE and the Bearer token', async () => {
    const alice = { id: '1400000000000000002', username: 'alice' };
    const discord: DiscordEmulator = await startDiscordEmulator({
      applicationId: '1400000000000000001',
      botUser: { id: '1400000000000000003', username: 'herald' },
      guilds: [{ id: '1400000000000000004', name: 'Herald Guild', members: [{ user: alice }] }],
      token: 'browser-test-token',
      oauth2: { clientSecret: 'browser-secret' },
    });
    try {
      discord.oauth2.signInAs(alice.id);
      let client: OAuth2Client | undefined;
      // The smallest sign-in a web app does: state and verifier in cookies, checked on the way back.
      const app = await serve((req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const cookies = Object.fromEntries((req.headers.cookie ?? '').split('; ').map((c) => c.split('=') as [string, string]));
        if (url.pathname === '/login') {
          const state = generateState();
          const verifier = generateCodeVerifier();
          const target = client!.createAuthorizationURLWithPKCE(`${discord.origin}/oauth2/authorize`, state, CodeChallengeMethod.S256, verifier, ['identify', 'guilds']);
          res.writeHead(302, { Location: target.href, 'Set-Cookie': [`state=${state}; HttpOnly; Path=/`, `verifier=${verifier}; HttpOnly; Path=/`] }).end();
          return;
        }
        if (url.pathname === '/auth/callback') {
          if (url.searchParams.get('state') !== cookies.state) return html(res, 400, '<p>Bad state</p>');
          void client!
            .validateAuthorizationCode(`${discord.apiUrl}/oauth2/token`, url.searchParams.get('code') ?? '', cookies.verifier ?? null)
            .then(async (tokens) => {
              const me = (await (await fetch(`${discord.apiUrl}/v10/users/@me`, { headers: { Authorization: `Bearer ${tokens.accessToken()}` } })).json()) as { username: string };
              html(res, 200, `<p role="status">Signed in as ${escape(me.username)}</p>`);
            })
            .catch((error: unknown) => html(res, 500, `<p>${escape(String(error))}</p>`));
          return;
        }
        html(res, 404, 'not found');
      });
      client = new OAuth2Client(discord.applicationId, 'browser-secret', `${app}/auth/callback`);
      discord.oauth2.registerRedirectUri(`${app}/auth/callback`);

      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${app}/login`);
      await expect.poll(() => page.getByRole('status').textContent()).toBe('Signed in as alice');
      expect(page.url()).toMatch(new RegExp(`^${app}/auth/callback\\?code=`));
      expect(discord.oauth2.grants.map((g) => [g.userId, g.scopes.join(' ')])).toEqual([[alice.id, 'identify guilds']]);

      // A callback whose state does not match the cookie is refused.
      const forged = await page.goto(`${app}/auth/callback?code=whatever&state=forged`);
      expect(forged?.status()).toBe(400);
      await context.close();
    } finally {
      await discord.close();
    }
  });
});
