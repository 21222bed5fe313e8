// Once per run of the server-mode tests (vitest project "server"): the Temporal server and
// temporal-sql-tool at the pinned version, built with Go into .tools/bin on first use.
import type { TestProject } from 'vitest/node';
import { ensureTemporalServerBinaries } from '../../src/infra/temporal-server-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalServer: string;
    temporalSqlTool: string;
  }
}

export default async function setup(project: TestProject) {
  const binaries = await ensureTemporalServerBinaries({ onProgress: (line) => console.log(line) });
  project.provide('temporalServer', binaries.server);
  project.provide('temporalSqlTool', binaries.sqlTool);
}
