// The dynamic config the compose stack and TEMPORAL_MODE=server give the server is one that server
// version understands: every key registered, every value of the right type.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, inject, it } from 'vitest';
import { DEFAULT_DYNAMIC_CONFIG_FILE } from '../../src/config.js';

it('deploy/temporal/dynamicconfig/development-sql.yaml validates against the pinned server', async () => {
  const { stdout } = await promisify(execFile)(inject('temporalServer'), ['validate-dynamic-config', DEFAULT_DYNAMIC_CONFIG_FILE]);
  expect(stdout.trim()).toBe(DEFAULT_DYNAMIC_CONFIG_FILE); // the file name and nothing else: no warning, no error
});
