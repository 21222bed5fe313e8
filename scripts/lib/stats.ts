import { readdirSync, readFileSync } from 'node:fs';

/** Nearest-rank percentile of already sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; returns each call's duration in ms. */
export async function runConcurrently(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const started = performance.now();
        await task(i);
        durations[i] = performance.now() - started;
      }
    }),
  );
  return durations;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resident set size of a process, in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The pid and every descendant of it, from /proc (PostgreSQL runs a process per connection). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** CPU seconds (user + system) a process and its descendants have used so far, reaped ones included. */
export function cpuSeconds(root: number, tree = true): number {
  const pids = tree ? processTree(root) : [root];
  let ticks = 0;
  for (const pid of pids) ticks += readProcStat(pid)?.ticks ?? 0;
  return ticks / TICKS_PER_SECOND;
}

function readProcStat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted from its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime, plus cutime + cstime: a backend that exits hands its time to its parent, so the tree's sum only grows.
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** RSS of a process and its descendants, in MB. */
export function treeRssMb(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      total += rssMb(pid) || 0;
    } catch {
      // gone meanwhile
    }
  }
  return Math.round(total * 10) / 10;
}

export interface ResourceUse {
  /** Average cores busy over the window. */
  cores: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/**
 * Samples a process's CPU and memory once a second until `stop()`: the average cores it kept busy
 * over the window and its peak RSS. `tree` includes its descendants (PostgreSQL's backends).
 */
export function sampleResources(pid: () => number, tree: boolean): { stop(): ResourceUse } {
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid(), tree);
  let peakRssMb = 0;
  const sample = () => {
    try {
      peakRssMb = Math.max(peakRssMb, tree ? treeRssMb(pid()) : rssMb(pid()));
    } catch {
      // restarted or gone meanwhile
    }
  };
  sample();
  const timer = setInterval(sample, 1_000);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const used = cpuSeconds(pid(), tree) - cpu0;
      const seconds = (performance.now() - t0) / 1000;
      return { cores: Math.round((used / seconds) * 100) / 100, cpuSeconds: Math.round(used * 10) / 10, peakRssMb };
    },
  };
}
