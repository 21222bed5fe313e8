// `TEMPORAL_MODE=server npm run dev`: the product on embedded PostgreSQL with the Temporal server
// built from Go on it (its own temporal and temporal_visibility databases), the SMTP sink and the
// worker. A reservation made there survives a restart of the whole product and is sent once; a
// changed shard count is refused with a message that says why.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, inject, it } from 'vitest';
import { freePort, freeServerFrontendPort } from '../support/ports.js';
import { startProduct } from '../support/product.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-dev-server-'));
fs.chmodSync(dataDir, 0o755);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// The service's clock runs 20 s behind: a reservation one minute ahead by the rules is due 40 s from
// now, and with a 30 s prepare lead its workflow sleeps on a server timer for the first 10 s.
const clock = () => new Date(Date.now() - 20_000);

/** Mail files in the sink's folder (kept across restarts) with this Message-ID. */
function mailsWithMessageId(messageId: string): number {
  const dir = path.join(dataDir, 'mail');
  return fs.readdirSync(dir).filter((file) => fs.readFileSync(path.join(dir, file), 'utf8').includes(`Message-ID: ${messageId}`)).length;
}

it('runs on the Temporal server on PostgreSQL and keeps a reservation across a restart', { timeout: 240_000 }, async () => {
  const env = {
    HERALD_DATA_DIR: dataDir,
    TEMPORAL_MODE: 'server',
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freeServerFrontendPort()),
    SMTP_SINK_PORT: String(await freePort()),
    TEMPORAL_CLI_PATH: inject('temporalCli'),
    MAIL_PREPARE_LEAD: '30s',
  };
  let product = await startProduct(env, { clock });
  let reservedId: string;
  try {
    const cluster = await product.herald.temporal.workflowService.getClusterInfo({});
    expect(cluster.historyShardCount).toBe(4);
    expect(cluster.persistenceStore).toMatch(/postgres/);
    expect(product.infrastructure.temporalAddress).toBe(`127.0.0.1:${env.TEMPORAL_DEV_PORT}`);
    // Temporal's own databases, next to Herald's on the embedded PostgreSQL.
    const admin = new pg.Client({ connectionString: product.infrastructure.databaseUrl });
    await admin.connect();
    const databases = (await admin.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname);
    await admin.end();
    expect(databases).toEqual(expect.arrayContaining(['herald', 'temporal', 'temporal_visibility']));

    expect(await product.type('send notice ops@example.com title=Hello "body=Hi there"')).toMatch(/Mail queued for sending/);
    const mail = await product.infrastructure.smtpSink!.waitFor((m) => m.subject === '[Notice] Hello');
    expect(mail.text).toContain('Hi there');

    const reserved = await product.type('reserve welcome kim@example.com "in 1 minute" name=Kim community=Herald -d "welcome kim"');
    expect(reserved).toMatch(/Mail reserved/);
    reservedId = /Task: ([0-9a-f-]{36})/.exec(reserved)![1]!;
  } finally {
    await product.stop();
  }
  expect(mailsWithMessageId(`<${reservedId}@localhost>`)).toBe(0);

  product = await startProduct(env, { clock });
  try {
    expect(await product.type('list')).toContain(reservedId);
    const handle = product.herald.temporal.workflow.getHandle(reservedId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await handle.result()).toMatchObject({ kind: 'sent' });
    await new Promise((r) => setTimeout(r, 2_000)); // room for a duplicate to show up
    expect(mailsWithMessageId(`<${reservedId}@localhost>`)).toBe(1);
  } finally {
    await product.stop();
  }

  // The cluster was created with 4 shards; asking for 2 later cannot work, and says so.
  const refused = await startProduct({ ...env, TEMPORAL_HISTORY_SHARDS: '2' }, { clock }).then(
    async (p) => {
      await p.stop();
      return undefined;
    },
    (err: unknown) => err as Error,
  );
  expect(refused?.message).toMatch(/created with 4 history shards.*TEMPORAL_HISTORY_SHARDS=2 cannot apply.*Set TEMPORAL_HISTORY_SHARDS=4/s);
});
