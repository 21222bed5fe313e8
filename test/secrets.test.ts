// Secrets never appear in logs or replies: a full run of src/main.ts (the Discord bot against the
// emulator, the worker, real PostgreSQL, Temporal and SMTP with a password), its whole output grepped.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Secrets } from '../src/logger.js';
import { type DiscordEmulator, startDiscordEmulator } from './discord-emulator/emulator.js';
import { type HeraldProcess, startHeraldProcess } from './support/processes.js';
import { useHarness } from './support/use-harness.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-bot-token.abcdefghijklmnop';
const SMTP_PASSWORD = 'smtp-p@ss/w0rd!';
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

it('a full run logs neither the bot token, the SMTP password nor the database password, and replies none', async () => {
  const databasePassword = decodeURIComponent(new URL(h.databaseUrl).password);
  expect(databasePassword.length).toBeGreaterThan(10);
  const smtpUrl = `smtp://herald:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${h.sink.port}`;
  herald = startHeraldProcess('all', {
    DATABASE_URL: h.databaseUrl,
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

  // The run did log its servers (with the passwords scrubbed), its commands and the failure.
  expect(output).toMatch(/using these servers/);
  expect(output).toContain('[redacted]');
  expect(output).toMatch(/command failed unexpectedly/);
  expect(output).toMatch(/"msg":"mail sent"/);
  expect(replies.join('\n')).toContain('Sorry, something went wrong');
  for (const secret of [TOKEN, SMTP_PASSWORD, encodeURIComponent(SMTP_PASSWORD), databasePassword, encodeURIComponent(databasePassword)]) {
    expect(output).not.toContain(secret);
    expect(replies.join('\n')).not.toContain(secret);
  }
});
