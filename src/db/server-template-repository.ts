// Server templates (issue 12). Every change is one transaction that moves the template row to a
// new version and inserts that version's rows; version and content rows are never updated or
// deleted, so any version a task refers to stays renderable, and the version rows are the audit
// trail. Nothing here checks template sources: that is mail/user-templates.ts's job.
import { sql, type Transaction } from 'kysely';
import type { Locale } from '../i18n/locale.js';
import type { HeraldDb } from './database.js';
import type {
  Database,
  ServerTemplateAction,
  ServerTemplateContentRow,
  ServerTemplateRow,
  ServerTemplateVersionRow,
} from './schema.js';

/**
 * When a change happened: the clock when its statement runs, not the transaction's start. A change
 * waiting on another's row lock then gets a later time than the change it waited for, so the
 * audit trail's times follow its versions.
 */
const changedAt = sql<Date>`clock_timestamp()`;

/** One language of a version, as the caller checked it. */
export type NewTemplateContent = Omit<ServerTemplateContentRow, 'template_id' | 'version'>;

/** A template as it is at one version: the row and every language that version has. */
export interface StoredTemplate {
  template: ServerTemplateRow;
  version: number;
  contents: ServerTemplateContentRow[];
}

export type CreateTemplateResult =
  | { kind: 'created'; stored: StoredTemplate }
  /** A live template of that name exists on the server. */
  | { kind: 'taken' }
  /** The server has `max` live templates already. */
  | { kind: 'full' };

export type ChangeTemplateResult<T> = { kind: 'done'; result: T } | { kind: 'missing' };

export class ServerTemplateRepository {
  constructor(private readonly db: HeraldDb) {}

  /**
   * Creates `name` on the server with one language. A name whose template was deleted comes
   * back as the next version of the same row (its old versions stay renderable by old tasks).
   */
  async create(input: {
    guildId: string;
    name: string;
    actorId: string;
    content: NewTemplateContent;
    maxPerServer: number;
  }): Promise<CreateTemplateResult> {
    return this.db.transaction().execute(async (trx) => {
      // Serializes creates on one server, so the count below cannot be raced past the limit.
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`herald:server-templates:${input.guildId}`}, 0))`.execute(trx);
      const { count } = await trx
        .selectFrom('server_templates')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('guild_id', '=', input.guildId)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(count) >= input.maxPerServer) return { kind: 'full' };
      const template = await trx
        .insertInto('server_templates')
        .values({
          guild_id: input.guildId,
          name: input.name,
          current_version: 1,
          created_by: input.actorId,
          created_at: changedAt,
          updated_by: input.actorId,
          updated_at: changedAt,
        })
        .onConflict((oc) =>
          oc
            .columns(['guild_id', 'name'])
            .doUpdateSet({
              current_version: sql`server_templates.current_version + 1`,
              created_by: input.actorId,
              created_at: changedAt,
              updated_by: input.actorId,
              updated_at: changedAt,
              deleted_by: null,
              deleted_at: null,
            })
            .where('server_templates.deleted_at', 'is not', null),
        )
        .returningAll()
        .executeTakeFirst();
      if (!template) return { kind: 'taken' };
      await recordVersion(trx, template, 'create', input.content.language, input.actorId);
      const content = await trx
        .insertInto('server_template_contents')
        .values({ ...input.content, template_id: template.id, version: template.current_version })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { kind: 'created', stored: { template, version: template.current_version, contents: [content] } };
    });
  }

  /**
   * Writes a new version of a live template in which `content.language` is replaced (or added);
   * the other languages are carried over unchanged.
   */
  async edit(input: {
    guildId: string;
    name: string;
    actorId: string;
    content: NewTemplateContent;
  }): Promise<ChangeTemplateResult<StoredTemplate>> {
    return this.db.transaction().execute(async (trx) => {
      // The row lock taken here orders concurrent edits: each builds on the one before.
      const template = await nextVersion(trx, input, { deletes: false });
      if (!template) return { kind: 'missing' };
      const version = template.current_version;
      await recordVersion(trx, template, 'edit', input.content.language, input.actorId);
      await trx
        .insertInto('server_template_contents')
        .columns(['template_id', 'version', 'language', 'subject', 'text_body', 'html_body', 'variables', 'optional_variables'])
        .expression((eb) =>
          eb
            .selectFrom('server_template_contents')
            .select([
              'template_id',
              sql.lit(version).as('version'),
              'language',
              'subject',
              'text_body',
              'html_body',
              'variables',
              'optional_variables',
            ])
            .where('template_id', '=', template.id)
            .where('version', '=', version - 1)
            .where('language', '<>', input.content.language),
        )
        .execute();
      await trx
        .insertInto('server_template_contents')
        .values({ ...input.content, template_id: template.id, version })
        .execute();
      const contents = await trx
        .selectFrom('server_template_contents')
        .selectAll()
        .where('template_id', '=', template.id)
        .where('version', '=', version)
        .orderBy('language')
        .execute();
      return { kind: 'done', result: { template, version, contents } };
    });
  }

  /** Marks a live template deleted, as a version of its own; every older version stays. */
  async softDelete(input: { guildId: string; name: string; actorId: string }): Promise<ChangeTemplateResult<ServerTemplateRow>> {
    return this.db.transaction().execute(async (trx) => {
      const template = await nextVersion(trx, input, { deletes: true });
      if (!template) return { kind: 'missing' };
      await recordVersion(trx, template, 'delete', null, input.actorId);
      return { kind: 'done', result: template };
    });
  }

  /** A live template at its current version. */
  async findLive(guildId: string, name: string): Promise<StoredTemplate | undefined> {
    const [found] = await this.live(guildId, name);
    return found;
  }

  /** The server's live templates at their current versions, by name. */
  async listLive(guildId: string): Promise<StoredTemplate[]> {
    return this.live(guildId);
  }

  /**
   * Every language of one version of the server's template `name`, whether or not the template
   * has been deleted since. Empty if the server has no such version.
   */
  async findVersion(guildId: string, name: string, version: number): Promise<ServerTemplateContentRow[]> {
    return this.db
      .selectFrom('server_template_contents as c')
      .innerJoin('server_templates as t', 't.id', 'c.template_id')
      .selectAll('c')
      .where('t.guild_id', '=', guildId)
      .where('t.name', '=', name)
      .where('c.version', '=', version)
      .orderBy('c.language')
      .execute();
  }

  /** Every change to the server's template `name` (including before a delete), oldest first. */
  async history(guildId: string, name: string): Promise<ServerTemplateVersionRow[]> {
    return this.db
      .selectFrom('server_template_versions as v')
      .innerJoin('server_templates as t', 't.id', 'v.template_id')
      .selectAll('v')
      .where('t.guild_id', '=', guildId)
      .where('t.name', '=', name)
      .orderBy('v.version')
      .execute();
  }

  private async live(guildId: string, name?: string): Promise<StoredTemplate[]> {
    let query = this.db.selectFrom('server_templates').selectAll().where('guild_id', '=', guildId).where('deleted_at', 'is', null);
    if (name !== undefined) query = query.where('name', '=', name);
    const templates = await query.orderBy('name').execute();
    if (templates.length === 0) return [];
    const contents = await this.db
      .selectFrom('server_template_contents as c')
      .innerJoin('server_templates as t', (join) =>
        join.onRef('t.id', '=', 'c.template_id').onRef('t.current_version', '=', 'c.version'),
      )
      .selectAll('c')
      .where('c.template_id', 'in', templates.map((t) => t.id))
      .orderBy('c.language')
      .execute();
    return templates.map((template) => ({
      template,
      version: template.current_version,
      contents: contents.filter((c) => c.template_id === template.id),
    }));
  }
}

/** Moves a live template to its next version (locking its row); undefined if there is none. */
function nextVersion(
  trx: Transaction<Database>,
  input: { guildId: string; name: string; actorId: string },
  { deletes }: { deletes: boolean },
): Promise<ServerTemplateRow | undefined> {
  return trx
    .updateTable('server_templates')
    .set({
      current_version: sql`current_version + 1`,
      updated_by: input.actorId,
      updated_at: changedAt,
      ...(deletes && { deleted_by: input.actorId, deleted_at: changedAt }),
    })
    .where('guild_id', '=', input.guildId)
    .where('name', '=', input.name)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** The version row of the change that moved `template` to its current version: the audit entry. */
async function recordVersion(
  trx: Transaction<Database>,
  template: ServerTemplateRow,
  action: ServerTemplateAction,
  language: Locale | null,
  actorId: string,
): Promise<void> {
  await trx
    .insertInto('server_template_versions')
    .values({ template_id: template.id, version: template.current_version, action, language, actor_id: actorId, created_at: changedAt })
    .execute();
}
