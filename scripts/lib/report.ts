// BENCHMARKS.md: the measures of every system side by side, the scaling-out table, the growth
// table, and the charts (bench/lateness.svg, bench/growth.svg). A full bench can run in parts
// (`--only=`), so each part's results are kept in a JSON file and the report is written from all
// of them: a part not run yet shows as "not run".
import fs from 'node:fs';
import path from 'node:path';
import { percentile } from './stats.js';

/** Herald on the dev server, Herald on the Temporal server (PostgreSQL), BullMQ. */
export type Column = 'dev' | 'server' | 'bullmq';
export const SECTIONS = ['table', 'scaling', 'growth'] as const;
export type Section = (typeof SECTIONS)[number];

export interface Measure {
  name: string;
  dev?: number | string;
  server?: number | string;
  bullmq?: number | string;
  lowerIsBetter?: boolean;
  target?: string;
  /** Whether each Herald column meets the target. */
  met?: { dev?: boolean; server?: boolean };
}

/** A lateness distribution, as a sorted sample (at most a few hundred points) of milliseconds. */
export interface Series {
  label: string;
  values: number[];
}

/** One burst of the scaling-out runs (and the 10,000 burst of each Herald column). */
export interface ScalingRow {
  temporal: string;
  shards: number;
  workers: number;
  due: number;
  note?: string;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicates: number;
  /** Wake-ups (sends entering their hold) per second, from the first to the last. */
  wakeRate: number;
  /** Share of the burst woken by its due time. */
  wokenByDue: number;
  serverCores: number;
  serverRssMb: number;
  postgresCores: number;
  /** Bare workflow starts per second on this server. */
  startsPerSecond?: number;
}

export interface GrowthPoint {
  column: Column;
  due: number;
  p99: number;
}

export interface SectionResult {
  date: string;
  durationSeconds: number;
  measures: Measure[];
  series?: Series[];
  scaling?: ScalingRow[];
  growth?: GrowthPoint[];
  /** Why a column or row of this part was not run. */
  notRun?: string[];
  environment: Record<string, string>;
}

export interface Results {
  quick: boolean;
  scale: number;
  serverShards: number;
  sections: Partial<Record<Section, SectionResult>>;
}

/** The results file with this run's sections replacing the same sections of earlier runs. */
export function mergeResults(file: string, run: Results, fresh: boolean): Results {
  let previous: Results | undefined;
  if (!fresh && fs.existsSync(file)) {
    try {
      previous = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;
    } catch {
      previous = undefined;
    }
  }
  const merged: Results =
    previous && previous.quick === run.quick && previous.scale === run.scale
      ? { ...run, sections: { ...previous.sections, ...run.sections } }
      : run;
  fs.writeFileSync(file, `${JSON.stringify(merged, null, 1)}\n`);
  return merged;
}

/** A sorted sample of `values` small enough for the results file and the chart. */
export function sampleOf(values: readonly number[], points = 500): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= points) return sorted;
  return Array.from({ length: points }, (_, i) => sorted[Math.min(sorted.length - 1, Math.round((i / (points - 1)) * (sorted.length - 1)))]!);
}

export interface ReportFiles {
  file: string;
  latenessSvg: string;
  growthSvg: string;
  notes?: string;
}

const HOW_TO_RUN: Record<Section, string> = {
  table: 'npm run bench',
  scaling: 'npm run bench',
  growth: 'npm run bench -- --only=growth',
};

export function writeReport(results: Results, files: ReportFiles): void {
  const { sections } = results;
  const shards = results.serverShards;
  const columnTitle: Record<Column, string> = {
    dev: 'Herald on the dev server',
    server: `Herald on Temporal server (PostgreSQL, ${shards} shards)`,
    bullmq: 'BullMQ',
  };
  const measures = [...(sections.table?.measures ?? []), ...(sections.growth?.measures ?? [])];
  const rows = measures.map((m) => {
    const verdicts = (['dev', 'server'] as const)
      .filter((c) => m.met?.[c] !== undefined)
      .map((c) => `${c} ${m.met![c] ? '✅' : '❌'}`)
      .join(' · ');
    const verdict = m.target === undefined ? '' : `${m.target}${verdicts ? `: ${verdicts}` : ''}`;
    return `| ${m.name} | ${cell(m.dev)} | ${cell(m.server)} | ${cell(m.bullmq)} | ${ratio(m.dev, m.bullmq)} | ${ratio(m.server, m.bullmq)} | ${verdict} |`;
  });
  const notRun = SECTIONS.flatMap((s) => {
    const section = sections[s];
    if (!section) return [`- The ${s} part was not run (\`${HOW_TO_RUN[s]}\`${s === 'table' ? '' : ' runs it'}).`];
    return (section.notRun ?? []).map((why) => `- ${why}`);
  });
  const scaling = [...(sections.table?.scaling ?? []), ...(sections.scaling?.scaling ?? [])];
  const growth = [...(sections.table?.growth ?? []), ...(sections.growth?.growth ?? [])];
  const series = [...(sections.table?.series ?? []), ...(sections.growth?.series ?? [])];
  const environment: Record<string, string> = {};
  for (const s of SECTIONS) Object.assign(environment, sections[s]?.environment ?? {});
  for (const s of SECTIONS) {
    const section = sections[s];
    if (section) environment[`${s} part`] = `${section.date}, ${section.durationSeconds} s`;
  }
  const fileDir = path.dirname(files.file);
  const mode = results.quick ? 'quick mode: smaller sizes, a smoke test of the harness' : results.scale === 1 ? 'full mode' : `full mode scaled by BENCH_SCALE=${results.scale}, a test of the harness`;
  const body = `# Benchmarks

Measured by \`npm run bench${results.quick ? ' -- --quick' : ''}\` (${mode}).
Herald and BullMQ run on the same machine, in the same run, delivering to the same SMTP sink
(its own process); each system's worker runs in its own process. Herald runs twice: on the Temporal
CLI dev server (one process, SQLite, one history shard) and on the Temporal server built from source
(\`TEMPORAL_MODE=server\`: PostgreSQL, ${shards} history shards). A ratio is that Herald column ÷ BullMQ.

| Measure | ${columnTitle.dev} | ${columnTitle.server} | ${columnTitle.bullmq} | dev ÷ BullMQ | server ÷ BullMQ | Target |
|---|---:|---:|---:|---:|---:|---|
${rows.join('\n')}
${notRun.length > 0 ? `\n${notRun.join('\n')}\n` : ''}
![Lateness distribution](${path.relative(fileDir, files.latenessSvg)})

## Scaling out

Every burst of 10,000 (or the size shown) due at one instant, with the Temporal server's own CPU and
memory (read from /proc while the burst wakes and is delivered), PostgreSQL's (every backend, Herald's
and Temporal's), and the wake-up rate: sends entering their hold per second, summed over the
workers' \`herald_holds_in_progress\` and \`herald_sends_total\` metrics. Each worker is its own
process (\`npm run worker\`).

| Temporal | Shards | Workers | Due | Lateness p50 / p99 / max (ms) | Lost / duplicated | Wake-ups/s | Woken by due | Server CPU (cores) | Server peak RSS (MB) | PostgreSQL CPU (cores) | Bare starts/s | Note |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
${scaling.map(scalingRow).join('\n') || '| not run | | | | | | | | | | | | |'}

## Growth

Lateness p99 against the number due: 1,000 and 10,000 due at one instant, 100,000 due over ten
minutes (made while earlier ones fall due).

| Due | ${(['dev', 'server', 'bullmq'] as const).map((c) => columnTitle[c]).join(' | ')} |
|---:|---:|---:|---:|
${growthRows(growth).join('\n')}

![Lateness p99 against the number due](${path.relative(fileDir, files.growthSvg)})

## Environment

| | |
|---|---|
${Object.entries(environment)
  .map(([k, v]) => `| ${k} | ${v} |`)
  .join('\n')}
${files.notes ? `\n${files.notes}\n` : ''}`;
  for (const file of [files.file, files.latenessSvg, files.growthSvg]) fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(files.file, body);
  fs.writeFileSync(files.latenessSvg, latenessSvg(series));
  fs.writeFileSync(files.growthSvg, growthSvg(growth, columnTitle));
}

function cell(value: number | string | undefined): string {
  if (value === undefined) return 'not run';
  return typeof value === 'number' ? (Number.isFinite(value) ? value.toLocaleString('en') : '—') : value;
}

function ratio(herald: number | string | undefined, bullmq: number | string | undefined): string {
  return typeof herald === 'number' && typeof bullmq === 'number' && bullmq !== 0 && Number.isFinite(herald) ? `${(herald / bullmq).toFixed(2)}×` : '';
}

function scalingRow(r: ScalingRow): string {
  const n = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : Math.round(v).toLocaleString('en'));
  return `| ${r.temporal} | ${r.shards} | ${r.workers} | ${r.due.toLocaleString('en')} | ${n(r.p50)} / ${n(r.p99)} / ${n(r.max)} | ${r.lost} / ${r.duplicates} | ${n(r.wakeRate)} | ${Math.round(r.wokenByDue * 100)}% | ${r.serverCores} | ${r.serverRssMb} | ${r.postgresCores} | ${n(r.startsPerSecond)} | ${r.note ?? ''} |`;
}

function growthRows(points: GrowthPoint[]): string[] {
  const dues = [...new Set(points.map((p) => p.due))].sort((a, b) => a - b);
  return dues.map((due) => {
    const at = (c: Column) => points.find((p) => p.due === due && p.column === c);
    return `| ${due.toLocaleString('en')} | ${(['dev', 'server', 'bullmq'] as const).map((c) => cell(at(c) ? Math.round(at(c)!.p99) : undefined)).join(' | ')} |`;
  });
}

const COLORS = ['#1565c0', '#c62828', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#ad1457', '#9e9d24', '#37474f', '#d81b60', '#00695c'];

/** Cumulative distribution of lateness, one line per series; x is milliseconds late. */
export function latenessSvg(series: Series[]): string {
  const width = 760;
  const height = 420;
  const pad = { left: 60, right: 20, top: 40, bottom: 50 };
  const all = series.flatMap((s) => s.values);
  const maxX = Math.max(1, percentile([...all].sort((a, b) => a - b), 100));
  const x = (v: number) => pad.left + (Math.max(0, v) / maxX) * (width - pad.left - pad.right);
  const y = (q: number) => height - pad.bottom - q * (height - pad.top - pad.bottom);
  const lines = series.map((s, i) => {
    const sorted = [...s.values].sort((a, b) => a - b);
    const step = Math.max(1, Math.floor(sorted.length / 400));
    const points: string[] = [];
    for (let k = 0; k < sorted.length; k += step) points.push(`${x(sorted[k]!).toFixed(1)},${y((k + 1) / sorted.length).toFixed(1)}`);
    if (sorted.length > 0) points.push(`${x(sorted.at(-1)!).toFixed(1)},${y(1).toFixed(1)}`);
    const color = COLORS[i % COLORS.length];
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>
<text x="${width - pad.right - 260}" y="${pad.top + 16 * i + 10}" fill="${color}" font-size="12">${escape(s.label)}</text>`;
  });
  const ticks = Array.from({ length: 6 }, (_, i) => (maxX * i) / 5);
  const xTicks = ticks
    .map((t) => `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(0) + 5}" stroke="#555"/><text x="${x(t)}" y="${y(0) + 18}" font-size="11" text-anchor="middle">${Math.round(t)}</text>`)
    .join('');
  const yTicks = [0, 0.5, 0.9, 0.99, 1]
    .map((q) => `<line x1="${pad.left - 5}" y1="${y(q)}" x2="${width - pad.right}" y2="${y(q)}" stroke="#ddd"/><text x="${pad.left - 8}" y="${y(q) + 4}" font-size="11" text-anchor="end">${q}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${pad.left}" y="22" font-size="14">Lateness at the SMTP sink: share of mails delivered within x ms of their time</text>
${yTicks}${xTicks}
<line x1="${pad.left}" y1="${y(0)}" x2="${width - pad.right}" y2="${y(0)}" stroke="#555"/>
<text x="${(width + pad.left) / 2}" y="${height - 12}" font-size="12" text-anchor="middle">milliseconds late</text>
${lines.join('\n')}
</svg>
`;
}

/** Lateness p99 against the number due, both axes logarithmic, one line per system. */
export function growthSvg(points: GrowthPoint[], titles: Record<Column, string>): string {
  const width = 760;
  const height = 420;
  const pad = { left: 70, right: 20, top: 40, bottom: 50 };
  const dues = [...new Set(points.map((p) => p.due))].sort((a, b) => a - b);
  const values = points.map((p) => Math.max(1, p.p99));
  const [minDue, maxDue] = [Math.min(...dues, 1_000), Math.max(...dues, 100_000)];
  const minY = 10 ** Math.floor(Math.log10(Math.min(...values, 1_000)));
  const maxY = 10 ** Math.ceil(Math.log10(Math.max(...values, 10_000)));
  const x = (due: number) => pad.left + ((Math.log10(due) - Math.log10(minDue)) / (Math.log10(maxDue) - Math.log10(minDue) || 1)) * (width - pad.left - pad.right);
  const y = (ms: number) => height - pad.bottom - ((Math.log10(Math.max(1, ms)) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY))) * (height - pad.top - pad.bottom);
  const lines = (['dev', 'server', 'bullmq'] as const).map((column, i) => {
    const own = points.filter((p) => p.column === column).sort((a, b) => a.due - b.due);
    if (own.length === 0) return '';
    const color = COLORS[i];
    const coords = own.map((p) => `${x(p.due).toFixed(1)},${y(p.p99).toFixed(1)}`);
    const dots = own.map((p) => `<circle cx="${x(p.due).toFixed(1)}" cy="${y(p.p99).toFixed(1)}" r="4" fill="${color}"/>`).join('');
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords.join(' ')}"/>${dots}
<text x="${pad.left + 10}" y="${pad.top + 16 * i + 10}" fill="${color}" font-size="12">${escape(titles[column])}</text>`;
  });
  const yTicks: string[] = [];
  for (let v = minY; v <= maxY; v *= 10) {
    yTicks.push(`<line x1="${pad.left - 5}" y1="${y(v)}" x2="${width - pad.right}" y2="${y(v)}" stroke="#ddd"/><text x="${pad.left - 8}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v.toLocaleString('en')}</text>`);
  }
  const xTicks = [...new Set([1_000, 10_000, 100_000, ...dues])].map(
    (due) => `<line x1="${x(due)}" y1="${y(minY)}" x2="${x(due)}" y2="${y(minY) + 5}" stroke="#555"/><text x="${x(due)}" y="${y(minY) + 18}" font-size="11" text-anchor="middle">${due.toLocaleString('en')}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${pad.left}" y="22" font-size="14">Lateness p99 (ms, log) against the number due (log)</text>
${yTicks.join('')}${xTicks.join('')}
<line x1="${pad.left}" y1="${y(minY)}" x2="${width - pad.right}" y2="${y(minY)}" stroke="#555"/>
<text x="${(width + pad.left) / 2}" y="${height - 12}" font-size="12" text-anchor="middle">mails due (1,000 and 10,000 at one instant; 100,000 over ten minutes)</text>
${lines.join('\n')}
</svg>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}
