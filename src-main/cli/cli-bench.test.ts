/**
 * `berth bench` against a real orchestrator (local backend, real git and node-pty): `--json` prints the
 * stored run, the text form a table compared with the previous run and the advice, with progress on
 * stderr from the `bench.progress` events. Bad options are usage errors. No timing assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchRunDto } from '../../src-shared/bench.js';
import { runBerth, startTestOrchestrator, tempDir, type TestOrchestrator } from './cli-test-support.js';
import { changeSince, formatBenchText } from './commands/bench.js';

describe('berth bench', () => {
  let server: TestOrchestrator;
  const berth = (...args: string[]) => runBerth(args, { home: server.home });

  beforeAll(async () => {
    server = await startTestOrchestrator();
  });
  afterAll(async () => server?.close());

  it('--runs 2 --backend local --json prints the stored run; the text form compares it with the previous and advises', async () => {
    const res = await berth('bench', '--runs', '2', '--backend', 'local', '--json');
    expect(res.code).toBe(0);
    const run = BenchRunDto.parse(JSON.parse(res.stdout));
    const local = run.figures.find((f) => f.id === 'create.local');
    expect(local?.runs).toBe(2);
    expect(local?.p50).toBeGreaterThan(0);
    expect(local?.baseline).toBeGreaterThan(0);
    expect(local?.ratio).toBeGreaterThan(0);
    expect(run.advice.map((a) => a.backend)).toEqual(['local']);
    // Progress came over the WebSocket and was drawn on stderr (one line per step when not a terminal).
    const steps = res.stderr.trim().split('\n');
    expect(steps.length).toBeGreaterThan(4);
    expect(steps.at(-1)).toMatch(/^bench \[#+\] (\d+)\/\1 /);
    expect(res.stderr).toMatch(/local: Berth create → first output/);

    const text = await berth('bench', '--runs', '1', '--backend', 'local');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^FIGURE\s+BERTH P50\s+P95\s+BASELINE\s+RATIO\s+VS RUN (\d+)$/);
    expect(lines[0]).toContain(`VS RUN ${run.id}`);
    expect(lines.find((l) => l.startsWith('create.local '))).toMatch(/^create\.local\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+×\s+(same|[+−][\d.]+%)$/);
    expect(text.stdout).toMatch(/^Advice:\n {2}local: on this machine local start is (\d+|<1) ms/m);
    const stored = await server.orchestrator.api('bench.list', {});
    expect(stored.ok && (stored.value as BenchRunDto[]).length).toBe(2);
  }, 60_000);

  it('refuses bad options with a usage error before running anything', async () => {
    const bad = await berth('bench', '--backend', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--backend 'nope': one of local, tmux/);
    const runs = await berth('bench', '--runs', '0');
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(/--runs '0'/);
    const stored = await server.orchestrator.api('bench.list', {});
    expect(stored.ok && (stored.value as BenchRunDto[]).length).toBe(1 + 1);
  });

  it('without an orchestrator it exits 1 and says so', async () => {
    const res = await runBerth(['bench'], { home: tempDir('berth-cli-no-orch-') });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^berth: .*berth serve/);
  });

  it('formats changes since the previous run and what was skipped', () => {
    const figure = { id: 'create.local', value: 11, unit: 'ms', baseline: 10, ratio: 1.1, p50: 11, p95: 12, p99: 12, runs: 2 };
    const machine = { platform: 'linux', cpus: 4, cpuModel: 'cpu', memoryBytes: 1 };
    const previous = { id: 1, startedAt: 1, finishedAt: 2, machine, figures: [{ ...figure, p50: 10 }], advice: [], skipped: [] };
    expect(changeSince(figure, previous)).toBe('+10%');
    expect(changeSince({ ...figure, p50: 9 }, previous)).toBe('−10%');
    expect(changeSince({ ...figure, p50: 10.01 }, previous)).toBe('same');
    expect(changeSince({ ...figure, id: 'api.rps' }, previous)).toBe('new');
    expect(changeSince(figure, null)).toBe('—');
    const run = { ...previous, id: 2, figures: [figure], skipped: [{ backend: 'docker' as const, reason: 'engine unreachable' }] };
    const text = formatBenchText(run, previous);
    expect(text).toContain('Skipped docker: engine unreachable');
    expect(text).toMatch(/create\.local\s+11\.0 ms\s+12\.0 ms\s+10\.0 ms\s+1\.10×\s+\+10%/);
  });
});
