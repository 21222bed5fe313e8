// The running postmaster of a PostgreSQL cluster, from its postmaster.pid file. That file outlives
// a killed server, and its pid may belong to another process by now: the process must still be a
// postgres started on this very cluster.
import fs from 'node:fs';
import path from 'node:path';
import { isRunning } from './stop-on-exit.js';

export function runningPostmaster(clusterDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  if (!(pid > 0) || !isRunning(pid)) return undefined;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(clusterDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The port a running postmaster listens on (line 4 of its pid file). */
export function postmasterPort(clusterDir: string): number | undefined {
  try {
    const port = Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}
