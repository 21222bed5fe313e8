import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createType('task_status')
    .asEnum(['queued', 'reserved', 'running', 'finished', 'failed', 'canceled'])
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('requester_id', 'text', (col) => col.notNull())
    .addColumn('guild_id', 'text')
    .addColumn('status', sql`task_status`, (col) => col.notNull())
    .addColumn('scheduled_at', 'timestamptz')
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addCheckConstraint('tasks_reserved_has_time', sql`status <> 'reserved' OR scheduled_at IS NOT NULL`)
    .execute();

  // "This user's reserved tasks, soonest first, limit N": an index-only range scan at any table size.
  await db.schema
    .createIndex('tasks_reserved_by_requester')
    .on('tasks')
    .columns(['requester_id', 'scheduled_at', 'id'])
    .where(sql.ref('status'), '=', sql.lit('reserved'))
    .execute();

  // Per-user rate limit and history: "this user's tasks created since T".
  await db.schema.createIndex('tasks_by_requester_created').on('tasks').columns(['requester_id', 'created_at']).execute();

  // The reconciler's scan for open tasks; stays small because finished rows drop out of it.
  await db.schema
    .createIndex('tasks_open_by_created')
    .on('tasks')
    .column('created_at')
    .where(sql.ref('status'), 'in', sql`('queued', 'reserved', 'running')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tasks').execute();
  await db.schema.dropType('task_status').execute();
}
