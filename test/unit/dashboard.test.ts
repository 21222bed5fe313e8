// The provisioned Grafana dashboard (deploy/grafana/dashboards/herald.json): it parses, uses the
// provisioned Prometheus datasource, shows what the issue asks for, and every PromQL expression in
// it names only metrics that Herald's registry (src/ops/metrics.ts) really defines.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectProcessMetrics, registry } from '../../src/ops/metrics.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GRAFANA = path.join(ROOT, 'deploy/grafana');

interface Panel {
  type: string;
  title?: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { type: string; uid: string } }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(path.join(GRAFANA, 'dashboards/herald.json'), 'utf8')) as { uid: string; title: string; panels: Panel[] };
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, ...t })));

/** Every series name Herald's registry exposes, histograms with their _bucket, _sum and _count. */
async function exposedNames(): Promise<Set<string>> {
  collectProcessMetrics(); // process_* and nodejs_*, as on a served /metrics
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'inf', 'nan']);

/** The metric names a PromQL expression selects. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // grouping labels
    .replace(/\$\w+/g, ''); // Grafana variables
  return [...bare.matchAll(/([a-zA-Z_:][\w:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined && !KEYWORDS.has(m[1]!.toLowerCase()))
    .map((m) => m[1]!);
}

describe('Grafana dashboard', () => {
  it('has panels with PromQL targets on the provisioned Prometheus datasource', () => {
    const provisioned = readFileSync(path.join(GRAFANA, 'provisioning/datasources/prometheus.yml'), 'utf8');
    const uid = /^\s*uid:\s*(\S+)\s*$/m.exec(provisioned)?.[1];
    expect(uid).toBeTruthy();
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      expect(t.panel.datasource, t.panel.title).toEqual({ type: 'prometheus', uid });
      expect(t.datasource ?? t.panel.datasource, t.panel.title).toEqual({ type: 'prometheus', uid });
    }
    const provider = readFileSync(path.join(GRAFANA, 'provisioning/dashboards/herald.yml'), 'utf8');
    expect(provider).toMatch(/path: \/etc\/grafana\/dashboards/);
  });

  it('names only metrics that Herald\'s registry defines, in every expression', async () => {
    const names = await exposedNames();
    expect(names.has('herald_sends_total')).toBe(true); // the registry really was read
    for (const { expr, panel } of targets) {
      const used = metricNames(expr);
      expect(used.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
      for (const name of used) expect(names.has(name), `${panel.title}: ${name} in ${expr}`).toBe(true);
    }
  });

  it('shows lateness, sends, failures and holds', () => {
    const used = new Set(targets.flatMap((t) => metricNames(t.expr)));
    for (const name of ['herald_send_lateness_seconds_bucket', 'herald_sends_total', 'herald_send_attempt_errors_total', 'herald_holds_in_progress']) {
      expect(used.has(name), name).toBe(true);
    }
  });

  it('finds the metric names in PromQL (the checker itself)', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, kind) (rate(herald_send_lateness_seconds_bucket{kind="now"}[$__rate_interval])))')).toEqual([
      'herald_send_lateness_seconds_bucket',
    ]);
    expect(metricNames('sum(rate(a_total[5m])) / on (job) group_left sum(b) > bool 0')).toEqual(['a_total', 'b']);
    expect(metricNames('up{job=~"herald-.*"}')).toEqual(['up']);
  });
});
