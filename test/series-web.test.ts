// The dashboard's part of issue 11 in a real browser (Debian's chromium through playwright-core):
// a series shows its cadence on My reservations, and Edit works inline through HeraldCommands. On
// the Temporal dev server, since series live on Schedules (the time-skipping server has none);
// signed in with a console-mode link, as `npm run dev` without Discord prints it.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { LocalSignIn } from '../src/web/local-sign-in.js';
import { type Dashboard, startDashboard } from '../src/web/server.js';
import { launchChromium, screenshotDir } from './support/browser.js';
import { freePort } from './support/ports.js';
import { useHarness } from './support/use-harness.js';

const USER = 'web-series-user';
const SERVER = 'local';

const h = useHarness({ server: 'dev' });
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
let base: string;
const links = new LocalSignIn();

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DASHBOARD_PUBLIC_URL: base, SESSION_SECRET: 'a-test-session-secret-of-more-than-32-bytes' });
  dashboard = await startDashboard({
    config,
    commands: h.commands,
    logger: h.logger,
    clock: () => h.now(),
    port,
    host: '127.0.0.1',
    signIn: { kind: 'local', links, userId: USER, userName: 'Web user', guild: { id: SERVER, name: 'This computer', admin: true } },
  });
  browser = await launchChromium();
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  await page.goto(`${base}/auth/local?token=${links.issue()}`);
  await page.waitForURL(`${base}/mail/new`);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

async function reserve(options: { when: string; repeat?: string; until?: string; description: string }): Promise<string> {
  const ctx = await h.commands.contextFor({ userId: USER, guildId: SERVER });
  const made = await h.commands.reserve(ctx, { template: 'reminder', to: 'ada@example.com', vars: 'name=Ada;event=Standup;when=9:00', ...options });
  if (made.kind !== 'reserved') throw new Error(JSON.stringify(made));
  return made.task.id;
}

describe('My reservations with a series', () => {
  it('shows the series once, at its next run, with its cadence', async () => {
    const id = await reserve({ when: '2027-01-04 9am', repeat: 'every monday', until: '2027-03-01', description: 'weekly standup' });
    await page.goto(`${base}/reservations?server=${SERVER}`);
    const card = page.locator(`#task-${id}`);
    await expect.poll(() => card.innerText()).toMatch(/Repeats\s+every Monday at 09:00, until 2027-03-01/);
    await expect.poll(() => card.innerText()).toMatch(/Next\s+Mon, 4 Jan 2027|Next\s+Mon, Jan 4, 2027/);
    expect(await page.locator('li.task').count()).toBe(1);
    await page.screenshot({ path: path.join(screenshotDir(), 'reservations-series.png'), fullPage: true });
  });

  it('edits a reservation inline: the flash says what changed, and the row has it', async () => {
    const id = await reserve({ when: '2027-01-05 9am', description: 'one standup' });
    await page.goto(`${base}/reservations?server=${SERVER}`);
    const card = page.locator(`#task-${id}`);
    await card.getByText('Edit', { exact: true }).first().click();
    // The values as they are, in any order.
    await expect.poll(async () => (await card.getByLabel('Template fields').inputValue()).split(';').sort()).toEqual(['event=Standup', 'name=Ada', 'when=9:00']);
    await card.getByLabel('Template fields').fill('name=Grace;event=Standup;when=9:00');
    await card.getByLabel('Description').fill('one standup, for Grace');
    await card.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Reservation changed');
    await expect.poll(() => page.getByRole('status').innerText()).toContain('name: Ada → Grace');
    const row = await h.tasks.findById(id);
    expect(row!.payload.variables).toMatchObject({ name: 'Grace', event: 'Standup' });
    expect(row!.description).toBe('one standup, for Grace');
  });

  it('edits a series inline: its next runs take the change', async () => {
    const [series] = await h.db.selectFrom('series').select('id').where('requester_id', '=', USER).execute();
    await page.goto(`${base}/reservations?server=${SERVER}`);
    const card = page.locator(`#task-${series!.id}`);
    await card.getByText('Edit', { exact: true }).first().click();
    await card.getByLabel('To').fill('team@example.com');
    await card.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Series changed');
    await expect.poll(() => page.getByRole('status').innerText()).toContain('To: ada@example.com → team@example.com');
    expect((await h.seriesRepository.findById(series!.id))!.payload.recipients).toEqual(['team@example.com']);
  });

  it('refuses a bad edit with the core\'s message and changes nothing', async () => {
    const id = await reserve({ when: '2027-01-06 9am', description: 'stays' });
    await page.goto(`${base}/reservations?server=${SERVER}`);
    const card = page.locator(`#task-${id}`);
    await card.getByText('Edit', { exact: true }).first().click();
    await card.getByLabel('To').fill('not an address');
    await card.getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/not an address/);
    expect((await h.tasks.findById(id))!.payload.recipients).toEqual(['ada@example.com']);
  });
});
