// Pins the metrics module: each app gets its own registry (two apps in a process do not share
// counts), label values stay bounded (an unknown action is `unknown`, never what was asked), and
// scrape-time gauges read their sources and drop series that are gone; docs/metrics.md lists every
// series and the Grafana dashboard queries only series that exist.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { createMetrics } from './metrics.js';

const value = async (m: ReturnType<typeof createMetrics>, name: string) =>
  (await m.registry.getSingleMetric(name)!.get()).values;

describe('createMetrics', () => {
  it('keeps two registries apart', async () => {
    const a = createMetrics({ replicaId: 'a', processMetrics: false });
    const b = createMetrics({ replicaId: 'b', processMetrics: false });
    a.observer.requestRecorded('rest', 'people.search', 'allowed');
    a.observer.requestRecorded('rest', 'people.search', 'allowed');
    expect((await value(a, 'gatehouse_requests_total'))[0]?.value).toBe(2);
    expect(await value(b, 'gatehouse_requests_total')).toEqual([]);
  });

  it('labels anything but a catalog action id as unknown', async () => {
    const m = createMetrics({ replicaId: 'r', processMetrics: false });
    m.observer.requestRecorded('rest', 'POST /api/v1/anything/you/like', 'denied');
    m.observer.requestRecorded('mcp', 'tools/whatever', 'denied');
    const labels = (await value(m, 'gatehouse_requests_total')).map((v) => v.labels.action);
    expect(labels).toEqual(['unknown', 'unknown']);
  });

  it('reads gauges from the attached sources on each scrape', async () => {
    const m = createMetrics({ replicaId: 'r', processMetrics: false });
    let up = true;
    let sessions = 2;
    m.attach({ mcpSessions: () => sessions, health: async () => [{ dependency: 'redis', up }] });
    const first = (await m.render()).body;
    expect(first).toMatch(/^gatehouse_mcp_sessions_open 2$/m);
    expect(first).toMatch(/^gatehouse_dependency_up\{dependency="redis"\} 1$/m);
    up = false;
    sessions = 0;
    const second = (await m.render()).body;
    expect(second).toMatch(/^gatehouse_mcp_sessions_open 0$/m);
    expect(second).toMatch(/^gatehouse_dependency_up\{dependency="redis"\} 0$/m);
    expect(second).not.toMatch(/^process_cpu/m);
  });

  it('counts credits only when some were spent, by agent name', async () => {
    const m = createMetrics({ replicaId: 'r', processMetrics: false });
    m.observer.creditsSpent('bot', 0);
    m.observer.creditsSpent('bot', 3);
    m.observer.creditsSpent('bot', 2);
    expect(await value(m, 'gatehouse_credits_spent_total')).toEqual([
      { value: 5, labels: { agent: 'bot' } },
    ]);
  });
});

describe('the metric docs and the dashboard', () => {
  const names = createMetrics({ replicaId: 'r', processMetrics: false })
    .registry.getMetricsAsArray()
    .map((m) => m.name);
  const used = (file: string) =>
    new Set(
      [
        ...readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8').matchAll(
          /gatehouse_[a-z_]+/g,
        ),
      ].map(([n]) => n.replace(/_(bucket|count|sum)$/, '')),
    );

  it('docs/metrics.md lists every series, and only those', () => {
    expect([...used('metrics.md')].sort()).toEqual([...names].sort());
  });

  it('the dashboard queries only series that exist', () => {
    for (const name of used('grafana-dashboard.json')) expect(names).toContain(name);
  });
});
