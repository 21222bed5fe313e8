// The web dashboard in a real browser (Debian's chromium through playwright-core), signed in with
// Discord through the emulator's OAuth2, on the real stack: PostgreSQL, the Temporal time-skipping
// server (so a reservation can fire without waiting), a worker and the SMTP sink. Screenshots of
// each page go to docs/screenshots/ for the README when UPDATE_SCREENSHOTS=1.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { DiscordAuth } from '../src/web/discord-auth.js';
import { type Dashboard, startDashboard } from '../src/web/server.js';
import { startDiscordEmulator, type DiscordEmulator } from './discord-emulator/emulator.js';
import { Permission } from './discord-emulator/payloads.js';
import { launchChromium, screenshotDir } from './support/browser.js';
import { freePort } from './support/ports.js';
import { useHarness } from './support/use-harness.js';

const SCREENSHOTS = screenshotDir();

const APP_ID = '1500000000000000001';
const GUILD_A = '1500000000000000010';
const GUILD_B = '1500000000000000020';
/** Alice is a member here, but it is not on DISCORD_ALLOWED_GUILD_IDS. */
const GUILD_HIDDEN = '1500000000000000030';
const alice = { id: '1500000000000000101', username: 'alice', global_name: 'Alice' };
const bob = { id: '1500000000000000102', username: 'bob' };
const olivia = { id: '1500000000000000103', username: 'olivia' };
/** Her Discord client is in Korean. */
const minji = { id: '1500000000000000104', username: 'minji', locale: 'ko' };
const CLIENT_SECRET = 'dashboard-test-client-secret';

const h = useHarness({ server: 'time-skipping' });
let discord: DiscordEmulator;
let dashboard: Dashboard;
let browser: Browser;
let base: string;

beforeAll(async () => {
  discord = await startDiscordEmulator({
    applicationId: APP_ID,
    botUser: { id: '1500000000000000100', username: 'herald' },
    token: 'dashboard-test-bot-token',
    oauth2: { clientSecret: CLIENT_SECRET },
    guilds: [
      {
        id: GUILD_A,
        name: 'Herald Guild',
        ownerId: olivia.id,
        members: [
          { user: alice, permissions: Permission.ManageGuild | Permission.ViewChannel | Permission.SendMessages },
          { user: bob, permissions: Permission.ViewChannel | Permission.SendMessages },
          { user: minji, permissions: Permission.ViewChannel | Permission.SendMessages },
        ],
      },
      { id: GUILD_B, name: 'Book Club', ownerId: olivia.id, members: [{ user: alice, permissions: Permission.ViewChannel | Permission.SendMessages }] },
      { id: GUILD_HIDDEN, name: 'Secret Society', ownerId: olivia.id, members: [{ user: alice, permissions: Permission.ManageGuild | Permission.SendMessages }] },
    ],
  });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_CLIENT_SECRET: CLIENT_SECRET,
    DISCORD_ALLOWED_GUILD_IDS: `${GUILD_A},${GUILD_B}`,
    DISCORD_REQUIRED_PERMISSION: 'SendMessages',
    DISCORD_ADMIN_PERMISSION: 'ManageGuild',
    DASHBOARD_PUBLIC_URL: base,
    SESSION_SECRET: 'a-test-session-secret-of-more-than-32-bytes',
  });
  discord.oauth2.registerRedirectUri(`${base}/auth/callback`);
  dashboard = await startDashboard({
    config,
    commands: h.commands,
    logger: h.logger,
    clock: () => h.now(),
    port,
    host: '127.0.0.1',
    signIn: {
      kind: 'discord',
      auth: new DiscordAuth({
        clientId: APP_ID,
        clientSecret: CLIENT_SECRET,
        apiUrl: discord.apiUrl,
        redirectUri: `${base}/auth/callback`,
        allowedGuildIds: config.discord.allowedGuildIds!,
        requiredPermission: config.discord.requiredPermission,
        adminPermission: config.discord.adminPermission,
      }),
    },
  });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await discord?.close();
});

/** A browser of its own, signed in to Discord as `user`, then to Herald through OAuth2. */
async function signedIn(user: { id: string }, options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', timezoneId: 'Asia/Seoul', viewport: options.viewport ?? { width: 1100, height: 900 } });
  // Fail in seconds rather than at the test's timeout when something is not on the page.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  discord.oauth2.signInAs(user.id);
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: /Sign in with Discord|Discord 로 로그인/ }).click();
  await page.waitForURL(`${base}/mail/new`);
  return { context, page };
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** The CSRF token the page carries. */
const csrfOf = (page: Page) => page.locator('meta[name="csrf-token"]').getAttribute('content');

describe('the web dashboard', () => {
  let aliceContext: BrowserContext;
  let alicePage: Page;
  let movedTaskId: string;

  it('signs in with Discord (PKCE, state) and shows only allowed servers where the user may use Herald', async () => {
    const signin = await browser.newPage();
    await signin.goto(`${base}/signin`);
    await shot(signin, 'sign-in');
    await signin.close();

    ({ context: aliceContext, page: alicePage } = await signedIn(alice));
    const grant = discord.oauth2.grants.find((g) => g.userId === alice.id)!;
    expect(grant.scopes.sort()).toEqual(['guilds', 'guilds.members.read', 'identify']);
    const authorize = discord.oauth2.authorizeRequests.at(-1)!;
    expect(authorize.query.code_challenge_method).toBe('S256');
    expect(authorize.query.state).toMatch(/.{20,}/);

    await expect.poll(() => alicePage.getByLabel('Server').locator('option').allTextContents()).toEqual(['Book Club', 'Herald Guild']);
    expect(await alicePage.content()).not.toContain('Secret Society');
    // The session cookie: encrypted, HttpOnly, SameSite=Lax (not Secure on http://).
    const cookie = (await aliceContext.cookies()).find((c) => c.name === 'herald_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    expect(cookie.value).not.toContain(alice.id);
  });

  it('speaks Korean to a user whose Discord is in Korean, and fits a phone screen', async () => {
    const ctx = await h.commands.contextFor({ userId: minji.id, guildId: GUILD_A, locale: 'ko' });
    await h.commands.reserve(ctx, { template: 'notice', to: 'f@example.com', when: '내일 오전 9시', vars: 'title=회의;body=안내', description: '주간 회의 안내' });
    const { context, page } = await signedIn(minji, { locale: 'ko-KR', viewport: { width: 390, height: 844 } });
    await expect.poll(() => (page.getByRole('heading', { level: 1 })).innerText()).toBe('새 메일');
    await page.getByRole('link', { name: '내 예약' }).click();
    await expect.poll(() => (page.getByRole('heading', { level: 1 })).innerText()).toBe('내 예약');
    await expect.poll(() => (page.getByRole('button', { name: '+1시간' }).first()).isVisible()).toBe(true);
    // Nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'reservations-phone-ko');
    await context.close();
  });

  it('refuses a callback whose state is not the one it sent', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    discord.oauth2.signInAs(bob.id);
    // Start a real sign-in (the state goes into this browser's session), then come back from
    // Discord with the real code but another state.
    const start = await context.request.get(`${base}/auth/discord`, { maxRedirects: 0 });
    expect(start.status()).toBe(302);
    const authorize = new URL(start.headers().location!);
    expect(authorize.searchParams.get('state')).toMatch(/.{20,}/);
    authorize.searchParams.set('state', 'forged-state');
    await page.goto(authorize.href);
    expect(page.url()).toMatch(/\/auth\/callback\?code=.*state=forged-state/);
    await expect.poll(() => (page.getByRole('heading', { level: 1 })).innerText()).toBe('Sign-in was refused');
    const response = await page.goto(`${base}/reservations`);
    expect(response?.url()).toBe(`${base}/signin`);
    await context.close();
  });

  it('reserves from the form with a time in words, lists it and moves it with a quick button', async () => {
    const page = alicePage;
    await page.getByLabel('Server').selectOption({ label: 'Herald Guild' });
    await page.waitForURL(/server=1500000000000000010/);
    await page.getByLabel('Template').selectOption('reminder');
    await page.waitForURL(/template=reminder/);
    await page.getByLabel('name', { exact: true }).fill('Ada');
    await page.getByLabel('event', { exact: true }).fill('Standup');
    await page.getByLabel('when', { exact: true }).fill('9:30');
    await page.getByLabel('Recipients').fill('ada@example.com');
    await page.getByLabel('Time, in words').fill('in 2 hours');
    // The live preview, in the browser's zone (Asia/Seoul here).
    await expect.poll(() => (page.locator('#when-preview')).innerText()).toMatch(/^Sends \w{3} \d{1,2} \w{3} \d{2}:\d{2} GMT\+9, in 2 hours$/);
    await expect.poll(() => (page.getByRole('button', { name: /Use this browser’s time zone \(Asia\/Seoul\)/ })).isVisible()).toBe(true);
    await page.getByLabel('Description').fill('standup reminder');
    await shot(page, 'new-mail');
    await page.getByRole('button', { name: 'Send or reserve' }).click();
    await expect.poll(() => (page.getByRole('status')).innerText()).toContain('Mail reserved');

    const {
      rows: [task],
    } = await h.tasks.listInScope({ requesterId: alice.id }, ['reserved'], { limit: 5, offset: 0 });
    expect(task).toMatchObject({ guild_id: GUILD_A, description: 'standup reminder', status: 'reserved' });
    expect(task!.payload).toMatchObject({ template: 'reminder', recipients: ['ada@example.com'], variables: { name: 'Ada', event: 'Standup', when: '9:30' } });
    expect(Math.abs(task!.scheduled_at!.getTime() - (h.now().getTime() + 2 * 3_600_000))).toBeLessThan(60_000);

    await page.getByRole('link', { name: 'My reservations' }).click();
    const card = page.locator(`#task-${task!.id}`);
    await expect.poll(() => (card).innerText()).toContain('standup reminder');
    await expect.poll(() => (card).innerText()).toContain('Herald Guild');
    await shot(page, 'reservations');
    // My reservations shows one server at a time, as the bot does: Book Club has none of Herald Guild's.
    await page.getByLabel('Server').selectOption({ label: 'Book Club' });
    await page.waitForURL(/\/reservations\?server=1500000000000000020/);
    await expect.poll(() => page.locator('.empty').innerText()).toContain('You have no reservations.');
    expect(await page.locator(`#task-${task!.id}`).count()).toBe(0);
    await page.getByLabel('Server').selectOption({ label: 'Herald Guild' });
    await page.waitForURL(/\/reservations\?server=1500000000000000010/);
    await card.getByRole('button', { name: '+10 min' }).click();
    await expect.poll(() => (page.getByRole('status')).innerText()).toContain('Reservation moved');
    const moved = await h.tasks.findById(task!.id);
    expect(moved!.scheduled_at!.getTime() - task!.scheduled_at!.getTime()).toBe(10 * 60_000);
    movedTaskId = task!.id;
  });

  it('lets it fire: the mail reaches the SMTP sink and History shows it sent', async () => {
    // Waiting on the result lets the time-skipping server jump to the reservation's time.
    expect(await h.workflow(movedTaskId).result()).toMatchObject({ kind: 'sent' });
    const mail = await h.sink.waitFor((m) => m.messageId === `<${movedTaskId}@example.test>`);
    expect(mail.to).toEqual(['ada@example.com']);
    expect(mail.text).toContain('Ada');
    await h.syncClock();

    const page = alicePage;
    await page.getByRole('link', { name: 'History' }).click();
    const card = page.locator(`#task-${movedTaskId}`);
    await expect.poll(() => card.innerText()).toMatch(/Status\s+sent/);
    await expect.poll(() => card.innerText()).toMatch(/Attempts\s+1\b/);
    await expect.poll(() => card.innerText()).toMatch(/Sent\s+\w{3}, /);
    await page.getByRole('link', { name: 'Sent', exact: true }).click();
    await expect.poll(() => (page.locator(`#task-${movedTaskId}`)).isVisible()).toBe(true);
    await shot(page, 'history');
  });

  it('cancels another reservation from the list', async () => {
    const ctx = await h.commands.contextFor({ userId: alice.id, guildId: GUILD_A });
    const made = await h.commands.reserve(ctx, { template: 'notice', to: 'bo@example.com', when: 'tomorrow 10am', vars: 'title=Later;body=Hello', description: 'to cancel' });
    expect(made.kind).toBe('reserved');
    const id = made.kind === 'reserved' ? made.task.id : '';
    const page = alicePage;
    await page.getByRole('link', { name: 'My reservations' }).click();
    await page.locator(`#task-${id}`).getByRole('button', { name: 'Cancel reservation' }).click();
    await expect.poll(() => (page.getByRole('status')).innerText()).toContain('Reservation canceled');
    expect((await h.tasks.findById(id))!.status).toBe('canceled');
    await expect.poll(() => (page.locator(`#task-${id}`)).count()).toBe(0);
    await page.goto(`${base}/history?status=canceled`);
    await expect.poll(() => (page.locator(`#task-${id}`)).innerText()).toContain('canceled');
  });

  it('edits a server template with a preview that follows the typing, and cancels a task of the server', async () => {
    const page = alicePage;
    await page.getByRole('link', { name: 'Server admin' }).click();
    // Alice is an admin of Herald Guild only, so the admin link leads straight there.
    await page.waitForURL(`${base}/servers/${GUILD_A}`);
    await page.getByRole('link', { name: 'New template' }).click();
    await page.getByLabel('Name').fill('launch');
    await page.getByLabel('Subject').fill('Launch of {{product}}');
    await page.getByLabel('Text body').fill('Hello {{name}}, {{product}} is out.');
    await page.getByLabel('HTML body (optional)').fill('<p>Hello <b>{{name}}</b></p>');
    await expect.poll(() => (page.locator('[data-preview-subject]')).innerText()).toBe('Launch of [product]');
    await expect.poll(() => (page.locator('[data-preview-variables]')).innerText()).toBe('name, product');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => (page.getByRole('status')).innerText()).toContain('Template created');

    // Edit: the preview changes as the subject is typed, an error shows at once, and Save makes version 2.
    await page.getByLabel('Subject').fill('Big news: {{product}} {{#each x}}{{/each}}');
    await expect.poll(() => (page.locator('[data-preview-error]')).innerText()).toContain('each');
    await page.getByLabel('Subject').fill('Big news: {{product}} for {{name}}');
    await expect.poll(() => (page.locator('[data-preview-subject]')).innerText()).toBe('Big news: [product] for [name]');
    await expect.poll(() => (page.locator('[data-preview-error]')).isHidden()).toBe(true);
    await expect.poll(() => page.frameLocator('iframe.mail-html').locator('b').textContent()).toBe('[name]');
    await shot(page, 'template-editor');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => (page.getByRole('status')).innerText()).toContain('version 2'.replace('version', 'Version'));
    const shown = await h.commands.templateShow(await h.commands.contextFor({ userId: alice.id, guildId: GUILD_A }), { name: 'launch' });
    expect(shown.kind === 'template' && shown.template.source === 'server' && shown.template.languages[0]!.subject).toBe('Big news: {{product}} for {{name}}');

    // The server's open tasks, whoever made them: the admin sees Bob's and can cancel it.
    const bobs = await h.commands.reserve(await h.commands.contextFor({ userId: bob.id, guildId: GUILD_A }), {
      template: 'notice',
      to: 'team@example.com',
      when: 'tomorrow 9am',
      vars: 'title=Weekly;body=Agenda',
      description: "Bob's weekly agenda",
    });
    const bobsId = bobs.kind === 'reserved' ? bobs.task.id : '';
    await page.getByRole('link', { name: /Herald Guild/ }).click();
    await expect.poll(() => page.getByText('launch', { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => page.locator(`#task-${bobsId}`).innerText()).toContain("Bob's weekly agenda");
    await shot(page, 'server-admin');
    await page.locator(`#task-${bobsId}`).getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Reservation canceled');
    expect((await h.tasks.findById(bobsId))!.status).toBe('canceled');
  });

  it('refuses a state-changing request without the CSRF token (403) and changes nothing', async () => {
    const ctx = await h.commands.contextFor({ userId: alice.id, guildId: GUILD_A });
    const made = await h.commands.reserve(ctx, { template: 'notice', to: 'c@example.com', when: 'tomorrow 11am', vars: 'title=T;body=B', description: 'csrf target' });
    const id = made.kind === 'reserved' ? made.task.id : '';
    const request = aliceContext.request;
    const missing = await request.post(`${base}/reservations/${id}/cancel`, { form: { server: GUILD_A }, maxRedirects: 0 });
    expect(missing.status()).toBe(403);
    expect(await missing.text()).toContain('nothing was changed');
    const wrong = await request.post(`${base}/reservations/${id}/cancel`, { form: { _csrf: 'not-the-token', server: GUILD_A }, maxRedirects: 0 });
    expect(wrong.status()).toBe(403);
    expect((await h.tasks.findById(id))!.status).toBe('reserved');
    // The same request with the page's token goes through.
    await alicePage.goto(`${base}/reservations`);
    const ok = await request.post(`${base}/reservations/${id}/cancel`, { form: { _csrf: (await csrfOf(alicePage))!, server: GUILD_A }, maxRedirects: 0 });
    expect(ok.status()).toBe(303);
    expect((await h.tasks.findById(id))!.status).toBe('canceled');
  });

  it("answers 404 for another user's task, and keeps other servers and admin pages out of reach", async () => {
    const ctx = await h.commands.contextFor({ userId: alice.id, guildId: GUILD_A });
    const made = await h.commands.reserve(ctx, { template: 'notice', to: 'd@example.com', when: 'tomorrow 11am', vars: 'title=T;body=B', description: "alice's" });
    const id = made.kind === 'reserved' ? made.task.id : '';
    const { context, page } = await signedIn(bob);
    await expect.poll(() => page.getByLabel('Server').locator('option').allTextContents()).toEqual(['Herald Guild']);
    const token = (await csrfOf(page))!;
    // In the server it was made in (Bob's too), in a server Bob is not in, in one not on the allowed list.
    for (const server of [GUILD_A, GUILD_B, GUILD_HIDDEN]) {
      for (const action of ['cancel', 'move', 'reschedule']) {
        const response = await context.request.post(`${base}/reservations/${id}/${action}`, { form: { _csrf: token, server, move: '1h', when: 'tomorrow 3pm' }, maxRedirects: 0 });
        expect(response.status(), `${action} in ${server}`).toBe(404);
      }
    }
    expect((await h.tasks.findById(id))!).toMatchObject({ status: 'reserved', scheduled_at: made.kind === 'reserved' ? made.task.scheduledAt : null });
    expect((await page.goto(`${base}/servers/${GUILD_A}`))!.status()).toBe(403);
    expect((await page.goto(`${base}/servers/${GUILD_HIDDEN}`))!.status()).toBe(404);
    for (const path of ['mail/new', 'reservations', 'history']) expect((await page.goto(`${base}/${path}?server=${GUILD_HIDDEN}`))!.status(), path).toBe(404);
    const adminCancel = await context.request.post(`${base}/servers/${GUILD_A}/tasks/${id}/cancel`, { form: { _csrf: token }, maxRedirects: 0 });
    expect(adminCancel.status()).toBe(403);
    expect((await h.tasks.findById(id))!.status).toBe('reserved');
    await context.close();

    // Alice, admin of Herald Guild but not of Book Club: a Book Club task is not hers to cancel as an admin.
    const other = await h.commands.contextFor({ userId: bob.id, guildId: GUILD_B });
    const inB = await h.commands.reserve(other, { template: 'notice', to: 'e@example.com', when: 'tomorrow 11am', vars: 'title=T;body=B', description: 'in book club' });
    const inBId = inB.kind === 'reserved' ? inB.task.id : '';
    const viaA = await aliceContext.request.post(`${base}/servers/${GUILD_A}/tasks/${inBId}/cancel`, { form: { _csrf: (await csrfOf(alicePage))! }, maxRedirects: 0 });
    expect(viaA.status()).toBe(404);
    expect((await h.tasks.findById(inBId))!.status).toBe('reserved');
  });
});
