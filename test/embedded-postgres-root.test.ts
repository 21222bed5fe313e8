// Embedded PostgreSQL as root with its data folder in a private folder (src/infra/postgres-user.ts):
// the cluster lives where user postgres can reach it, the data folder links there, the log says
// where, deleting the data folder starts afresh, and a cluster that cannot be reached is refused
// at once with what to do. Real PostgreSQL throughout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { checkoutPostgresHome } from '../src/infra/postgres-user.js';
import { createLogger } from '../src/logger.js';
import { freePort } from './support/ports.js';

const isRoot = process.getuid?.() === 0;

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

describe.skipIf(!isRoot)('embedded PostgreSQL as root, data in a private folder', () => {
  let base: string;
  const clusters = new Set<string>();
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (chunk: Buffer) => (logText += chunk.toString('utf8')));
  const logger = createLogger({ level: 'info', destination: logs });

  const start = async (dataDir: string) => {
    const running = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'herald', logger });
    clusters.add(running.clusterDir);
    return running;
  };

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-private-data-')); // 0700
  });
  afterAll(() => {
    for (const cluster of clusters) fs.rmSync(cluster, { recursive: true, force: true });
    if (base) fs.rmSync(base, { recursive: true, force: true });
    const home = checkoutPostgresHome();
    if (fs.existsSync(home) && fs.readdirSync(home).every((entry) => entry === 'README')) fs.rmSync(home, { recursive: true, force: true });
  });

  it('keeps the cluster where user postgres can reach it, links the data folder there, and starts afresh once the folder is deleted', async () => {
    const dataDir = path.join(base, 'data', 'postgres');
    const first = await start(dataDir);
    try {
      expect(fs.lstatSync(dataDir).isSymbolicLink()).toBe(true);
      expect(fs.readlinkSync(dataDir)).toBe(first.clusterDir);
      expect(path.dirname(first.clusterDir)).toBe(checkoutPostgresHome());
      expect(logText).toContain(`the embedded PostgreSQL cluster lives in ${first.clusterDir}; ${dataDir} links to it`);
      await query(first.url, 'CREATE TABLE kept (x int)');
    } finally {
      await first.stop();
    }

    const second = await start(dataDir);
    try {
      expect(second.clusterDir).toBe(first.clusterDir);
      expect((await query(second.url, "SELECT to_regclass('kept') AS t")).rows[0].t).toBe('kept');
    } finally {
      await second.stop();
    }

    fs.rmSync(path.join(base, 'data'), { recursive: true }); // the user resets .data
    const third = await start(dataDir);
    try {
      expect(third.clusterDir).toBe(first.clusterDir);
      expect((await query(third.url, "SELECT to_regclass('kept') AS t")).rows[0].t).toBeNull();
      expect(logText).toContain(`removed the PostgreSQL cluster left in ${first.clusterDir} by a data folder that was deleted`);
    } finally {
      await third.stop();
    }
    expect(fs.statSync(base).mode & 0o777).toBe(0o700);
  }, 120_000);

  it('refuses at once, saying what to do, a cluster that user postgres cannot reach', async () => {
    const dataDir = path.join(base, 'old', 'postgres');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'PG_VERSION'), '18\n');
    const started = Date.now();
    const error = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'herald', logger }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(new RegExp(`user postgres, which cannot reach the PostgreSQL cluster in ${dataDir}: it cannot enter ${base} \\(mode 0700, owner root\\)`));
    expect(error?.message).toMatch(/DATABASE_URL/);
    expect(error?.message).toContain(`mv ${dataDir} <folder> && ln -s <folder> ${dataDir}`);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Nothing was changed to get there.
    expect(fs.lstatSync(dataDir).isDirectory()).toBe(true);
    expect(fs.statSync(base).mode & 0o777).toBe(0o700);
  });
});
