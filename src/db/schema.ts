// Table types for kysely, kept beside the db module as kysely recommends.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { TaskStatus } from '../domain/task-status.js';
import type { Locale } from '../i18n/locale.js';

export interface TaskPayload {
  recipients: string[];
  template: string;
  variables: Record<string, string>;
  language: Locale;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface TasksTable {
  id: string;
  name: string;
  description: string;
  requester_id: string;
  guild_id: string | null;
  status: TaskStatus;
  scheduled_at: Timestamp | null;
  payload: ColumnType<TaskPayload, string, string>;
  attempts: Generated<number>;
  error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** The send attempt chain (workflow run and activity) that claimed the task. */
  claim_token: Generated<string | null>;
  /** Set once the task's workflow is known to exist; null rows are the reconciler's to start. */
  workflow_started_at: Generated<Date | null>;
}

export interface UserSettingsTable {
  user_id: string;
  /** IANA zone the user reads and writes times in; null for the configured default. */
  time_zone: string | null;
  updated_at: Generated<Date>;
}

export interface Database {
  tasks: TasksTable;
  user_settings: UserSettingsTable;
}

export type TaskRow = Selectable<TasksTable>;
export type NewTaskRow = Insertable<TasksTable>;
