import { type Kysely, sql } from 'kysely';

// When the task's workflow was known to be started. Rows without it are what the reconciler
// looks at (a crash between inserting the row and starting its workflow).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('workflow_started_at', 'timestamptz').execute();
  // Rows from before this column existed were started when they were made.
  await sql`UPDATE tasks SET workflow_started_at = created_at`.execute(db);
  await db.schema
    .createIndex('tasks_without_workflow')
    .on('tasks')
    .column('created_at')
    .where(sql.ref('workflow_started_at'), 'is', null)
    .execute();
  // The reconciler finds its rows by the index above instead of scanning every open task.
  await db.schema.dropIndex('tasks_open_by_created').ifExists().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').dropColumn('workflow_started_at').execute();
}
