// Secrets never appear in logs or replies: a full run of src/main.ts (the Discord bot against the
// emulator, the worker, real PostgreSQL, Temporal and SMTP with passwords), its whole output grepped.
// The passwords are short (a scrubber looking for values would skip them, or match ordinary words)
// and written in the URLs with needless percent-encoding, so that only leaving them out of what is
// logged, as redactUrl() does, keeps every form of them out.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redactUrl, Secrets } from '../src/logger.js';
import { type DiscordEmulator, startDiscordEmulator } from './discord-emulator/emulator.js';
import { type HeraldProcess, startHeraldProcess } from './support/processes.js';
import { useHarness } from './support/use-harness.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-bot-token.abcdefghijklmnop';
const SMTP_PASSWORD = 'smtp-p@ss/w0rd!';
/** "Zq!7", written "%5Aq%217" in the URL. */
const SHORT_SMTP_PASSWORD = 'Zq!7';
const SHORT_SMTP_PASSWORD_IN_URL = '%5Aq%217';
/** "aB%", written "a%42%25" in the URL: a PostgreSQL role's real password. */
const SHORT_DB_PASSWORD = 'aB%';
const SHORT_DB_PASSWORD_IN_URL = 'a%42%25';
const DB_ROLE = `herald_short_${randomUUID().slice(0, 8)}`;
const h = useHarness({ server: 'dev', worker: false });
let discord: DiscordEmulator;
let herald: HeraldProcess | undefined;

beforeAll(async () => {
  discord = await startDiscordEmulator({
    applicationId: '930000000000000001',
    botUser: { id: '930000000000000002', username: 'herald' },
    guilds: [{ id: '930000000000000003', name: 'secrets' }],
    token: TOKEN,
  });
});
afterAll(async () => {
  herald?.child.kill('SIGKILL');
  await discord?.close();
  await sql`DROP ROLE IF EXISTS ${sql.id(DB_ROLE)}`.execute(h.db).catch(() => undefined);
});

it('redactUrl leaves the password out of a URL, and keeps where it points', () => {
  expect(redactUrl(`postgres://herald:${SHORT_DB_PASSWORD_IN_URL}@db.internal:5432/herald?sslmode=require&sslpassword=x1`)).toBe(
    'postgres://herald:[redacted]@db.internal:5432/herald?sslmode=require&sslpassword=[redacted]',
  );
  expect(redactUrl(`smtp://herald:${SHORT_SMTP_PASSWORD_IN_URL}@relay.example.com:587`)).toBe('smtp://herald:[redacted]@relay.example.com:587');
  expect(redactUrl('smtp://127.0.0.1:2525')).toBe('smtp://127.0.0.1:2525');
  expect(redactUrl('//user:pw@not a url')).toBe('//[redacted]@not a url');
  expect(redactUrl('postgres://u:pa/ss@db.internal/herald')).toBe('postgres://[redacted]@db.internal/herald');
});

it('the Secrets scrubber removes every form of a secret from a line', () => {
  const secrets = new Secrets();
  secrets.add(TOKEN);
  secrets.addUrlPassword(`smtp://herald:${encodeURIComponent(SMTP_PASSWORD)}@relay.example.com:587`);
  const line = `{"msg":"x ${TOKEN} smtp://herald:${encodeURIComponent(SMTP_PASSWORD)}@relay ${JSON.stringify(SMTP_PASSWORD)}"}`;
  const scrubbed = secrets.scrub(line);
  expect(scrubbed).not.toContain(TOKEN);
  expect(scrubbed).not.toContain(SMTP_PASSWORD);
  expect(scrubbed).not.toContain(encodeURIComponent(SMTP_PASSWORD));
  expect(scrubbed.match(/\[redacted\]/g)).toHaveLength(3);
});

it('a full run logs neither the bot token, the SMTP password nor the database password in any form, and replies none', async () => {
  // A role of its own with a short password, to connect to the test's database as.
  await sql`CREATE ROLE ${sql.id(DB_ROLE)} LOGIN SUPERUSER PASSWORD ${sql.lit(SHORT_DB_PASSWORD)}`.execute(h.db);
  const databaseUrl = new URL(h.databaseUrl);
  databaseUrl.username = DB_ROLE;
  databaseUrl.password = SHORT_DB_PASSWORD_IN_URL;
  expect(databaseUrl.toString()).toContain(`:${SHORT_DB_PASSWORD_IN_URL}@`);
  const smtpUrl = `smtp://herald:${SHORT_SMTP_PASSWORD_IN_URL}@127.0.0.1:${h.sink.port}`;
  herald = startHeraldProcess('all', {
    DATABASE_URL: databaseUrl.toString(),
    TEMPORAL_ADDRESS: h.env.address,
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    SMTP_URL: smtpUrl,
    SMTP_FROM: 'Herald <herald@example.test>',
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: '930000000000000001',
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_GUILD_ID: '930000000000000003',
    LOG_LEVEL: 'debug',
  });
  await herald.waitForOutput(/Herald is running/);

  const user = { id: '940000000000000001', username: 'sam' };
  const replies: string[] = [];
  const run = async (name: string, options: Record<string, unknown>) => {
    const handle = discord.slashCommand({ name, options: options as never, user });
    replies.push(JSON.stringify(await handle.callback()), JSON.stringify(await handle.waitForFinal()));
  };
  await run('sendmail', { template: 'notice', to: 'x@example.com', vars: 'title=Secret;body=test' });
  await h.sink.waitFor((m) => m.subject === '[Notice] Secret');
  await run('reserve', { template: 'notice', to: 'y@example.com', when: 'tomorrow 9am', vars: 'title=t;body=b', description: 'later' });
  await run('reserve', { template: 'notice', to: 'not-an-address', when: 'tomorrow 9am', vars: 'title=t;body=b', description: 'bad' });
  // An unexpected failure, logged with its error.
  await sql`ALTER TABLE tasks RENAME TO tasks_elsewhere`.execute(h.db);
  await run('reserved', {});
  await sql`ALTER TABLE tasks_elsewhere RENAME TO tasks`.execute(h.db);
  await herald.waitForOutput(/mail sent/);

  herald.child.kill('SIGTERM');
  expect(await herald.exited).toBe(0);
  const output = herald.output();

  // The run did log its servers, its commands and the failure.
  expect(output).toMatch(/using these servers/);
  expect(output).toMatch(/command failed unexpectedly/);
  expect(output).toMatch(/"msg":"mail sent"/);
  expect(replies.join('\n')).toContain('Sorry, something went wrong');
  const forms = (password: string, inUrl: string) => [password, inUrl, inUrl.toLowerCase(), encodeURIComponent(password), JSON.stringify(password).slice(1, -1)];
  for (const secret of [TOKEN, ...forms(SHORT_SMTP_PASSWORD, SHORT_SMTP_PASSWORD_IN_URL), ...forms(SHORT_DB_PASSWORD, SHORT_DB_PASSWORD_IN_URL)]) {
    expect(output).not.toContain(secret);
    expect(replies.join('\n')).not.toContain(secret);
  }
  // The servers are still named, without their passwords.
  expect(output).toContain(`"database":"postgres://${DB_ROLE}:[redacted]@127.0.0.1:`);
  expect(output).toContain(`"smtp":"smtp://herald:[redacted]@127.0.0.1:${h.sink.port}"`);
});
