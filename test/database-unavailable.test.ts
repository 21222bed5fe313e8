// Which errors mean "PostgreSQL is away, wait for it" (src/db/unavailable.ts), checked on errors the
// real driver raises against the real server: refused connections, a connection cut mid-query, a
// server shutting down, and, on the other side, statements that are simply wrong.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type HeraldDb } from '../src/db/database.js';
import { DatabaseUnavailableError, DatabaseWaitStopped, isDatabaseUnavailable, retryWhileUnavailable } from '../src/db/unavailable.js';
import { createTestDatabase } from './support/harness.js';
import { freePort } from './support/ports.js';
import { TcpProxy } from './support/tcp-proxy.js';

let database: { url: string; db: HeraldDb; drop(): Promise<void> };
let relay: TcpProxy;
let viaRelay: HeraldDb;

beforeAll(async () => {
  database = await createTestDatabase();
  relay = await TcpProxy.before(database.url);
  viaRelay = createDb(relay.urlFor(database.url), { poolMax: 2 });
});
afterAll(async () => {
  await relay?.resume();
  await viaRelay?.destroy();
  await relay?.stop();
  await database?.drop();
});

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err);

describe('isDatabaseUnavailable, on real errors', () => {
  it('is true when nothing listens where the database should be', async () => {
    const url = new URL(database.url);
    url.port = String(await freePort());
    const nowhere = createDb(url.toString(), { poolMax: 1 });
    try {
      const err = await errorOf(sql`select 1`.execute(nowhere));
      expect(err).toBeDefined();
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await nowhere.destroy();
    }
  });

  it('is true when the connection is cut in the middle of a query', async () => {
    const slow = errorOf(sql`select pg_sleep(5)`.execute(viaRelay));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await relay.stop();
    const err = await slow;
    await relay.resume();
    expect(String(err)).toMatch(/Connection terminated|ECONNRESET/);
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('is true when the server ends the session (as a shutdown does)', async () => {
    const victim = createDb(database.url, { poolMax: 1 });
    try {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(victim)).rows[0]!.pid;
      const slow = errorOf(sql`select pg_sleep(5)`.execute(victim));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`select pg_terminate_backend(${pid})`.execute(database.db);
      const err = await slow;
      expect(isDatabaseUnavailable(err)).toBe(true); // 57P01 admin_shutdown, or the cut connection
    } finally {
      await victim.destroy();
    }
  });

  it('is false for a statement that is wrong, whatever the database does', async () => {
    const syntax = await errorOf(sql`selec 1`.execute(database.db));
    const missing = await errorOf(sql`select * from no_such_table`.execute(database.db));
    const badUuid = await errorOf(database.db.selectFrom('tasks').selectAll().where('id', '=', 'not-a-uuid').execute());
    for (const err of [syntax, missing, badUuid]) {
      expect(err).toBeDefined();
      expect(isDatabaseUnavailable(err)).toBe(false);
    }
    expect(isDatabaseUnavailable(new Error('template "x" is missing'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('retryWhileUnavailable', () => {
  it('waits for the database to come back, and gives up at its deadline', async () => {
    await relay.stop();
    setTimeout(() => void relay.resume(), 1_000);
    const rows = await retryWhileUnavailable(() => sql<{ one: number }>`select 1 as one`.execute(viaRelay), { giveUpAt: Date.now() + 10_000 });
    expect(rows.rows).toEqual([{ one: 1 }]);

    await relay.stop();
    try {
      const err = await errorOf(retryWhileUnavailable(() => sql`select 1`.execute(viaRelay), { giveUpAt: Date.now() + 700 }));
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 300);
      const stopped = await errorOf(retryWhileUnavailable(() => sql`select 1`.execute(viaRelay), { giveUpAt: Date.now() + 60_000, stops: [stop.signal] }));
      expect(stopped).toBeInstanceOf(DatabaseWaitStopped);
    } finally {
      await relay.resume();
    }
  });

  it('throws any other error at once, without waiting', async () => {
    const started = Date.now();
    const err = await errorOf(retryWhileUnavailable(() => sql`selec 1`.execute(database.db), { giveUpAt: Date.now() + 60_000 }));
    expect(String(err)).toMatch(/syntax error/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
