// npm run temporal:server: builds the Temporal server and temporal-sql-tool at the pinned version
// into .tools/bin (TEMPORAL_MODE=server, the server-mode tests and the bench do the same on first use).
import { ensureTemporalServerBinaries, GoMissingError, TEMPORAL_SERVER_VERSION } from '../src/infra/temporal-server-build.js';

const started = Date.now();
try {
  const binaries = await ensureTemporalServerBinaries({ onProgress: (line) => console.log(line) });
  console.log(`Temporal server ${binaries.version} is ready (${((Date.now() - started) / 1000).toFixed(1)} s):`);
  console.log(`  ${binaries.server}\n  ${binaries.sqlTool}`);
} catch (err) {
  if (err instanceof GoMissingError) {
    console.error(`${err.message}\nUntil then \`npm run dev\` runs the Temporal dev server, also with TEMPORAL_MODE=server.`);
  } else {
    console.error(`Could not build the Temporal server ${TEMPORAL_SERVER_VERSION}: ${(err as Error).message}`);
  }
  process.exit(1);
}
