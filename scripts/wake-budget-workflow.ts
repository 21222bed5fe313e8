// scripts/wake-budget.ts's workflow: woken by the end of its start delay, it schedules one activity
// at once, as a waking reservation schedules its send step.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';

const { woke } = proxyActivities<{ woke(id: string): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function wakeProbe(): Promise<void> {
  await woke(workflowInfo().workflowId);
}
