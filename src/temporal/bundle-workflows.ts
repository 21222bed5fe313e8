// Bundles Herald's workflow code into one file: node --import tsx src/temporal/bundle-workflows.ts <out.js>
// Run as a short-lived child process, because webpack leaves ~100 MB resident in whatever process
// runs it, and the worker should not carry that for its whole life.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { SOURCE_EXTENSION } from '../project-root.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: bundle-workflows.ts <out.js>');
  process.exit(2);
}
const workflowsPath = fileURLToPath(new URL(`../workflows/index${SOURCE_EXTENSION}`, import.meta.url));
const silent = () => undefined;
const { code } = await bundleWorkflowCode({
  workflowsPath,
  logger: { log: silent, trace: silent, debug: silent, info: silent, warn: console.warn, error: console.error },
});
await writeFile(out, code);
