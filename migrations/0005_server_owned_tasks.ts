import { type Kysely, sql } from 'kysely';

// Issue 9, safe to run as a public bot:
// - who canceled a task (the requester, or an admin of the task's server);
// - a user-safe reason a task failed, beside the raw `error` operators read;
// - how many recipients a task has, which is what the hourly limits count;
// - the recipients everyone asked for, per minute, which the relay-wide hourly budget sums;
// - indexes for the per-server listings.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('canceled_by', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('recipient_count', 'integer', (col) => col.notNull().defaultTo(1).check(sql`recipient_count >= 1`))
    .execute();
  await sql`UPDATE tasks SET recipient_count = greatest(1, jsonb_array_length(payload->'recipients'))`.execute(db);

  // "This user's reservations in this server (or the console's, guild null), soonest first".
  await db.schema
    .createIndex('tasks_reserved_by_requester_guild')
    .on('tasks')
    .columns(['requester_id', 'guild_id', 'scheduled_at', 'id'])
    .where(sql.ref('status'), '=', sql.lit('reserved'))
    .execute();
  await db.schema.dropIndex('tasks_reserved_by_requester').ifExists().execute();

  // "Every open task of this server" for its admins.
  await db.schema
    .createIndex('tasks_open_by_guild')
    .on('tasks')
    .columns(['guild_id', 'scheduled_at', 'id'])
    .where(sql.ref('status'), 'in', sql`('queued', 'reserved')`)
    .execute();

  // The relay-wide budget (MAILS_PER_HOUR_TOTAL): recipients requested per minute. Summing at most
  // sixty rows stays cheap however many tasks the hour had; rows older than an hour are deleted.
  await db.schema
    .createTable('relay_usage')
    .addColumn('minute', 'timestamptz', (col) => col.primaryKey())
    .addColumn('recipients', 'integer', (col) => col.notNull().check(sql`recipients >= 0`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('relay_usage').ifExists().execute();
  await db.schema.dropIndex('tasks_open_by_guild').ifExists().execute();
  await db.schema
    .createIndex('tasks_reserved_by_requester')
    .on('tasks')
    .columns(['requester_id', 'scheduled_at', 'id'])
    .where(sql.ref('status'), '=', sql.lit('reserved'))
    .execute();
  await db.schema.dropIndex('tasks_reserved_by_requester_guild').ifExists().execute();
  await db.schema.alterTable('tasks').dropColumn('recipient_count').dropColumn('failure_reason').dropColumn('canceled_by').execute();
}
