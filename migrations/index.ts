// Every migration, in order. Listed statically (rather than read from the folder at run time) so
// they load the same way under tsx, vitest and a compiled build; a test checks none is missing.
import type { Migration } from 'kysely';
import * as createTasks from './0001_create_tasks.js';
import * as createUserSettings from './0002_create_user_settings.js';
import * as addClaimToken from './0003_add_claim_token.js';
import * as addWorkflowStartedAt from './0004_add_workflow_started_at.js';
import * as serverOwnedTasks from './0005_server_owned_tasks.js';
import * as rescheduleCountAndScheduleReads from './0006_reschedule_count_and_schedule_reads.js';
import * as createServerTemplates from './0007_create_server_templates.js';
import * as createSeries from './0008_create_series.js';
import * as workflowOutbox from './0009_workflow_outbox.js';

export const migrations: Record<string, Migration> = {
  '0001_create_tasks': createTasks,
  '0002_create_user_settings': createUserSettings,
  '0003_add_claim_token': addClaimToken,
  '0004_add_workflow_started_at': addWorkflowStartedAt,
  '0005_server_owned_tasks': serverOwnedTasks,
  '0006_reschedule_count_and_schedule_reads': rescheduleCountAndScheduleReads,
  '0007_create_server_templates': createServerTemplates,
  '0008_create_series': createSeries,
  '0009_workflow_outbox': workflowOutbox,
};
