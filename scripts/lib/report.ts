// BENCHMARKS.md: the measures side by side, and the lateness distribution as an SVG chart.
import fs from 'node:fs';
import path from 'node:path';
import { percentile } from './stats.js';

export interface Measure {
  name: string;
  herald: number | string;
  bullmq: number | string;
  lowerIsBetter?: boolean;
  target?: string;
  met?: boolean;
}

export interface ReportInput {
  file: string;
  svgFile: string;
  quick: boolean;
  measures: Measure[];
  latenessSeries: { label: string; values: number[] }[];
  environment: Record<string, string>;
  notes?: string;
}

export function writeReport(input: ReportInput): void {
  const rows = input.measures.map((m) => {
    const ratio = typeof m.herald === 'number' && typeof m.bullmq === 'number' && m.bullmq !== 0 ? `${(m.herald / m.bullmq).toFixed(2)}×` : '';
    const verdict = m.target === undefined ? '' : `${m.target} ${m.met ? '✅' : '❌'}`;
    return `| ${m.name} | ${fmt(m.herald)} | ${fmt(m.bullmq)} | ${ratio} | ${verdict} |`;
  });
  const env = Object.entries(input.environment).map(([k, v]) => `| ${k} | ${v} |`);
  const svgName = path.relative(path.dirname(input.file), input.svgFile);
  const body = `# Benchmarks

Measured by \`npm run bench${input.quick ? ' -- --quick' : ''}\` (${input.quick ? 'quick mode: smaller sizes, a smoke test of the harness' : 'full mode'}).
Herald and BullMQ run on the same machine, in the same run, delivering to the same SMTP sink
(its own process); each system's worker runs in its own process. Ratio is Herald ÷ BullMQ.

| Measure | Herald | BullMQ | Ratio | Target |
|---|---:|---:|---:|---|
${rows.join('\n')}

![Lateness distribution](${svgName})

## Environment

| | |
|---|---|
${env.join('\n')}
${input.notes ? `\n${input.notes}\n` : ''}`;
  fs.writeFileSync(input.file, body);
  fs.writeFileSync(input.svgFile, latenessSvg(input.latenessSeries));
}

function fmt(value: number | string): string {
  return typeof value === 'number' ? value.toLocaleString('en') : value;
}

const COLORS = ['#1565c0', '#c62828', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f'];

/** Cumulative distribution of lateness, one line per series; x is milliseconds late. */
export function latenessSvg(series: { label: string; values: number[] }[]): string {
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
<text x="${width - pad.right - 180}" y="${pad.top + 16 * i + 10}" fill="${color}" font-size="12">${escape(s.label)}</text>`;
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

function escape(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}
