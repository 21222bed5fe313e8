// Embedded PostgreSQL left running by a Herald that was killed (SIGKILL skips every stop): the next
// start takes it over, on the port it is given now. Real PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { runningPostmaster } from '../src/infra/postmaster.js';
import { createLogger } from '../src/logger.js';
import { freePort } from './support/ports.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-pg-left-'));
fs.chmodSync(dir, 0o755); // as root, user postgres must reach the cluster
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('takes over a server left running by a killed Herald, on the port given now', async () => {
  const logger = createLogger({ level: 'silent' });
  const dataDir = path.join(dir, 'postgres');
  const first = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'herald', logger });
  const left = runningPostmaster(first.clusterDir);
  expect(left).toBeGreaterThan(0);
  // No stop: the Herald that started it was killed.

  const port = await freePort();
  const second = await startEmbeddedPostgres({ dataDir, port, database: 'herald', logger });
  try {
    expect(new URL(second.url).port).toBe(String(port));
    const client = new pg.Client({ connectionString: second.url });
    await client.connect();
    expect((await client.query('SELECT current_database() AS db')).rows[0].db).toBe('herald');
    await client.end();
  } finally {
    await second.stop();
  }
  expect(runningPostmaster(first.clusterDir)).toBeUndefined();
});
