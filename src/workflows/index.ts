// The worker's workflowsPath: every workflow Herald registers.
export { mailTaskWorkflow } from './mail-task.js';
export { seriesRunWorkflow } from './series-run.js';
