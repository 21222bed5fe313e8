// The two steps of a series run (issue 11), as activities: make the run's task (or say why there is
// none), then start its mail-task workflow. The rules live in SeriesService; this only adapts them.
import type { PreparedRun } from '../workflows/definitions.js';

/** What the run steps need (SeriesService). */
export interface SeriesRunSteps {
  /** Checks the firing and stores its run, once; answers what the workflow is to do next. */
  prepareRun(seriesId: string, runAt: Date): Promise<PreparedRun>;
  /** Starts the run's mail-task workflow (workflowId = the run's task id), as every task's is started. */
  startRunTask(taskId: string): Promise<void>;
}

export function createSeriesRunActivities({ seriesRuns }: { seriesRuns: SeriesRunSteps }) {
  return {
    async prepareSeriesRun(input: { seriesId: string; runAt: string }): Promise<PreparedRun> {
      return seriesRuns.prepareRun(input.seriesId, new Date(input.runAt));
    },
    async startSeriesRunTask(taskId: string): Promise<void> {
      await seriesRuns.startRunTask(taskId);
    },
  };
}
