import { type Kysely, sql } from 'kysely';

// Issue 14: /reserve answers once its row is committed, and a starter in the worker starts the
// workflows. A row whose workflow_started_at is null is the outbox entry (inserted in the same
// statement as the task, so the two can never disagree); start_claimed_at is a starter's lease on
// it, so several starters (one per worker process) never start the same rows at once.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('start_claimed_at', 'timestamptz').execute();
  // The starter takes the oldest wake time first.
  await db.schema
    .createIndex('tasks_outbox')
    .on('tasks')
    .expression(sql`coalesce(scheduled_at, created_at)`)
    .where(sql.ref('workflow_started_at'), 'is', null)
    .execute();
  // Staged wake-ups: how many reservations' workflows are set to wake in each second, so the
  // starter can keep every second within WAKE_BUDGET. Past seconds are deleted as it goes.
  await db.schema
    .createTable('wake_slots')
    .addColumn('second', 'timestamptz', (col) => col.primaryKey())
    .addColumn('wakes', 'integer', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('wake_slots').ifExists().execute();
  await db.schema.dropIndex('tasks_outbox').ifExists().execute();
  await db.schema.alterTable('tasks').dropColumn('start_claimed_at').execute();
}
