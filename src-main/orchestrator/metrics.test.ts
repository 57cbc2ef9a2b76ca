/**
 * Metrics end to end on a real orchestrator: a created session yields create-latency samples for each
 * phase, `/metrics` parses as Prometheus text and carries them (and is refused without the token), the
 * dashboard's snapshot has their percentiles, and the session's process tree is sampled onto it.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

describe('orchestrator metrics', () => {
  let t: TestOrchestrator;
  let repo: string;

  beforeAll(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
  });
  afterAll(async () => t?.close());

  it('times each create phase and serves them on /metrics, behind the token', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command: 'sh -c "echo metrics-ok; exec sleep 30"' });
    await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).phases.firstOutputMs !== null, 'first output');

    const refused = await fetch(`${t.orch.url}/metrics`);
    expect(refused.status).toBe(401);
    const res = await fetch(`${t.orch.url}/metrics`, { headers: { authorization: `Bearer ${t.orch.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const families = parsePrometheusTextFormat(text) as { name: string; type: string; metrics: { labels?: Record<string, string>; count?: string }[] }[];
    const create = families.find((f) => f.name === 'session_create_ms');
    expect(create?.type).toBe('HISTOGRAM');
    // The parser merges a family's series; the phases must each be there with the local backend's labels.
    for (const phase of ['worktree', 'start', 'first-output', 'total']) {
      expect(text).toMatch(new RegExp(`session_create_ms_count\\{[^}]*backend="local"[^}]*phase="${phase}"[^}]*\\} 1\\b`));
    }
    expect(families.find((f) => f.name === 'api_request_ms')).toBeDefined();
    // Store operations are timed too (the dashboard's DB card).
    expect(text).toMatch(/db_query_ms_count\{op="sessions\.insert"\} [1-9]/);
    expect(text).toMatch(/sessions\{state="(working|idle)"\} 1/);
    expect((await t.must('metrics.text', {})).text).toContain('session_create_ms_bucket');

    const snapshot = await t.must('metrics.snapshot', { window: '5m' });
    const total = snapshot.histograms.find((h) => h.name === 'session_create_ms' && h.labels.phase === 'total');
    expect(total?.count).toBe(1);
    expect(total?.p95).toBeGreaterThan(0);
    await t.must('sessions.delete', { ref: s.id, force: true });
  });

  it('samples a running session and Berth itself', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command: 'sh -c "yes > /dev/null"' });
    const sample = await waitFor(async () => {
      const r = await t.must('resources.get', {});
      const mine = r.latest?.samples.find((x) => x.subject === `session:${s.id}`);
      return mine && mine.cpuPercent !== null && mine.cpuPercent > 20 ? { r, mine } : null;
    }, 'a busy session sampled', 20_000);
    expect(sample.mine.memoryBytes).toBeGreaterThan(0);
    expect(sample.r.latest?.samples.some((x) => x.subject === 'berth:orchestrator')).toBe(true);
    const withStats = await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).stats, 'stats on the session');
    expect(withStats.memoryBytes).toBeGreaterThan(0);
    await t.must('sessions.delete', { ref: s.id, force: true });
  });
});
