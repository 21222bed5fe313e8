// The operations endpoints of real Herald processes (src/main.ts worker and bot) over real HTTP:
// /healthz, /readyz (with a database that goes away and comes back, and a Discord session that is
// lost) and /metrics (Herald's counters moved by a real mail, and the Temporal SDK's own metrics).
// The worker reaches Temporal through a Temporal profile file, not TEMPORAL_ADDRESS.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/database.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { type DiscordEmulator, startDiscordEmulator } from './discord-emulator/emulator.js';
import { freePort } from './support/ports.js';
import { type HeraldProcess, startHeraldProcess } from './support/processes.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { useHarness } from './support/use-harness.js';

// The service's clock runs 55 s behind: "in 1 minute" falls due 5 s from now, inside the 60 s lead.
const h = useHarness({ server: 'dev', worker: false, clock: () => new Date(Date.now() - 55_000) });
let database: TcpProxy;
const processes: HeraldProcess[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-ops-'));

beforeAll(async () => {
  const url = new URL(h.databaseUrl);
  database = await TcpProxy.start(url.hostname, Number(url.port));
});
afterAll(async () => {
  for (const p of processes) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await database?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

interface ReadyReport {
  ready: boolean;
  notReady: string[];
  checks: { name: string; ok: boolean; error?: string }[];
}

async function readyz(base: string): Promise<{ status: number; report: ReadyReport }> {
  const { status, body } = await get(`${base}/readyz`);
  return { status, report: JSON.parse(body) as ReadyReport };
}

/** The process whose output explains a failed wait (the one the current describe block runs). */
let explain: HeraldProcess | undefined;

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const exited = explain?.child.exitCode ?? explain?.child.signalCode;
      const output = explain ? `\nprocess ${exited === null ? 'running' : `exited (${exited})`}; its output ends:\n${explain.output().slice(-3000)}` : '';
      throw new Error(`condition not met in time; last: ${JSON.stringify(last)}${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One sample of the Prometheus text: the line named `name` whose labels include `labels`; 0 if absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return 0;
}

describe('the database pool', () => {
  it('fails a query whose connection is lost mid-way, without taking the process down', async () => {
    const url = new URL(h.databaseUrl);
    url.port = String(database.port);
    const db = createDb(url.toString(), { poolMax: 1 });
    try {
      const slow = sql`select pg_sleep(5)`.execute(db);
      await new Promise((r) => setTimeout(r, 300));
      await database.stop(); // a checked-out client loses its socket: pg emits 'error' on it
      await expect(slow).rejects.toThrow(/Connection terminated|ECONNRESET/);
      await database.resume();
      // The broken client was dropped; the pool connects again.
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await database.resume().catch(() => undefined);
      await db.destroy();
    }
  });
});

/** The compose healthcheck's probe (src/ops/probe.ts): its exit code for `path` on `port`. */
async function probe(port: number, path: string): Promise<number> {
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/ops/probe.ts', path], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', METRICS_PORT: String(port) },
    });
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

describe('a worker process', () => {
  let worker: HeraldProcess;
  let base: string;
  let port: number;

  beforeAll(async () => {
    const profiles = path.join(dir, 'temporal.toml');
    fs.writeFileSync(profiles, `[profile.herald-test]\naddress = "${h.env.address}"\nnamespace = "default"\n`);
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const url = new URL(h.databaseUrl);
    url.port = String(database.port);
    worker = startHeraldProcess('worker', {
      DATABASE_URL: url.toString(),
      TEMPORAL_CONFIG_FILE: profiles,
      TEMPORAL_PROFILE: 'herald-test',
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      SMTP_URL: h.sink.url,
      SMTP_FROM: 'Herald <herald@example.test>',
      METRICS_PORT: String(port),
      METRICS_HOST: '127.0.0.1',
      RECONCILE_INTERVAL: '1s',
      LOG_LEVEL: 'info',
    });
    processes.push(worker);
    explain = worker;
    // Alive from the start, before the worker is ready.
    await until(() => get(`${base}/healthz`), (r) => r.status === 200);
    await worker.waitForOutput(/Herald is running/, 120_000);
  }, 180_000);

  it('answers /healthz, and /readyz once the database, Temporal (from the profile file) and the worker are all good', async () => {
    const alive = await get(`${base}/healthz`);
    expect(alive.status).toBe(200);
    expect(JSON.parse(alive.body)).toEqual({ alive: true });

    const { status, report } = await until(() => readyz(base), (r) => r.status === 200);
    expect(report.ready).toBe(true);
    expect(report.notReady).toEqual([]);
    expect(report.checks.map((c) => c.name).sort()).toEqual(['database', 'temporal', 'worker']);
    expect(status).toBe(200);
    expect(worker.output()).toContain(h.env.address); // "using these servers": the profile's address
  });

  it('counts a sent mail in /metrics (sends and lateness) and serves the Temporal SDK\'s metrics beside Herald\'s', async () => {
    const before = (await get(`${base}/metrics`)).body;
    const task = await h.service.enqueueTask({ requesterId: 'ops', template: 'notice', to: 'ops@example.com', variables: 'title=t;body=b' });
    await h.env.client.workflow.getHandle(task.id).result();
    const row = (await h.tasks.findById(task.id))!;
    const mail = h.sink.mails.find((m) => m.messageId === `<${task.id}@example.test>`)!;
    expect(mail).toBeDefined();

    const metrics = await get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain/);
    const after = metrics.body;
    expect(sample(after, 'herald_sends_total', { outcome: 'sent' }) - sample(before, 'herald_sends_total', { outcome: 'sent' })).toBe(1);
    const count = (text: string) => sample(text, 'herald_send_lateness_seconds_count', { kind: 'now' });
    expect(count(after) - count(before)).toBe(1);
    expect(sample(after, 'herald_send_lateness_seconds_bucket', { kind: 'now', le: '+Inf' })).toBe(count(after));
    // Lateness of a send now runs from the row's creation to the relay's answer: positive, and
    // no longer than from creation to the sink's receipt plus the sink's own reply.
    const latenessSum = sample(after, 'herald_send_lateness_seconds_sum', { kind: 'now' }) - sample(before, 'herald_send_lateness_seconds_sum', { kind: 'now' });
    expect(latenessSum).toBeGreaterThan(0);
    expect(latenessSum).toBeLessThan((mail.receivedAt.getTime() - row.created_at.getTime()) / 1000 + 1);

    // The Temporal SDK's runtime metrics (served by Core, appended to Herald's).
    expect(after).toMatch(/^# TYPE temporal_\w+ /m);
    expect(sample(after, 'temporal_worker_start')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'temporal_activity_execution_latency_count', { activity_type: 'deliverTaskMail' })).toBeGreaterThanOrEqual(1);
    // Process metrics, and no metric family twice.
    expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    const families = [...after.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    expect(new Set(families).size).toBe(families.length);
  });

  it('shows a held reservation as a hold in progress, then its lateness from the scheduled time', async () => {
    const lateCount = (text: string) => sample(text, 'herald_send_lateness_seconds_count', { kind: 'reserved' });
    const before = (await get(`${base}/metrics`)).body;
    const task = await h.service.reserveTask({
      requesterId: 'ops-hold',
      template: 'notice',
      to: 'hold@example.com',
      variables: 'title=t;body=b',
      description: 'held',
      when: 'in 1 minute',
    });
    const holding = await until(() => get(`${base}/metrics`), (r) => sample(r.body, 'herald_holds_in_progress') === 1, 20_000);
    expect(lateCount(holding.body)).toBe(lateCount(before));
    await h.env.client.workflow.getHandle(task.id).result();
    const after = (await get(`${base}/metrics`)).body;
    expect(sample(after, 'herald_holds_in_progress')).toBe(0);
    expect(lateCount(after) - lateCount(before)).toBe(1);
    const mail = h.sink.mails.find((m) => m.messageId === `<${task.id}@example.test>`)!;
    const lateness = sample(after, 'herald_send_lateness_seconds_sum', { kind: 'reserved' }) - sample(before, 'herald_send_lateness_seconds_sum', { kind: 'reserved' });
    // Sent no earlier than due, and accepted by the time the sink had it (plus its reply).
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan((mail.receivedAt.getTime() - task.scheduledAt!.getTime()) / 1000 + 1);
    // Its requester was told (by the log notifier here: this worker has no Discord token).
    expect(sample(after, 'herald_dm_outcomes_total', { outcome: 'delivered' }) - sample(before, 'herald_dm_outcomes_total', { outcome: 'delivered' })).toBe(1);
  });

  it('counts a permanent refusal as a failed attempt and a failed send, and a stranded task as a repair', async () => {
    const before = (await get(`${base}/metrics`)).body;
    const delta = (text: string, name: string, labels: Record<string, string> = {}) => sample(text, name, labels) - sample(before, name, labels);

    h.sink.failNext(1, 550);
    const refused = await h.service.enqueueTask({ requesterId: 'ops-fail', template: 'notice', to: 'nobody@example.com', variables: 'title=t;body=b' });
    await expect(h.env.client.workflow.getHandle(refused.id).result()).rejects.toThrow();
    let after = (await get(`${base}/metrics`)).body;
    expect(delta(after, 'herald_send_attempt_errors_total', { class: 'permanent' })).toBe(1);
    expect(delta(after, 'herald_send_attempt_errors_total', { class: 'transient' })).toBe(0);
    expect(delta(after, 'herald_sends_total', { outcome: 'failed' })).toBe(1);
    expect(delta(after, 'herald_sends_total', { outcome: 'sent' })).toBe(0);

    // A row whose workflow was started and is gone (Temporal lost it), two minutes old: the
    // reconciler's to repair. (One never started is the outbox starter's, which this worker runs.)
    const id = randomUUID();
    await h.tasks.insert({
      id,
      name: 'notice → stranded@example.com',
      description: 'stranded',
      requester_id: 'ops-crash',
      guild_id: null,
      status: 'queued',
      scheduled_at: null,
      payload: { recipients: ['stranded@example.com'], template: 'notice', variables: { title: 'Stranded', body: 'Found' }, language: 'en' },
    });
    await sql`UPDATE tasks SET created_at = now() - interval '2 minutes', workflow_started_at = now() - interval '2 minutes' WHERE id = ${id}`.execute(h.db);
    after = (await until(() => get(`${base}/metrics`), (r) => delta(r.body, 'herald_reconciler_repairs_total') === 1, 20_000)).body;
    await h.env.client.workflow.getHandle(id).result();
    expect(h.sink.mails.some((m) => m.messageId === `<${id}@example.test>`)).toBe(true);
  });

  it('says 503 naming the database while it is unreachable, and 200 again once it is back', async () => {
    await database.stop();
    const down = await until(() => readyz(base), (r) => r.status === 503, 15_000);
    expect(down.report.ready).toBe(false);
    expect(down.report.notReady).toEqual(['database']);
    expect(down.report.checks.find((c) => c.name === 'database')?.error).toBeTruthy();
    expect(down.report.checks.filter((c) => c.ok).map((c) => c.name).sort()).toEqual(['temporal', 'worker']);
    // Still alive: an orchestrator should not restart a process whose database is away.
    expect((await get(`${base}/healthz`)).status).toBe(200);
    expect(await probe(port, '/readyz')).toBe(1);
    expect(await probe(port, '/healthz')).toBe(0);

    await database.resume();
    const up = await until(() => readyz(base), (r) => r.status === 200, 30_000);
    expect(up.report.notReady).toEqual([]);
    expect(await probe(port, '/readyz')).toBe(0);
  });

  it('answers nothing else, and only GET and HEAD', async () => {
    expect((await get(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${base}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('is not ready while it drains at shutdown, still alive, and gone once it has exited', async () => {
    h.sink.setDelay(3_000); // a slow relay: the send is still in flight when the signal comes
    await h.service.enqueueTask({ requesterId: 'ops-drain', template: 'notice', to: 'd@example.com', variables: 'title=t;body=b' });
    await until(async () => h.sink.inFlight, (n) => n === 1, 20_000);
    worker.child.kill('SIGTERM');
    const draining = await until(() => readyz(base), (r) => r.status === 503, 5_000);
    expect(draining.report.notReady).toEqual(['worker']);
    expect(draining.report.checks.find((c) => c.name === 'worker')?.error).toMatch(/^worker is (draining|stopping|drained)/);
    expect((await get(`${base}/healthz`)).status).toBe(200);
    expect(await worker.exited).toBe(0);
    h.sink.setDelay(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('a bot process', () => {
  const APP_ID = '900000000000000001';
  const TOKEN = 'ops-bot-token';
  const user = { id: '100000000000000009', username: 'ops' };
  let discord: DiscordEmulator;
  let bot: HeraldProcess;
  let base: string;

  beforeAll(async () => {
    discord = await startDiscordEmulator({
      applicationId: APP_ID,
      botUser: { id: '900000000000000002', username: 'herald' },
      guilds: [{ id: '900000000000000003', name: 'Ops server' }],
      token: TOKEN,
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    bot = startHeraldProcess('bot', {
      DATABASE_URL: h.databaseUrl,
      TEMPORAL_ADDRESS: h.env.address,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_GUILD_ID: '900000000000000003',
      METRICS_PORT: String(port),
      LOG_LEVEL: 'info',
    });
    processes.push(bot);
    explain = bot;
    await bot.waitForOutput(/Herald is running/, 120_000);
  }, 180_000);
  afterAll(async () => {
    bot?.child.kill('SIGTERM');
    await bot?.exited;
    await discord?.close();
  });

  it('is ready with the database, Temporal and the Discord session, and times its commands', async () => {
    const { report } = await until(() => readyz(base), (r) => r.status === 200);
    expect(report.checks.map((c) => c.name).sort()).toEqual(['database', 'discord', 'temporal']);

    const before = (await get(`${base}/metrics`)).body;
    const templates = discord.slashCommand({ name: 'templates', options: {}, user });
    await templates.waitForFinal();
    const sendmail = discord.slashCommand({ name: 'sendmail', options: { template: 'notice', to: 'a@example.com', vars: 'title=t;body=b' }, user });
    expect((await sendmail.waitForFinal()).embeds[0]!.title).toBe('Mail queued for sending');
    const bad = discord.slashCommand({ name: 'sendmail', options: { template: 'no-such-template', to: 'a@example.com' }, user });
    await bad.waitForFinal();

    const after = (await get(`${base}/metrics`)).body;
    const commands = (text: string, command: string, result: string) => sample(text, 'herald_command_duration_seconds_count', { command, result });
    // /templates lists the server's own templates too: the core's template list.
    expect(commands(after, 'template list', 'ok') - commands(before, 'template list', 'ok')).toBe(1);
    expect(commands(after, 'sendmail', 'ok') - commands(before, 'sendmail', 'ok')).toBe(1);
    expect(commands(after, 'sendmail', 'rejected') - commands(before, 'sendmail', 'rejected')).toBe(1);
    expect(sample(after, 'herald_tasks_created_total', { kind: 'now' }) - sample(before, 'herald_tasks_created_total', { kind: 'now' })).toBe(1);
    // No worker here, so no Temporal SDK runtime (the bot's client is plain gRPC).
    expect(after).not.toMatch(/^# TYPE temporal_/m);
  });

  it('says 503 naming discord once the gateway session is lost', async () => {
    await discord.close();
    const down = await until(() => readyz(base), (r) => r.status === 503, 20_000);
    expect(down.report.notReady).toEqual(['discord']);
  });
});
