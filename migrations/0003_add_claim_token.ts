import type { Kysely } from 'kysely';

// Which send attempt chain claimed a running task, so only that chain's retries may claim it again.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('claim_token', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').dropColumn('claim_token').execute();
}
