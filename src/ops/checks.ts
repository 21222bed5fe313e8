// The readiness checks of Herald's parts (see readiness.ts). Each answers quickly and touches the
// real dependency: a query, a gRPC call, the worker's own state.
import type { ConnectionLike } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { type Kysely, sql } from 'kysely';
import { CHECK_TIMEOUT_MS } from './readiness.js';

/** The database answers a query. */
export function databaseCheck(db: Kysely<any>): () => Promise<void> {
  return async () => {
    await sql`select 1`.execute(db);
  };
}

/** The Temporal frontend answers on this connection. */
export function temporalCheck(connection: ConnectionLike): () => Promise<void> {
  return async () => {
    await connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => connection.workflowService.getSystemInfo({}));
  };
}

/** The worker is polling (not starting, draining, stopped or failed). */
export function workerCheck(worker: Pick<Worker, 'getState'>): () => void {
  return () => {
    const state = worker.getState();
    if (state !== 'RUNNING') throw new Error(`worker is ${state.toLowerCase()}`);
  };
}
