import { type Kysely, sql } from 'kysely';

// Issue 11, repeating and editable reservations:
// - a series is one row: the mail every run sends, its cadence (SeriesJson), its state, and when
//   its Temporal Schedule was made and removed (the reconciler repairs a crash between the steps);
// - every run is an ordinary task that points to its series (series_id) and remembers the run time
//   it was made for (run_at); its id is derived from both, so a run is never made twice;
// - edits are counted on the row (edit_count), so a send that prepared the mail before an edit
//   renders it again from the row it claims;
// - recipients added to a reservation by an edit count toward the sender's hourly limit, like the
//   recipients of a new mail (recipient_additions).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('series')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('requester_id', 'text', (col) => col.notNull())
    .addColumn('guild_id', 'text')
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('recipient_count', 'integer', (col) => col.notNull().check(sql`recipient_count >= 1`))
    .addColumn('repeat', 'jsonb', (col) => col.notNull())
    .addColumn('first_run_at', 'timestamptz', (col) => col.notNull())
    .addColumn('last_run_at', 'timestamptz', (col) => col.notNull())
    // The next run as far as the runs made so far tell: what listings sort by.
    .addColumn('next_run_at', 'timestamptz')
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status IN ('active', 'paused', 'finished', 'canceled')`))
    .addColumn('paused_at', 'timestamptz')
    .addColumn('resumed_at', 'timestamptz')
    .addColumn('edit_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('canceled_by', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('schedule_created_at', 'timestamptz')
    .addColumn('schedule_removed_at', 'timestamptz')
    .execute();
  // "This user's open series in this server", "every open series of this server", and a history.
  await db.schema
    .createIndex('series_open_by_requester_guild')
    .on('series')
    .columns(['requester_id', 'guild_id', 'next_run_at', 'id'])
    .where(sql.ref('status'), 'in', sql`('active', 'paused')`)
    .execute();
  await db.schema
    .createIndex('series_open_by_guild')
    .on('series')
    .columns(['guild_id', 'next_run_at', 'id'])
    .where(sql.ref('status'), 'in', sql`('active', 'paused')`)
    .execute();
  await db.schema.createIndex('series_by_requester_created').on('series').columns(['requester_id', 'created_at']).execute();

  await db.schema
    .alterTable('tasks')
    .addColumn('series_id', 'uuid', (col) => col.references('series.id'))
    .addColumn('run_at', 'timestamptz')
    .addColumn('edit_count', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('tasks_by_series_run')
    .on('tasks')
    .columns(['series_id', 'run_at'])
    .where(sql.ref('series_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('recipient_additions')
    .addColumn('requester_id', 'text', (col) => col.notNull())
    .addColumn('added_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('recipients', 'integer', (col) => col.notNull().check(sql`recipients >= 1`))
    .execute();
  await db.schema.createIndex('recipient_additions_by_requester').on('recipient_additions').columns(['requester_id', 'added_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('recipient_additions').ifExists().execute();
  await db.schema.dropIndex('tasks_by_series_run').ifExists().execute();
  await db.schema.alterTable('tasks').dropColumn('edit_count').dropColumn('run_at').dropColumn('series_id').execute();
  await db.schema.dropTable('series').ifExists().execute();
}
