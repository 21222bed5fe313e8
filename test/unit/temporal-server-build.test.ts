// The cache check of the Temporal server build: a binary counts only if it reports the pinned
// version, and without Go the build says so (TEMPORAL_MODE=server then falls back to the dev server).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  builtTemporalServerBinaries,
  ensureTemporalServerBinaries,
  GoMissingError,
  TEMPORAL_SERVER_VERSION,
} from '../../src/infra/temporal-server-build.js';

let binDir: string;
beforeEach(() => {
  binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-tsbuild-'));
});
afterEach(() => fs.rmSync(binDir, { recursive: true, force: true }));

/** An executable that prints `<name> version <version>`, as the real binaries do for --version. */
function binaryReporting(name: string, version: string): void {
  fs.writeFileSync(path.join(binDir, name), `#!/bin/sh\necho "${name} version ${version}"\n`, { mode: 0o755 });
}

const withoutGo = { PATH: '/nonexistent' };

it('without Go and without binaries, says that Go is missing', async () => {
  const err = await ensureTemporalServerBinaries({ binDir, env: withoutGo }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GoMissingError);
  expect((err as Error).message).toContain(`Go is not installed (no \`go\` on PATH), so the Temporal server ${TEMPORAL_SERVER_VERSION} cannot be built`);
});

it('takes binaries that report the pinned version, without building', async () => {
  binaryReporting('temporal-server', TEMPORAL_SERVER_VERSION);
  binaryReporting('temporal-sql-tool', TEMPORAL_SERVER_VERSION);
  const expected = { server: path.join(binDir, 'temporal-server'), sqlTool: path.join(binDir, 'temporal-sql-tool'), version: TEMPORAL_SERVER_VERSION };
  expect(await builtTemporalServerBinaries(binDir)).toEqual(expected);
  expect(await ensureTemporalServerBinaries({ binDir, env: withoutGo })).toEqual(expected);
});

it('rebuilds when a binary reports another version (the pin moved) or is missing', async () => {
  binaryReporting('temporal-server', '1.30.0');
  binaryReporting('temporal-sql-tool', TEMPORAL_SERVER_VERSION);
  expect(await builtTemporalServerBinaries(binDir)).toBeUndefined();
  await expect(ensureTemporalServerBinaries({ binDir, env: withoutGo })).rejects.toBeInstanceOf(GoMissingError);

  fs.rmSync(path.join(binDir, 'temporal-server'));
  expect(await builtTemporalServerBinaries(binDir)).toBeUndefined();
});
