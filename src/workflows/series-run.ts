// One firing of a series' Temporal Schedule (issue 11). Temporal starts it at each candidate time of
// the series' spec; it makes that time's run (a task row whose id is derived from the series and
// the time) and starts the run's own mailTaskWorkflow, which sends it like any reservation: claim,
// three attempts, the outcome DM. Both steps are activities and idempotent, so a retried or
// replayed run never makes a second row or a second workflow. Every change must replay the
// histories in test/fixtures/histories/series-run-*.json (test/replay.test.ts).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MailActivities, SeriesRunActivities } from '../activities/index.js';
import type { SeriesRunInput, SeriesRunOutcome } from './definitions.js';

/** The run time the Schedule fired for ("nominal"): set by Temporal on every workflow a Schedule starts. */
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** Database steps: small and idempotent, retried until the database answers. */
const { prepareSeriesRun, startSeriesRunTask } = proxyActivities<SeriesRunActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** The notice of a refused run: worth a few tries, never worth holding anything up. */
const { notifyRequester } = proxyActivities<Pick<MailActivities, 'notifyRequester'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumAttempts: 5 },
});

/** The run time: the search attribute, or the suffix Temporal gives the workflow id ("…-2027-03-01T14:00:00Z"). */
function runTime(): string | undefined {
  const info = workflowInfo();
  const attribute = info.typedSearchAttributes.get(SCHEDULED_START_TIME);
  if (attribute) return attribute.toISOString();
  const suffix = /-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/.exec(info.workflowId)?.[1];
  return suffix ? new Date(suffix).toISOString() : undefined;
}

export async function seriesRunWorkflow(input: SeriesRunInput): Promise<SeriesRunOutcome> {
  const runAt = runTime();
  if (!runAt) {
    log.warn('Not started by a Schedule: there is no run time', { seriesId: input.seriesId });
    return { kind: 'skipped', reason: 'no-time' };
  }
  const prepared = await prepareSeriesRun({ seriesId: input.seriesId, runAt });
  if (prepared.kind === 'skipped') {
    log.info('No run at this time', { runAt, reason: prepared.reason });
    return prepared;
  }
  if (prepared.kind === 'refused') {
    log.info('Run refused by an hourly limit', { runAt, taskId: prepared.taskId });
    try {
      await notifyRequester({ taskId: prepared.taskId, outcome: 'failed' });
    } catch {
      // The notice is a courtesy: the run's row holds the outcome and its reason.
    }
    return prepared;
  }
  await startSeriesRunTask(prepared.taskId);
  log.info('Run started', { runAt, taskId: prepared.taskId });
  return { kind: 'started', taskId: prepared.taskId };
}
