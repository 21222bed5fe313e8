// The kysely instance over a node-postgres pool, and the migrator for migrations/.
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrations } from '../../migrations/index.js';
import type { Database } from './schema.js';

// Timestamps come back as Date (the default); bigint counts as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type HeraldDb = Kysely<Database>;

export function createDb(connectionString: string, options: { poolMax?: number } = {}): HeraldDb {
  const pool = new pg.Pool({ connectionString, max: options.poolMax ?? 10 });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor a checked-out one: pg emits 'error' on it as well as failing its query, and an 'error'
  // without a listener would end the process. The pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Brings the schema to the latest migration. Throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Numbers are handed out to branches in advance and merged in any order, so a database may
    // have a later one already (0007 before 0005 and 0006); each touches its own columns.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error).message ?? error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
