// Loaded with NODE_OPTIONS=--require by test/support/dev-script.ts into every node process that
// `npm run dev` starts. Herald runs there as a grandchild of npm (npm, sh, tsx, node), so its exit
// code is not npm's: this records Herald's pid when it starts and its code when it exits. A process
// killed by a signal's default action has no 'exit' event and records no code.
const fs = require('node:fs');

const file = process.env.HERALD_EXIT_PROBE_FILE;
const script = process.argv[1] ?? '';
if (file && /[/\\]src[/\\]main\.[jt]s$/.test(script)) {
  const record = (entry) => fs.appendFileSync(file, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);
  record({ event: 'start' });
  process.on('exit', (code) => record({ event: 'exit', code }));
  // Where output is gone (a closed terminal), the one clue to an unexpected exit code.
  process.on('uncaughtExceptionMonitor', (err) => record({ event: 'uncaught', message: String(err && err.stack) }));
}
