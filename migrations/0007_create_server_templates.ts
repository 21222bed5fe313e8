import { type Kysely, sql } from 'kysely';

// Server templates (issue 12). A template row per (server, name) holds where the template is now;
// versions are never changed or removed, so a reserved task renders the version it was made with
// even after edits and a delete. The version rows are also the audit trail: who created, edited
// or deleted what, and when.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('server_templates')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('guild_id', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('current_version', 'integer', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_by', 'text')
    .addColumn('deleted_at', 'timestamptz')
    // Unique for good, not only among live templates: (server, name, version) never means two things.
    .addUniqueConstraint('server_templates_guild_name', ['guild_id', 'name'])
    .addCheckConstraint('server_templates_deleted_by_and_at', sql`(deleted_by IS NULL) = (deleted_at IS NULL)`)
    .execute();

  await db.schema
    .createTable('server_template_versions')
    .addColumn('template_id', 'uuid', (col) => col.notNull().references('server_templates.id'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull().check(sql`action IN ('create', 'edit', 'delete')`))
    .addColumn('language', 'text')
    .addColumn('actor_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('server_template_versions_pk', ['template_id', 'version'])
    .addCheckConstraint('server_template_versions_language', sql`(action = 'delete') = (language IS NULL)`)
    .execute();

  await db.schema
    .createTable('server_template_contents')
    .addColumn('template_id', 'uuid', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('language', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('text_body', 'text', (col) => col.notNull())
    .addColumn('html_body', 'text')
    .addColumn('variables', sql`text[]`, (col) => col.notNull())
    .addColumn('optional_variables', sql`text[]`, (col) => col.notNull())
    .addPrimaryKeyConstraint('server_template_contents_pk', ['template_id', 'version', 'language'])
    .addForeignKeyConstraint('server_template_contents_version', ['template_id', 'version'], 'server_template_versions', [
      'template_id',
      'version',
    ])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('server_template_contents').execute();
  await db.schema.dropTable('server_template_versions').execute();
  await db.schema.dropTable('server_templates').execute();
}
