// Every activity the worker registers, built from their dependencies.
import { createSendMailActivity, type SendMailDeps } from './send-mail.js';
import type { OutcomeNotifier } from '../notify/outcome-notifier.js';
import { createSeriesRunActivities, type SeriesRunSteps } from './series-runs.js';
import { createTaskRecordActivities } from './task-records.js';

export type ActivityDeps = SendMailDeps & { notifier: OutcomeNotifier; seriesRuns: SeriesRunSteps };

export function createActivities(deps: ActivityDeps) {
  const send = createSendMailActivity(deps);
  return {
    /**
     * The send step as workflows scheduled it before the 'deliver-then-record' patch, kept for the
     * ones still running it. The same step: a `sent` it reports unrecorded is finished by the
     * reconciler (it reads the acceptance from the workflow's history).
     */
    sendTaskMail: send,
    /** The send step: one SMTP delivery per attempt, database waits inside, the acceptance as its result. */
    deliverTaskMail: send,
    ...createTaskRecordActivities(deps),
    ...createSeriesRunActivities(deps),
  };
}

/** Every activity the worker registers. */
export type HeraldActivities = ReturnType<typeof createActivities>;
/** The ones mailTaskWorkflow calls (and the outcome notice, which the series run uses too). */
export type MailActivities = Omit<HeraldActivities, keyof SeriesRunActivities>;
export type SeriesRunActivities = ReturnType<typeof createSeriesRunActivities>;
