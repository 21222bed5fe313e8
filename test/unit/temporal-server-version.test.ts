// One Temporal server version everywhere: the one `npm run temporal:server` builds for
// TEMPORAL_MODE=server and the images docker-compose.yml deploys (server and admin-tools).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { TEMPORAL_SERVER_VERSION } from '../../src/infra/temporal-server-build.js';
import { PROJECT_ROOT } from '../../src/project-root.js';

const compose = fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
const tags = (image: string) => [...compose.matchAll(new RegExp(`image:\\s*["']?${image}:([^\\s"']+)`, 'g'))].map((m) => m[1]);

it('builds the same Temporal server version as the compose file deploys', () => {
  expect(TEMPORAL_SERVER_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  const server = tags('temporalio/server');
  expect(server.length).toBeGreaterThan(0);
  expect(new Set(server)).toEqual(new Set([TEMPORAL_SERVER_VERSION]));
});

it('sets up the schema with admin-tools of that same version', () => {
  const adminTools = tags('temporalio/admin-tools');
  expect(adminTools.length).toBeGreaterThan(0);
  expect(new Set(adminTools)).toEqual(new Set([TEMPORAL_SERVER_VERSION]));
});
