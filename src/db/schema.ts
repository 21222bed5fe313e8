// Table types for kysely, kept beside the db module as kysely recommends.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { FailureReason } from '../domain/failure-reason.js';
import type { SeriesJson } from '../domain/repeat/index.js';
import type { SeriesStatus, TaskStatus } from '../domain/task-status.js';
import type { Locale } from '../i18n/locale.js';
import type { TemplateRef } from '../mail/template-resolver.js';

export interface TaskPayload {
  recipients: string[];
  /** The template's name, as the requester gave it. */
  template: string;
  variables: Record<string, string>;
  language: Locale;
  /**
   * Exactly which template renders the mail: a built-in one, or a server template at the version
   * the task was made with (issue 12). Rows from before it existed name a built-in template.
   */
  templateRef?: TemplateRef;
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
  /** Set once the task's workflow is known to exist; null rows are the outbox (the starter's, then the reconciler's, to start). */
  workflow_started_at: Generated<Date | null>;
  /** When a starter last took the row to start its workflow (a lease; migration 0009). */
  start_claimed_at: Generated<Date | null>;
  /** Who canceled the task: its requester, or an admin of its server; null if not canceled by a user. */
  canceled_by: Generated<string | null>;
  /** Why the task failed, in words safe to show users (FailureReason); the raw detail is in `error`. */
  failure_reason: Generated<FailureReason | null>;
  /** Recipients of the mail: what the hourly limits count. */
  recipient_count: Generated<number>;
  /** How often the requester moved it (capped by MAX_RESCHEDULES). */
  reschedule_count: Generated<number>;
  /** When `scheduled_at` last changed, until the task's workflow has read it; then null. */
  schedule_changed_at: Generated<Date | null>;
  /** A run of a series (issue 11): the series it belongs to, and the run time it was made for. */
  series_id: Generated<string | null>;
  run_at: Timestamp | null;
  /** How often its mail was edited; a send prepared before the last edit renders it again. */
  edit_count: Generated<number>;
}

/** A repeating reservation (issue 11): one row, which every run (a task) points to. */
export interface SeriesTable {
  id: string;
  requester_id: string;
  guild_id: string | null;
  name: string;
  description: string;
  /** The mail every run sends (from the next run on, after an edit). */
  payload: ColumnType<TaskPayload, string, string>;
  recipient_count: number;
  /** What defines the cadence and its end (seriesToJson). */
  repeat: ColumnType<SeriesJson, string, string>;
  first_run_at: Timestamp;
  last_run_at: Timestamp;
  /** The next run as the runs made so far tell it; listings sort by it. */
  next_run_at: Timestamp | null;
  status: SeriesStatus;
  paused_at: Timestamp | null;
  /** Runs due before this were missed while paused: they are never sent. */
  resumed_at: Timestamp | null;
  edit_count: Generated<number>;
  canceled_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Timestamp | null;
  /** Set once its Temporal Schedule is known to exist; null rows are the reconciler's to make. */
  schedule_created_at: Timestamp | null;
  /** Set once its Schedule is known to be gone (after a cancel, or its end). */
  schedule_removed_at: Timestamp | null;
}

/** Recipients an edit added to a reservation, which count toward the hourly limit like a new mail's. */
export interface RecipientAdditionsTable {
  requester_id: string;
  added_at: Generated<Date>;
  recipients: number;
}

export interface UserSettingsTable {
  user_id: string;
  /** IANA zone the user reads and writes times in; null for the configured default. */
  time_zone: string | null;
  updated_at: Generated<Date>;
}

/** One per (server, name), kept after a delete so that a name's versions never repeat. */
export interface ServerTemplatesTable {
  id: Generated<string>;
  guild_id: string;
  name: string;
  /** The newest version; a delete is a version too. */
  current_version: number;
  created_by: string;
  created_at: Generated<Date>;
  updated_by: string;
  updated_at: Generated<Date>;
  /** Set while the template is deleted; a later create with the same name clears them. */
  deleted_by: string | null;
  deleted_at: Timestamp | null;
}

export type ServerTemplateAction = 'create' | 'edit' | 'delete';

/** Every change to a server template, never updated: its versions and its audit trail. */
export interface ServerTemplateVersionsTable {
  template_id: string;
  version: number;
  action: ServerTemplateAction;
  /** The language created or edited; null for a delete. */
  language: Locale | null;
  actor_id: string;
  created_at: Generated<Date>;
}

/** The sources of every language a version has (an edit copies the languages it did not touch). */
export interface ServerTemplateContentsTable {
  template_id: string;
  version: number;
  language: Locale;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** Every variable the sources read, sorted. */
  variables: string[];
  /** The variables that may be left out. */
  optional_variables: string[];
}

/** Recipients requested in each minute, by everyone: what MAILS_PER_HOUR_TOTAL counts. */
export interface RelayUsageTable {
  minute: Timestamp;
  recipients: number;
}

/** Reservations' workflows set to wake in each second (staged wake-ups, WAKE_BUDGET). */
export interface WakeSlotsTable {
  second: Timestamp;
  wakes: number;
}

export interface Database {
  tasks: TasksTable;
  wake_slots: WakeSlotsTable;
  relay_usage: RelayUsageTable;
  user_settings: UserSettingsTable;
  server_templates: ServerTemplatesTable;
  server_template_versions: ServerTemplateVersionsTable;
  server_template_contents: ServerTemplateContentsTable;
  series: SeriesTable;
  recipient_additions: RecipientAdditionsTable;
}

export type TaskRow = Selectable<TasksTable>;
export type SeriesRow = Selectable<SeriesTable>;
export type NewSeriesRow = Insertable<SeriesTable>;
export type NewTaskRow = Insertable<TasksTable>;
export type ServerTemplateRow = Selectable<ServerTemplatesTable>;
export type ServerTemplateVersionRow = Selectable<ServerTemplateVersionsTable>;
export type ServerTemplateContentRow = Selectable<ServerTemplateContentsTable>;
