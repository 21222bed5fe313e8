// The order vitest starts test files in. Most of the run's time goes to a few files that wait in
// real time (heartbeat timeouts, holds, whole Herald processes started and stopped), mostly idle.
// Started first, they overlap the many short files; started last, they would run on alone at the
// end. Vitest orders by the durations of the previous run, which a fresh clone does not have, so
// a file without one is judged by what it starts.
import fs from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** What a file that waits in real time uses: the dev server, or Herald or the product as processes. */
const REAL_TIME = /server: 'dev'|startLocalEnv|connectSharedDevEnv|startHeraldProcess|startProduct|runDevScript|startTestTemporalServer|execFile|spawn\(/;
/** A guess for files never run here before, in seconds. */
const GUESS = { realTime: 30, other: 2 };

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const weight = new Map<TestSpecification, number>();
    for (const file of files) {
      const key = `${file.project.name}:${path.relative(this.ctx.config.root, file.moduleId)}`;
      const known = cache.getFileTestResults(key);
      if (known && !known.failed) weight.set(file, known.duration / 1000);
      else if (known?.failed) weight.set(file, Number.POSITIVE_INFINITY); // what failed last time, first
      else {
        let source = '';
        try {
          source = fs.readFileSync(file.moduleId, 'utf8');
        } catch {
          // unreadable: vitest reports it when it runs the file
        }
        weight.set(file, REAL_TIME.test(source) ? GUESS.realTime : GUESS.other);
      }
    }
    return [...files].sort((a, b) => {
      // Projects run one after the other, as with vitest's own order.
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      return weight.get(b)! - weight.get(a)!;
    });
  }
}
