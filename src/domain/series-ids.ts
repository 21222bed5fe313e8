// The names a series and its runs have in Temporal and in the tasks table, all derived from the
// series id, so every process (and every retry or replay of a run) arrives at the same ones.
import { v5 as uuidv5 } from 'uuid';

/** UUIDv5 namespace of Herald's series runs (a fixed random UUID; changing it would make runs again). */
const RUN_NAMESPACE = '0b6f2c52-5f0e-4d8a-9a77-3c1e5b7d9f21';

/** The task id of the run of `seriesId` for the run time `runAt`: the same however often it is asked. */
export function seriesRunTaskId(seriesId: string, runAt: Date): string {
  return uuidv5(`${seriesId.toLowerCase()}@${runAt.toISOString()}`, RUN_NAMESPACE);
}

/** The Temporal Schedule of a series. */
export function seriesScheduleId(seriesId: string): string {
  return `herald-series-${seriesId}`;
}

/**
 * The workflow id the Schedule's action gives each run workflow; Temporal appends the run time
 * ("…-2027-03-01T14:00:00Z"), so every run workflow has its own.
 */
export function seriesRunWorkflowId(seriesId: string): string {
  return `herald-series-run-${seriesId}`;
}

/** The id Temporal gives the run workflow a Schedule starts for `runAt` (the action's id, a dash, the time to the second). */
export function seriesRunWorkflowIdAt(seriesId: string, runAt: Date): string {
  return `${seriesRunWorkflowId(seriesId)}-${runAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}
