// Herald's Temporal worker: the mail-task workflow and its activities on one task queue.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities/index.js';
import type { Config } from '../config.js';
import { PROJECT_ROOT, SOURCE_EXTENSION } from '../project-root.js';
import type { TemporalTarget } from './connection-options.js';

const BUNDLE_SCRIPT = fileURLToPath(new URL(`./bundle-workflows${SOURCE_EXTENSION}`, import.meta.url));

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow code, bundled once per process in a child process (see bundle-workflows.ts). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= (async () => {
    // A test run bundles once for all its processes (test/support/global-setup.ts).
    const prebuilt = process.env.HERALD_TEST_WORKFLOW_BUNDLE;
    if (prebuilt) return { code: await readFile(prebuilt, 'utf8') };
    const out = path.join(os.tmpdir(), `herald-workflows-${process.pid}-${randomUUID()}.js`);
    try {
      const loader = SOURCE_EXTENSION === '.ts' ? ['--import', 'tsx'] : [];
      await promisify(execFile)(process.execPath, [...loader, BUNDLE_SCRIPT, out], {
        cwd: PROJECT_ROOT,
        maxBuffer: 16 * 1024 * 1024,
      });
      return { code: await readFile(out, 'utf8') };
    } finally {
      await rm(out, { force: true });
    }
  })();
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

export interface HeraldWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  tuning: Config['worker'];
  deps: Omit<ActivityDeps, 'shuttingDown'>;
}

export interface HeraldWorker {
  worker: Worker;
  /** Polls until shut down; rejects if the worker fails. */
  run(): Promise<void>;
  /** Ends every hold at once (their tasks go back to Temporal), then drains and stops the worker. */
  shutdown(): void;
}

export async function createHeraldWorker(options: HeraldWorkerOptions): Promise<HeraldWorker> {
  const shuttingDown = new AbortController();
  // Every hold listens on this one signal; there may be thousands at once.
  setMaxListeners(0, shuttingDown.signal);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ ...options.deps, shuttingDown: shuttingDown.signal }),
    maxCachedWorkflows: options.tuning.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: options.tuning.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: options.tuning.maxConcurrentWorkflowTasks,
    // On shutdown, running sends get this long to finish before they are handed back to the server.
    shutdownGraceTime: '20 seconds',
    // A workflow task waiting for a worker that went away moves to any worker after this (default
    // 10 s): a hold handed back at shutdown then resumes elsewhere within seconds.
    stickyQueueScheduleToStartTimeout: '5 seconds',
  });
  return {
    worker,
    run: () => worker.run(),
    shutdown() {
      shuttingDown.abort();
      if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ address: target.address, tls: target.tls, apiKey: target.apiKey, metadata: target.metadata });
}
