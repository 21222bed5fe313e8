// The dashboard in Herald's real entry point (src/main.ts as a child process, as `npm run dev`
// and `npm run web` start it): the settings each way of running needs, the one-time sign-in link
// printed for the console user, and the web mode signing in through Discord with /readyz served.
import { afterAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from './discord-emulator/emulator.js';
import { freePort } from './support/ports.js';
import { type HeraldProcess, startHeraldProcess } from './support/processes.js';
import { useHarness } from './support/use-harness.js';

const h = useHarness({ server: 'dev', worker: false });
const processes: HeraldProcess[] = [];

afterAll(async () => {
  for (const p of processes) {
    if (p.child.exitCode === null) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  }
});

const servers = () => ({
  DATABASE_URL: h.databaseUrl,
  TEMPORAL_ADDRESS: h.env.address,
  TEMPORAL_TASK_QUEUE: h.taskQueue,
  SMTP_URL: h.sink.url,
  SMTP_FROM: 'Herald <herald@example.test>',
});

/** The session cookie a response set, to send back. */
const cookieOf = (response: Response) => (response.headers.get('set-cookie') ?? '').split(';')[0]!;

describe('src/main.ts and the dashboard', () => {
  it('web mode stops at start-up naming each setting it lacks', async () => {
    const web = startHeraldProcess('web', { ...servers(), DISCORD_APPLICATION_ID: '123456789012345678', SESSION_SECRET: 'too-short' });
    processes.push(web);
    expect(await web.exited).toBe(1);
    expect(web.output()).toContain('SESSION_SECRET: must be at least 32 bytes');

    const bare = startHeraldProcess('web', servers());
    processes.push(bare);
    expect(await bare.exited).toBe(1);
    for (const variable of ['DISCORD_APPLICATION_ID', 'DISCORD_CLIENT_SECRET', 'SESSION_SECRET', 'DISCORD_ALLOWED_GUILD_IDS']) {
      expect(bare.output()).toMatch(new RegExp(`^  ${variable}: `, 'm'));
    }
  });

  it('npm run dev without Discord prints a one-time sign-in link for the console user', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dev = startHeraldProcess('all', { ...servers(), DASHBOARD_PORT: String(port), DASHBOARD_PUBLIC_URL: base, LOG_LEVEL: 'info' });
    processes.push(dev);
    await dev.waitForOutput(/sign in to the dashboard[^:]*: (\S+)/, 120_000);
    expect(dev.output()).toContain(`web dashboard on ${base}`);
    expect(dev.output()).toMatch(/SESSION_SECRET is not set/);
    const link = /sign in to the dashboard[^:]*: (http\S+?)["\s]/.exec(dev.output())![1]!;
    expect(link).toMatch(new RegExp(`^${base}/auth/local\\?token=[\\w-]{43}$`));

    const signIn = await fetch(link, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/mail/new');
    const cookie = cookieOf(signIn);
    const page = await fetch(`${base}/mail/new`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('Signed in as <strong>console</strong>');
    expect(body).toContain('This computer');
    // Used once: the same link no longer works.
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(403);

    // A reservation made from the page belongs to the console user.
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(body)![1]!;
    const form = new URLSearchParams({ _csrf: csrf, server: 'local', template: 'notice', lang: 'en', 'var.title': 'Hi', 'var.body': 'There', to: 'dev@example.com', mode: 'later', when: 'in 3 hours', description: 'from the dev dashboard' });
    const posted = await fetch(`${base}/mail`, { method: 'POST', body: form, headers: { cookie: cookieOf(page) || cookie }, redirect: 'manual' });
    expect(posted.status).toBe(303);
    const { rows: [row] } = await h.tasks.listInScope({ requesterId: 'console' }, ['reserved'], { limit: 5, offset: 0 });
    expect(row).toMatchObject({ description: 'from the dev dashboard', guild_id: 'local', status: 'reserved' });

    dev.child.kill('SIGTERM');
    expect(await dev.exited).toBe(0);
  });

  it('web mode signs in through Discord and answers /readyz on METRICS_PORT', async () => {
    const discord = await startDiscordEmulator({
      applicationId: '123456789012345678',
      botUser: { id: '123456789012345670', username: 'herald' },
      token: 'unused-bot-token',
      guilds: [{ id: '223456789012345678', name: 'Allowed' }],
      oauth2: { clientSecret: 'web-secret' },
    });
    try {
      const [port, metrics] = [await freePort(), await freePort()];
      const base = `http://127.0.0.1:${port}`;
      const web = startHeraldProcess('web', {
        ...servers(),
        DISCORD_APPLICATION_ID: '123456789012345678',
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_CLIENT_SECRET: 'web-secret',
        SESSION_SECRET: 'a-web-mode-session-secret-of-32-bytes-or-more',
        DISCORD_ALLOWED_GUILD_IDS: '223456789012345678',
        DASHBOARD_PORT: String(port),
        DASHBOARD_PUBLIC_URL: base,
        METRICS_PORT: String(metrics),
        METRICS_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      });
      processes.push(web);
      await web.waitForOutput(/Herald is running/, 120_000);
      const start = await fetch(`${base}/auth/discord`, { redirect: 'manual' });
      expect(start.status).toBe(302);
      const authorize = new URL(start.headers.get('location')!);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${discord.origin}/oauth2/authorize`);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}/auth/callback`);
      expect(authorize.searchParams.get('scope')).toBe('identify guilds guilds.members.read');
      const ready = await fetch(`http://127.0.0.1:${metrics}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { checks: { name: string }[] }).checks.map((c) => c.name).sort()).toEqual(['database', 'temporal']);
      // No worker in this process, and the client secret never reaches the log.
      expect(web.output()).not.toContain('web-secret');
      web.child.kill('SIGTERM');
      expect(await web.exited).toBe(0);
    } finally {
      await discord.close();
    }
  });
});
