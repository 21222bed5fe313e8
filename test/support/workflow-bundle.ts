// The workflow code, bundled once per test run instead of once per process: every test file with
// a worker, and every Herald process a test starts, would otherwise bundle it again (a couple of
// seconds of CPU each). The global setup makes the bundle with the product's own script
// (src/temporal/bundle-workflows.ts); src/temporal/worker.ts reads it from
// HERALD_TEST_WORKFLOW_BUNDLE.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../../src/project-root.js';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundleFile: string;
  }
}

export const WORKFLOW_BUNDLE_ENV = 'HERALD_TEST_WORKFLOW_BUNDLE';

/** Bundles the workflows into a file of its own; `remove` deletes it at the end of the run. */
export async function bundleWorkflowsOnce(): Promise<{ file: string; remove(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-test-workflows-'));
  const file = path.join(dir, 'workflows.js');
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/temporal/bundle-workflows.ts'), file], {
      cwd: PROJECT_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    remove();
    throw err;
  }
  return { file, remove };
}

/** The variable that hands the run's bundle to a worker; none outside a vitest run (scripts) or without one. */
export function workflowBundleEnv(): Record<string, string> {
  let file: string | undefined;
  try {
    file = inject('workflowBundleFile');
  } catch {
    // not inside vitest
  }
  return file ? { [WORKFLOW_BUNDLE_ENV]: file } : {};
}
