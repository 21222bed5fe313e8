// Per-user settings: for now, the time zone a user reads and writes times in.
import { sql } from 'kysely';
import type { TimeZoneStore } from '../app/commands.js';
import type { HeraldDb } from './database.js';

export class UserSettingsRepository implements TimeZoneStore {
  constructor(private readonly db: HeraldDb) {}

  async get(userId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('user_settings').select('time_zone').where('user_id', '=', userId).executeTakeFirst();
    return row?.time_zone ?? undefined;
  }

  async set(userId: string, zone: string): Promise<void> {
    await this.db
      .insertInto('user_settings')
      .values({ user_id: userId, time_zone: zone })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ time_zone: zone, updated_at: sql`now()` }))
      .execute();
  }
}
