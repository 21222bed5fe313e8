// `npm run dev` stopped the ways a terminal stops it. Ctrl-C sends SIGINT to the whole foreground
// process group (npm, sh, tsx, node), and npm or tsx may pass it on again; closing the terminal
// sends SIGHUP. Each time Herald must shut down in order, exit 0, and leave no embedded PostgreSQL
// or Temporal dev server running. A deliberate second Ctrl-C exits at once, and still stops them;
// so does a stop request that comes while PostgreSQL is still starting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSink } from '../src/infra/smtp-sink.js';
import { isRunning } from '../src/infra/stop-on-exit.js';
import { type DiscordEmulator, startDiscordEmulator } from './discord-emulator/emulator.js';
import { type DevScriptRun, describeProcesses, devServerEnv, hasScriptCommand, processesUnder, runDevScript } from './support/dev-script.js';

const TOKEN = 'signals-bot-token';
const APP_ID = '910000000000000001';
const GUILD_ID = '910000000000000003';

let discord: DiscordEmulator;
let dataDir: string;

beforeAll(async () => {
  discord = await startDiscordEmulator({
    applicationId: APP_ID,
    botUser: { id: '910000000000000002', username: 'herald' },
    guilds: [{ id: GUILD_ID, name: 'Signals' }],
    token: TOKEN,
  });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-signals-'));
  fs.chmodSync(dataDir, 0o755); // as root, user postgres must reach the cluster inside
});

// Whatever one test leaves running must not decide the next one.
afterEach(() => {
  for (const pid of processesUnder(dataDir)) process.kill(pid, 'SIGKILL');
});

afterAll(async () => {
  await discord?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The same data folder every time; fresh ports each time. */
const devEnv = async (): Promise<Record<string, string>> => ({ HERALD_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...(await devServerEnv()) });

const botEnv = async () => ({ ...(await devEnv()), DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discord.apiUrl, DISCORD_ALLOWED_GUILD_IDS: GUILD_ID });

/** A postmaster runs on this data folder's cluster. */
const postmasterRuns = () =>
  processesUnder(dataDir).some((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/postgres');
    } catch {
      return false;
    }
  });

async function startBot(extra: Record<string, string> = {}): Promise<{ run: DevScriptRun; servers: number[] }> {
  const run = runDevScript({ env: { ...(await botEnv()), ...extra } });
  await run.waitForOutput(/"msg":"Herald is running"/, 120_000);
  const servers = processesUnder(dataDir);
  expect(servers.length).toBeGreaterThanOrEqual(2); // the postmaster (and its backends) and the Temporal dev server
  return { run, servers };
}

/** Nothing Herald started for this data folder is left: neither the processes seen before, nor any other. */
function expectNothingLeft(servers: number[]): void {
  const running = [...new Set([...servers.filter(isRunning), ...processesUnder(dataDir)])];
  expect(running, `still running:\n${describeProcesses(running)}`).toEqual([]);
  expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
}

describe('Ctrl-C in bot mode', () => {
  it.each([1, 2, 3])('SIGINT to the whole process group: Herald shuts down in order and exits 0 (run %i)', async () => {
    const { run, servers } = await startBot();
    run.signalGroup('SIGINT');
    expect(await run.heraldExit(), run.output().slice(-3000)).toBe(0);
    expectNothingLeft(servers);
    expect(run.output()).toMatch(/"msg":"embedded PostgreSQL stopped"/);
    expect(run.output()).toMatch(/"msg":"stopped"/);
    expect(run.output()).not.toMatch(/exiting now/);
  });

  it('takes the copy of Ctrl-C that npm or tsx passes on a moment later as the same request', async () => {
    const { run, servers } = await startBot();
    run.signalGroup('SIGINT');
    await new Promise((r) => setTimeout(r, 30)); // tsx waits 30 ms for its child before passing it on
    process.kill(run.heraldPid(), 'SIGINT');
    expect(await run.heraldExit(), run.output().slice(-3000)).toBe(0);
    expectNothingLeft(servers);
    expect(run.output()).toMatch(/"msg":"stopped"/);
  });

  it('exits at once on a deliberate second Ctrl-C, and still stops PostgreSQL and Temporal', async () => {
    // A slow relay keeps a send in flight, so the orderly shutdown is still waiting for it.
    const sink = await SmtpSink.start();
    try {
      sink.setDelay(30_000);
      const { run, servers } = await startBot({ SMTP_URL: sink.url });
      const send = discord.slashCommand({ name: 'sendmail', options: { template: 'notice', to: 'slow@example.com', vars: 'title=t;body=b' } });
      await send.callback();
      for (const deadline = Date.now() + 30_000; sink.inFlight === 0; ) {
        if (Date.now() > deadline) throw new Error(`the send never reached the relay:\n${run.output().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      run.signalGroup('SIGINT');
      await run.waitForOutput(/"msg":"shutting down"/);
      await new Promise((r) => setTimeout(r, 2_000)); // past the moment in which a repeat is the same key press
      expect(sink.inFlight).toBe(1); // still draining
      const second = Date.now();
      run.signalGroup('SIGINT');
      expect(await run.heraldExit(), run.output().slice(-3000)).toBe(1);
      expect(Date.now() - second).toBeLessThan(10_000);
      expectNothingLeft(servers);
      expect(run.output()).toMatch(/exiting now/);
    } finally {
      sink.setDelay(0);
      await sink.close();
    }
  });
});

describe('closing the terminal', () => {
  it.each([1, 2])('SIGHUP to the whole process group: Herald shuts down in order and exits 0 (run %i)', async () => {
    const { run, servers } = await startBot();
    run.signalGroup('SIGHUP'); // npm and tsx die of it at once; Herald must not
    expect(await run.heraldExit(), run.output().slice(-3000)).toBe(0);
    expectNothingLeft(servers);
    expect(run.output()).toMatch(/"reason":"SIGHUP","msg":"shutting down"/);
    expect(run.output()).toMatch(/"msg":"stopped"/);
  });

  it.skipIf(!hasScriptCommand())('closing a real terminal that runs the console stops everything, though the terminal is gone', async () => {
    const run = runDevScript({ env: await devEnv(), terminal: true });
    await run.waitForOutput(/Herald is running/, 120_000);
    const servers = processesUnder(dataDir);
    expect(servers.length).toBeGreaterThanOrEqual(2);
    run.child.kill('SIGKILL'); // the terminal window goes away: its pseudo-terminal hangs up
    expect(await run.heraldExit(), run.output().slice(-3000)).toBe(0);
    expectNothingLeft(servers);
  });
});

describe('a stop request during start-up', () => {
  it('stops embedded PostgreSQL when told to stop while it is still starting', async () => {
    const run = runDevScript({ env: await botEnv() });
    // The moment the postmaster runs, before pg_ctl has seen it ready (and maybe before its pid
    // file); not initdb's bootstrap postgres on a first start.
    const clusterMade = () => fs.existsSync(path.join(dataDir, 'postgres.password'));
    for (const deadline = Date.now() + 120_000; !(clusterMade() && postmasterRuns()); ) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL never started:\n${run.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    // To Herald alone, as a supervisor sends it. (Ctrl-C reaches pg_ctl too, which then stops the
    // postmaster it is starting by itself.)
    process.kill(run.heraldPid(), 'SIGTERM');
    expect(await run.heraldExit(), run.output().slice(-3000)).toBe(0);
    expectNothingLeft([]);
  });
});
