// npm run chaos [-- --quick] [-- --temporal=server]
// Herald's promise under faults: a confirmed reservation is sent once, at its time, or its
// requester learns why not. Reservations are made through the Discord bot (the emulator); while
// they fall due the worker is killed with SIGKILL three times, PostgreSQL is stopped for 30 s,
// Temporal (the dev server on its db file, or with --temporal=server the production server on
// PostgreSQL) is killed and restarted once, the bot is restarted once, and the SMTP sink refuses
// 30% of deliveries with a 4xx. Then every confirmed task is checked: none lost, none failed
// because of the database outage, no duplicate but where a worker kill explains it. Writes RELIABILITY.md
// (full mode) and prints a JSON summary as its last line; exits non-zero if the promise was broken.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../src/db/database.js';
import { MIN_LEAD_MS } from '../src/domain/limits.js';
import { createLogger } from '../src/logger.js';
import { startDiscordEmulator } from '../test/discord-emulator/emulator.js';
import { type Child, ROOT, startChild } from '../scripts/lib/child.js';
import { HERALD_TASK_QUEUE, heraldEnv } from '../scripts/lib/herald.js';
import { startServices } from '../scripts/lib/services.js';
import { BenchSink } from '../scripts/lib/sink.js';
import { sleep } from '../scripts/lib/stats.js';

const quick = process.argv.includes('--quick');
const temporalMode = process.argv.includes('--temporal=server') ? 'server' : 'dev';
const N = quick ? 300 : 1_000;
// Due times, from now. A reservation must be at least MIN_LEAD_MS ahead when the bot takes it;
// quick mode's first batch is taken within a few seconds, later ones gain 0.2 s of lead each.
const WINDOW = quick ? { from: MIN_LEAD_MS + 10_000, to: MIN_LEAD_MS + 70_000 } : { from: 90_000, to: 270_000 };
const LEAD = quick ? '15s' : '30s';
const OUTAGE_MS = 30_000;
/**
 * When each fault strikes, as a share of the window the reservations fall due in. No worker is
 * started while PostgreSQL is down (a worker migrates the database when it starts), so the kills
 * stay out of the outage; the Temporal restart may fall inside it (the dev server's db file is no
 * part of PostgreSQL; the Temporal server's databases are, and it waits for the outage to end).
 */
const AT = quick
  ? { kills: [0.1, 0.75, 0.9], outage: 0.2, temporal: 0.45 }
  : { kills: [0.15, 0.45, 0.75], outage: 0.25, temporal: 0.6 };
const log = (message: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}`);
const logger = createLogger({ level: 'warn' });
const started = Date.now();

execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
const services = await startServices(logger, { redis: false, temporal: temporalMode });
log(temporalMode === 'server' ? `on the Temporal server ${services.versions.temporalServer} (PostgreSQL, ${services.temporal.historyShards} shards)` : 'on the Temporal dev server');
const sink = await BenchSink.start();
sink.setFailureRate(0.3);
const APP_ID = '950000000000000001';
const TOKEN = 'chaos-bot-token-0123456789';
const GUILD_ID = '950000000000000003';
const discord = await startDiscordEmulator({
  applicationId: APP_ID,
  botUser: { id: '950000000000000002', username: 'herald' },
  guilds: [{ id: GUILD_ID, name: 'chaos' }],
  token: TOKEN,
});
const env = {
  ...heraldEnv(services, sink.url),
  DISCORD_TOKEN: TOKEN,
  DISCORD_APPLICATION_ID: APP_ID,
  DISCORD_API_URL: discord.apiUrl,
  DISCORD_ALLOWED_GUILD_IDS: GUILD_ID,
  MAIL_PREPARE_LEAD: LEAD,
  RECONCILE_INTERVAL: '10s',
  LOG_LEVEL: 'error', // refusals and kills make warnings by the hundred; errors are what matter here
};
const children = new Set<Child>();
const spawnHerald = (mode: 'worker' | 'bot') => {
  const child = startChild(path.join(ROOT, 'dist/src/main.js'), [mode], env);
  children.add(child);
  return child;
};
const cleanUp = async () => {
  for (const child of children) await child.stop('SIGKILL');
  await discord.close();
  await sink.stop();
  await services.stop();
};

let worker = spawnHerald('worker');
let bot = spawnHerald('bot');
await discord.waitForIdentify({ timeoutMs: 60_000 });
await sleep(3_000);

// --- reservations, through the bot; the bot is restarted once on the way
log(`making ${N} reservations due ${WINDOW.from / 1000}-${WINDOW.to / 1000} s from now`);
const t0 = Date.now();
const confirmed = new Map<string, number>(); // task id → due time
let unconfirmed = 0;
const botRestartAt = Math.floor(N / 2);
for (let i = 0; i < N; i += 25) {
  if (i === botRestartAt - (botRestartAt % 25)) {
    log('restarting the bot');
    await bot.stop('SIGTERM');
    children.delete(bot);
    bot = spawnHerald('bot');
    // Until the new bot is in, not a fixed pause: on a busy machine its start took longer than 4 s,
    // and every reservation sent meanwhile went unconfirmed and out of the check.
    await sleep(1_000); // the old session's socket is closed by now
    await discord.waitForIdentify({ timeoutMs: 60_000 });
    await sleep(3_000); // as after the first start
  }
  await Promise.all(
    Array.from({ length: Math.min(25, N - i) }, async (_, k) => {
      const n = i + k;
      const due = new Date(t0 + WINDOW.from + ((WINDOW.to - WINDOW.from) * n) / N);
      const handle = discord.slashCommand({
        name: 'reserve',
        user: { id: `96000000000000${String(n % 50).padStart(4, '0')}`, username: `user${n % 50}` },
        options: {
          template: 'notice',
          to: `chaos${n}@example.com`,
          when: due.toISOString().replace('T', ' ').slice(0, 19),
          vars: `title=Chaos ${n};body=Reliability run`,
          description: `chaos ${n}`,
        },
      });
      try {
        await handle.callback({ timeoutMs: 10_000 });
        const message = await handle.waitForFinal({ timeoutMs: 30_000 });
        const id = /`([0-9a-f-]{36})`/.exec(JSON.stringify(message.embeds ?? []))?.[1];
        if (id) confirmed.set(id, Math.floor(due.getTime() / 1000) * 1000);
        else unconfirmed++;
      } catch {
        unconfirmed++; // the bot was down: never confirmed, so not part of the promise
      }
    }),
  );
}
log(`${confirmed.size} confirmed, ${unconfirmed} not confirmed, in ${Math.round((Date.now() - t0) / 1000)} s`);

// --- faults while they fall due
const windowStart = t0 + WINDOW.from;
const span = WINDOW.to - WINDOW.from;
let outage: Promise<void> = Promise.resolve();
const outageWindow = { from: Number.POSITIVE_INFINITY, to: Number.NEGATIVE_INFINITY };
/** When each worker was killed: a mail the relay took just before that, not yet recorded, may go twice. */
const killedAt: number[] = [];
const faults: { at: number; what: string; run: () => Promise<void> }[] = [
  ...AT.kills.map((share, k) => ({
    at: windowStart + span * share,
    what: `kill -9 worker (${k + 1})`,
    run: async () => {
      killedAt.push(Date.now());
      await worker.stop('SIGKILL');
      children.delete(worker);
      await sleep(1_000);
      worker = spawnHerald('worker');
    },
  })),
  {
    at: windowStart + span * AT.temporal,
    what: temporalMode === 'server' ? 'kill and restart the Temporal server on its PostgreSQL databases' : 'kill and restart the Temporal dev server on its db file',
    // The Temporal server keeps its data in the PostgreSQL the outage stops: it cannot start
    // again until that is back, so in server mode it waits for the outage to end.
    run: async () => {
      if (temporalMode === 'server') await outage;
      await services.restartTemporal();
    },
  },
  {
    at: windowStart + span * AT.outage,
    what: `stop PostgreSQL for ${OUTAGE_MS / 1000} s (a fast shutdown: every connection cut), then start it again${temporalMode === 'server' ? " (the Temporal server's databases too)" : ''}`,
    // In the background: the faults that fall inside the outage go on meanwhile.
    run: async () => {
      outageWindow.from = Date.now();
      outage = services.stopPostgresFor(OUTAGE_MS).then(() => {
        outageWindow.to = Date.now();
        log('PostgreSQL is back');
      });
    },
  },
].sort((a, b) => a.at - b.at);
for (const fault of faults) {
  await sleep(fault.at - Date.now());
  log(fault.what);
  await fault.run();
}
await outage;

// --- wait for every confirmed task to end
const db = createDb(services.databaseUrl);
const ids = [...confirmed.keys()];
const deadline = Date.now() + (quick ? 150_000 : 420_000);
let open = ids.length;
while (Date.now() < deadline) {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'in', ids)
    .where('status', 'in', ['queued', 'reserved', 'running'])
    .executeTakeFirstOrThrow();
  open = Number(row.n);
  if (open === 0) break;
  await sleep(2_000);
}
await sleep(3_000); // let the last workflows close
const rows = await db.selectFrom('tasks').select(['id', 'status', 'error', 'attempts']).where('id', 'in', ids).execute();

/** Why a task failed: the sink's refusals (an SMTP reply), a kill cutting its last attempt short, the database, or else. */
function failureCause(error: string | null): 'smtp' | 'kill' | 'database' | 'other' {
  if (!error) return 'other';
  if (/^\d{3}\b/.test(error)) return 'smtp';
  if (/database|ECONNREFUSED|ECONNRESET|Connection terminated|connect|could not be reached/i.test(error)) return 'database';
  if (/timeout|timed out/i.test(error)) return 'kill';
  return 'other';
}

// --- check every one
const connection = await Connection.connect({ address: services.temporalAddress });
const client = new Client({ connection });
const expected: Record<string, string> = { finished: 'COMPLETED', failed: 'FAILED', canceled: 'CANCELLED' };
let delivered = 0;
let failedWithReason = 0;
const failedBy: Record<ReturnType<typeof failureCause>, number> = { smtp: 0, kill: 0, database: 0, other: 0 };
const failedByOutage: string[] = [];
let duplicates = 0;
/**
 * A duplicate is allowed only where a kill explains it: its first copy reached the relay before a
 * worker was killed and too shortly before for the send to be recorded (DUPLICATE_WINDOW_MS), or
 * while PostgreSQL was down, when the record waits for the database, and a kill came before the
 * record could (the outage's end plus the window). Any other duplicate breaks the promise.
 */
const DUPLICATE_WINDOW_MS = 10_000;
const unexplainedDuplicates: string[] = [];
const explainedByKill = (first: number) =>
  killedAt.some(
    (kill) =>
      first <= kill &&
      (kill - first <= DUPLICATE_WINDOW_MS || (first >= outageWindow.from && first <= outageWindow.to && kill <= outageWindow.to + DUPLICATE_WINDOW_MS)),
  );
const lost: string[] = [];
const disagreements: string[] = [];
const lateness: number[] = [];
const firstAttemptLateness: number[] = []; // delivered by the first attempt, due outside the outage: no fault in its way
for (const row of rows) {
  const messageId = `<${row.id}@herald.test>`;
  const receipts = sink.received.get(messageId) ?? [];
  duplicates += Math.max(0, receipts.length - 1);
  if (receipts.length > 1 && !explainedByKill(Math.min(...receipts))) unexplainedDuplicates.push(row.id);
  if (receipts.length > 0) {
    delivered++;
    const late = Math.min(...receipts) - confirmed.get(row.id)!;
    lateness.push(late);
    const due = confirmed.get(row.id)!;
    if (row.attempts === 1 && (due < outageWindow.from || due > outageWindow.to)) firstAttemptLateness.push(late);
  } else if (row.status === 'failed' && row.error) failedWithReason++;
  else lost.push(`${row.id} (${row.status})`);
  if (row.status === 'failed') {
    const cause = failureCause(row.error);
    failedBy[cause]++;
    if (cause === 'database' || cause === 'other') failedByOutage.push(`${row.id}: ${row.error}`);
  }
  const workflow = await client.workflow
    .getHandle(row.id)
    .describe()
    .then((d) => d.status.name, () => 'NOT_FOUND');
  if (expected[row.status] !== workflow) disagreements.push(`${row.id}: row ${row.status}, workflow ${workflow}`);
  if (row.status === 'finished' && receipts.length === 0) disagreements.push(`${row.id}: finished but no mail at the sink`);
}
const failedNotices = discord.requests.filter((r) => r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path)).length;
await connection.close();
await db.destroy();
await cleanUp();

const percentiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: pct(50), p99: pct(99), max: sorted.at(-1) ?? 0 };
};
const summary = {
  mode: quick ? 'quick' : 'full',
  temporal: temporalMode === 'server' ? `server ${services.versions.temporalServer}, PostgreSQL, ${services.temporal.historyShards} shards` : 'dev server',
  reservationsMade: N,
  confirmed: confirmed.size,
  unconfirmedWhileBotWasDown: unconfirmed,
  delivered,
  failedWithReason,
  failedBy,
  failedByTheOutage: failedByOutage.length,
  lost: lost.length,
  duplicates,
  duplicatesUnexplained: unexplainedDuplicates.length,
  stillOpen: open,
  rowWorkflowDisagreements: disagreements.length,
  sinkRefusals: '30% of deliveries (4xx)',
  databaseOutageSeconds: OUTAGE_MS / 1000,
  outcomeDMs: failedNotices,
  latenessMs: percentiles(lateness),
  firstAttemptLatenessMs: percentiles(firstAttemptLateness),
  seconds: Math.round((Date.now() - started) / 1000),
};
const ok =
  summary.lost === 0 &&
  unexplainedDuplicates.length === 0 &&
  disagreements.length === 0 &&
  failedByOutage.length === 0 &&
  delivered + failedWithReason === confirmed.size;
if (lost.length) log(`lost: ${lost.slice(0, 10).join(', ')}`);
if (unexplainedDuplicates.length) log(`sent twice with no kill to explain it: ${unexplainedDuplicates.slice(0, 10).join(', ')}`);
if (failedByOutage.length) log(`failed by the outage (or for no reason a fault explains): ${failedByOutage.slice(0, 10).join('; ')}`);
if (disagreements.length) log(`disagreements: ${disagreements.slice(0, 10).join('; ')}`);
// RELIABILITY.md records the dev-server run; a server-mode run prints its summary only.
if (!quick && temporalMode === 'dev') writeReport(summary, faults.map((f) => f.what));
log(ok ? 'the promise held' : 'THE PROMISE WAS BROKEN');
console.log(JSON.stringify(summary));
process.exit(ok ? 0 : 1);

function ms(p: { p50: number; p99: number; max: number }) {
  return [p.p50, p.p99, p.max].map((v) => v.toLocaleString('en')).join(' / ');
}

function writeReport(s: typeof summary, faultList: string[]) {
  const file = path.join(ROOT, 'RELIABILITY.md');
  const body = `# Reliability

Measured by \`npm run chaos\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}.
CI runs \`npm run chaos -- --quick\` (300 reservations) as part of \`npm test\` on the dev server, and as part of
\`npm run test:server\` on the Temporal server on PostgreSQL (\`--temporal=server\`, 4 shards).

${s.reservationsMade.toLocaleString('en')} reservations were made through the Discord bot (the local emulator), due over
${(WINDOW.to - WINDOW.from) / 60_000} minutes. While they fell due:

${faultList.map((f) => `- ${f}`).join('\n')}
- the bot was restarted once while the reservations were being made
- the SMTP sink refused ${s.sinkRefusals}

| | |
|---|---:|
| Reservations confirmed to their requester | ${s.confirmed} |
| Not confirmed (sent while the bot was restarting; no promise made) | ${s.unconfirmedWhileBotWasDown} |
| Delivered | ${s.delivered} |
| Failed after 3 attempts, with the reason on the task and a DM to the requester (an attempt cut short by a kill counts as one) | ${s.failedWithReason} |
| … of which the last attempt was refused by the sink / cut short by a kill | ${s.failedBy.smtp} / ${s.failedBy.kill} |
| **Failed because of the database outage** (or for a reason no fault explains) | **${s.failedByTheOutage}** |
| **Lost** (neither delivered nor failed with a reason) | **${s.lost}** |
| Duplicates by Message-ID (allowed only where a worker kill explains them: the relay took the first copy at most ${DUPLICATE_WINDOW_MS / 1000} s before a kill, or during the outage) | ${s.duplicates} |
| **Duplicates no kill explains** | **${s.duplicatesUnexplained}** |
| Task rows that disagree with their workflow's state | ${s.rowWorkflowDisagreements} |
| Outcome DMs sent (at least one per task; a notice whose worker was killed before it reported back is sent again) | ${s.outcomeDMs} |
| Lateness of all delivered mail, p50 / p99 / max (ms) | ${ms(s.latenessMs)} |
| Lateness of the ${s.firstAttemptLatenessMs.count} delivered by their first attempt and not due during the outage, p50 / p99 / max (ms) | ${ms(s.firstAttemptLatenessMs)} |

Lateness includes the faults on purpose. A worker killed with SIGKILL loses the sends it was
holding (each reservation wakes ${LEAD} early and waits in the worker); Temporal hands them to the
next worker when their heartbeats stop (45 s) plus the first retry interval (5 s). A refused
delivery waits 5 s, then 10 s, before its next attempt. The mails due while PostgreSQL was down
waited for it in their send step (up to ${OUTAGE_MS / 1000} s), without using up an attempt. The
first-attempt row shows the mail that met none of these (a kill can still have slowed the worker
that held it).

How it is checked: every mail at the sink is keyed by its Message-ID, which is derived from the
task id; a task is lost if it has no mail and is not \`failed\` with a reason. A failed task's
reason must be the sink's refusal or a kill: one that names the database (or nothing a fault
explains) fails the run. Each Task row is compared with its workflow's state as Temporal describes
it (finished = COMPLETED, failed = FAILED, canceled = CANCELLED).

## What else is proved, and where

| Promise | Test |
|---|---|
| A crash between inserting a task and starting its workflow does not strand it: a reconciler at worker and bot start, and every \`RECONCILE_INTERVAL\`, starts workflows for rows that have none (workflowId = task id makes it idempotent), or fails them once past \`STALE_SEND_AFTER\` instead of sending hours late; it also repairs open tasks whose workflow was terminated, ended or vanished, and one bad row does not stop a pass | \`test/reconciler.test.ts\` |
| PostgreSQL stopped while mails fall due: every one is delivered once when it is back, without using up an SMTP attempt; stopped after the relay accepted: never sent again, for every mail of a batch; stopped past a task's deadline: the task fails with a reason that names the database | \`test/database-outage.test.ts\`, \`test/send-mail-activity.test.ts\` |
| A start whose answer was lost while the worker was already sending is kept and sent once; one Temporal cannot confirm is left to the reconciler and the user told so; two reschedules whose signals cross, or a signal that timed out after it was delivered, leave the workflow on the row's time; reschedules are capped | \`test/scheduler-faults.test.ts\` |
| A cancel from the Temporal UI while the relay takes the mail: finished if it accepted, failed with the reason if not, never \`running\` forever | \`test/cancel-while-sending.test.ts\` |
| Every workflow change replays the histories recorded by older workflow code | \`test/replay.test.ts\` |
| A workflow whose row is missing fails without sending | \`test/reconciler.test.ts\` |
| Time strings, addresses (CR/LF header injection, lists), template variables (HTML and script stay escaped), over-long fields, unknown and other users' task ids: each ends in a reservation or a precise message, nothing is stored on rejection, nothing crashes (fast-check, over 10,000 generated cases per run) | \`test/properties.test.ts\` |
| A user can never see, cancel, reschedule or click-cancel another user's task, through the Discord emulator | \`test/discord-bot.test.ts\` |
| The bot token, the SMTP password and the DATABASE_URL password never appear in logs or replies of a full run | \`test/secrets.test.ts\` |
| SIGTERM: a send in flight finishes and is recorded, a hold is handed back at once; SIGKILL: the next worker takes the hold when heartbeats stop, and sends once | \`test/graceful-shutdown.test.ts\` |
`;
  fs.writeFileSync(file, body);
}
