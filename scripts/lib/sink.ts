// The parent side of the sink process: who received what, when.
import path from 'node:path';
import { type Child, ROOT, startChild } from './child.js';

export class BenchSink {
  /** messageId → every time it was received (more than one is a duplicate). */
  readonly received = new Map<string, number[]>();
  private waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly child: Child,
    readonly port: number,
  ) {
    child.process.on('message', (message: { type: string; mails?: [string, number][] }) => {
      if (message.type !== 'mails') return;
      for (const [id, at] of message.mails!) {
        const times = this.received.get(id);
        if (times) times.push(at);
        else this.received.set(id, [at]);
      }
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate()) return true;
        w.resolve();
        return false;
      });
    });
  }

  static async start(): Promise<BenchSink> {
    const child = startChild(path.join(ROOT, 'scripts/lib/sink-process.ts'), [], {});
    const { port } = await child.waitFor<{ port: number }>('ready');
    return new BenchSink(child, port);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid;
  }

  /** Resolves when every id has arrived, or after `timeoutMs` (then some are lost). */
  waitForAll(ids: readonly string[], timeoutMs: number): Promise<void> {
    const predicate = () => ids.every((id) => this.received.has(id));
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push({
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  setFailureRate(rate: number): void {
    this.child.process.send({ type: 'failure-rate', rate });
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

/** Lateness of each id against its due time, and how many were lost or duplicated. */
export function deliveryReport(sink: BenchSink, dueById: ReadonlyMap<string, number>) {
  const lateness: number[] = [];
  let lost = 0;
  let duplicates = 0;
  for (const [id, due] of dueById) {
    const times = sink.received.get(id);
    if (!times) {
      lost++;
      continue;
    }
    duplicates += times.length - 1;
    lateness.push(Math.min(...times) - due);
  }
  return { lateness, lost, duplicates };
}
