// Herald's Temporal worker: the mail-task workflow and its activities, on the reservations' task
// queue and on the immediate sends' own queue (see task-queues.ts), one Worker for each.
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
import { taskQueuesOf } from './task-queues.js';

const BUNDLE_SCRIPT = fileURLToPath(new URL(`./bundle-workflows${SOURCE_EXTENSION}`, import.meta.url));

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow code, bundled once per process in a child process (see bundle-workflows.ts). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= (async () => {
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

/**
 * Immediate sends arrive a few at a time; these bound the slots of their Worker, whose only job
 * is to keep them clear of the reservations' queue.
 */
const IMMEDIATE_QUEUE_TUNING: Config['worker'] = { maxCachedWorkflows: 100, maxConcurrentActivities: 200, maxConcurrentWorkflowTasks: 10 };

export interface HeraldWorker {
  /** Polls until shut down; rejects if the worker fails. */
  run(): Promise<void>;
  /** Ends every hold at once (their tasks go back to Temporal), then drains and stops the worker. */
  shutdown(): void;
}

export async function createHeraldWorker(options: HeraldWorkerOptions): Promise<HeraldWorker> {
  const shuttingDown = new AbortController();
  // Every hold listens on this one signal; there may be thousands at once.
  setMaxListeners(0, shuttingDown.signal);
  const activities = createActivities({ ...options.deps, shuttingDown: shuttingDown.signal });
  const workflowCode = await workflowBundle();
  const workers = await Promise.all(
    taskQueuesOf(options.taskQueue).map(({ kind, name }) => {
      const tuning = kind === 'immediate' ? IMMEDIATE_QUEUE_TUNING : options.tuning;
      return Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: name,
        workflowBundle: workflowCode,
        activities,
        maxCachedWorkflows: tuning.maxCachedWorkflows,
        maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities,
        maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks,
        // On shutdown, running sends get this long to finish before they are handed back to the server.
        shutdownGraceTime: '20 seconds',
        // A workflow task waiting for a worker that went away moves to any worker after this (default
        // 10 s): a hold handed back at shutdown then resumes elsewhere within seconds.
        stickyQueueScheduleToStartTimeout: '5 seconds',
      });
    }),
  );
  const shutdownAll = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    async run() {
      // If one Worker fails, stop the other too, so the process does not limp on half-served.
      await Promise.all(workers.map((worker) => worker.run().catch((err: unknown) => {
        shutdownAll();
        throw err;
      })));
    },
    shutdown() {
      shuttingDown.abort();
      shutdownAll();
    },
  };
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ address: target.address, tls: target.tls, apiKey: target.apiKey });
}
