// Every saved history must replay against the current workflow code. The histories in
// test/fixtures/histories were recorded from real runs (`npm run record-histories`) by older
// workflow code; a change that would give a running workflow different commands fails here and
// needs patched() (see the README).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { installTemporalRuntime } from '../src/temporal/runtime.js';
import { workflowBundle } from '../src/temporal/worker.js';

const DIR = fileURLToPath(new URL('./fixtures/histories/', import.meta.url));
/** The scenarios scripts/record-histories.ts runs. */
const SCENARIOS = [
  'sent-now',
  'reserved-and-sent',
  'rescheduled',
  'canceled-while-sleeping',
  'closed-in-the-database',
  'failed-after-3-attempts',
  'canceled-while-holding',
  'rescheduled-while-holding',
  'hold-interrupted-by-shutdown',
];
/** Scenarios of behaviour the workflow gained later, recorded from the generation that has it. */
const SCENARIOS_SINCE_V2 = ['recorded-after-database-outage', 'canceled-while-sending-sent', 'canceled-while-sending-refused'];
/**
 * Every generation of the workflow code that recorded histories, as file name suffixes: the first
 * (before any patch), '.v2' (patches 'deliver-then-record' and 'row-is-the-truth') and '.v3'
 * (patch 'cheaper-holds').
 */
const PATCHED_GENERATIONS = ['.v2', '.v3'];
const MAIL_TASK_RECORDED = [...SCENARIOS, ...PATCHED_GENERATIONS.flatMap((g) => [...SCENARIOS, ...SCENARIOS_SINCE_V2].map((name) => `${name}${g}`))];
/** seriesRunWorkflow (issue 11): one firing of a series' Schedule each; no patches yet, so no suffix. */
const SERIES_RUN_RECORDED = ['series-run-started', 'series-run-missed', 'series-run-refused'];
const RECORDED = [...MAIL_TASK_RECORDED, ...SERIES_RUN_RECORDED];

installTemporalRuntime(createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));

it('has every recorded history', () => {
  const names = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => path.basename(f, '.json'));
  expect(names.sort()).toEqual([...RECORDED].sort());
});

it('replays every recorded history without a determinism error', async () => {
  const histories = RECORDED.map((name) => ({
    workflowId: name,
    history: JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as unknown,
  }));
  const results: { workflowId: string; error?: string }[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
    results.push({ workflowId: result.workflowId, ...(result.error && { error: `${result.error.name}: ${result.error.message}` }) });
  }
  expect(results).toEqual(RECORDED.map((workflowId) => ({ workflowId })));
});

interface RecordedEvent {
  markerRecordedEventAttributes?: { markerName?: string };
}

it('each mail-task generation took its own path: the first has no patch marker, every later one has', () => {
  const marked = (name: string) => {
    const { events } = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as { events: RecordedEvent[] };
    return events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
  };
  expect(MAIL_TASK_RECORDED.filter(marked).sort()).toEqual(MAIL_TASK_RECORDED.filter((name) => PATCHED_GENERATIONS.some((g) => name.endsWith(g))).sort());
});

it("since 'cheaper-holds', a send step that holds gives its heartbeats 45 s instead of 30 s", () => {
  const heartbeatTimeouts = (name: string) => {
    const { events } = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as {
      events: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string }; heartbeatTimeout?: string } }[];
    };
    return events
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'deliverTaskMail')
      .map((a) => a!.heartbeatTimeout);
  };
  expect(heartbeatTimeouts('canceled-while-holding.v2')).toEqual(['30s']);
  expect(heartbeatTimeouts('canceled-while-holding.v3')).toEqual(['45s']);
  expect(heartbeatTimeouts('reserved-and-sent.v3').every((t) => t === '45s')).toBe(true);
});

