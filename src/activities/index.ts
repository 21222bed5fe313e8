// Every activity the worker registers, built from their dependencies.
import { createSendMailActivity, type SendMailDeps } from './send-mail.js';
import type { OutcomeNotifier } from '../notify/outcome-notifier.js';
import { createTaskRecordActivities } from './task-records.js';

export type ActivityDeps = SendMailDeps & { notifier: OutcomeNotifier };

export function createActivities(deps: ActivityDeps) {
  return {
    sendTaskMail: createSendMailActivity(deps),
    ...createTaskRecordActivities(deps),
  };
}

export type MailActivities = ReturnType<typeof createActivities>;
