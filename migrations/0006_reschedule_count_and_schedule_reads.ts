import { type Kysely, sql } from 'kysely';

// Issue 9 §2: reschedules are counted (a cap keeps every workflow's history bounded), and a row
// whose time changed remembers when, until its workflow has read the new time
// (schedule_changed_at, cleared by that read): the reconciler signals those again.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('reschedule_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('schedule_changed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('tasks_schedule_unread')
    .on('tasks')
    .column('schedule_changed_at')
    .where(sql.ref('schedule_changed_at'), 'is not', null)
    .execute();
  // The reconciler's two looks at open tasks: all of them in turn (by id), and the overdue first.
  await db.schema
    .createIndex('tasks_open_by_id')
    .on('tasks')
    .column('id')
    .where(sql.ref('status'), 'in', sql`('queued', 'reserved', 'running')`)
    .execute();
  await db.schema
    .createIndex('tasks_open_by_due')
    .on('tasks')
    .expression(sql`coalesce(scheduled_at, created_at)`)
    .where(sql.ref('status'), 'in', sql`('queued', 'reserved', 'running')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_open_by_due').ifExists().execute();
  await db.schema.dropIndex('tasks_open_by_id').ifExists().execute();
  await db.schema.dropIndex('tasks_schedule_unread').ifExists().execute();
  await db.schema.alterTable('tasks').dropColumn('schedule_changed_at').dropColumn('reschedule_count').execute();
}
