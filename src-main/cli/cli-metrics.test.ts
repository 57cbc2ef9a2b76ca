/**
 * `berth metrics` against a real orchestrator: after a session is created, it prints Prometheus text
 * that a Prometheus parser reads, with the session-create histogram in it, the same as `GET /metrics`.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';
import { runBerth, tempDir } from './cli-test-support.js';

describe('berth metrics', () => {
  let t: TestOrchestrator;

  beforeAll(async () => {
    t = await startTestOrchestrator();
  });
  afterAll(async () => t?.close());

  it('prints the Prometheus text with the session-create histogram', async () => {
    const s = await t.must('sessions.create', { repoPath: makeRepo(), agent: 'custom', backend: 'local', command: 'sh -c "echo metrics-cli; exec sleep 30"' });
    await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).phases.firstOutputMs !== null, 'first output');

    const res = await runBerth(['metrics'], { home: t.dataDir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.endsWith('\n')).toBe(true);
    const families = parsePrometheusTextFormat(res.stdout) as { name: string; type: string }[];
    expect(families.find((f) => f.name === 'session_create_ms')?.type).toBe('HISTOGRAM');
    expect(res.stdout).toMatch(/session_create_ms_count\{[^}]*backend="local"[^}]*phase="total"[^}]*\} 1\b/);

    // The same families as GET /metrics (values such as API timings move between the two reads).
    const http = await fetch(`${t.orch.url}/metrics`, { headers: { authorization: `Bearer ${t.orch.token}` } });
    const served = parsePrometheusTextFormat(await http.text()) as { name: string }[];
    expect(families.map((f) => f.name).sort()).toEqual(served.map((f) => f.name).sort());
    await t.must('sessions.delete', { ref: s.id, force: true });
  });

  it('without an orchestrator it exits 1 and says so', async () => {
    const res = await runBerth(['metrics'], { home: tempDir('berth-cli-no-orch-') });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^berth: .*berth serve/);
  });
});
