/**
 * The built-in benchmark against a real orchestrator and real engines (git, node-pty, a private dockerd
 * with the busybox test image): figures with baselines, stored runs, advice, one run at a time, and the
 * user's settings and repositories left as they were. No timing assertions: values are only checked
 * to be measured (> 0).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BenchFigureDto, BenchProgressDto, BenchRunDto } from '../../src-shared/bench.js';
import type { ProtocolClient } from '../../src-shared/client.js';
import { openDatabase } from '../store/database.js';
import { dockerClient } from '../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';
import { LABEL_BENCH } from './docker-measure.js';

const docker = inject('berthDocker');
const dockerOk = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** A benchmark with Docker creates containers one after another: more than the default test timeout. */
const DOCKER_TEST_TIMEOUT_MS = 180_000;
const LOCAL_TEST_TIMEOUT_MS = 60_000;

const figureOf = (run: BenchRunDto, id: string): BenchFigureDto => {
  const f = run.figures.find((x) => x.id === id);
  if (!f) throw new Error(`no figure ${id} in ${run.figures.map((x) => x.id).join(', ')}`);
  return f;
};

/** Runs the benchmark through the orchestrator's API function (no HTTP timeout on a long run). */
async function bench(t: TestOrchestrator, params: Record<string, unknown>): Promise<BenchRunDto> {
  const r = await t.orch.api('bench.run', params);
  if (!r.ok) throw new Error(`bench.run: ${r.error.code}: ${r.error.message}`);
  return r.value as BenchRunDto;
}

describe('bench service: local (real orchestrator)', () => {
  let t: TestOrchestrator;
  let client: ProtocolClient;
  const progress: BenchProgressDto[] = [];

  beforeAll(async () => {
    t = await startTestOrchestrator();
    client = await t.connect();
    client.onDidEvent((e) => {
      if (e.event === 'bench.progress') progress.push(e.progress);
    });
  });
  afterAll(async () => t?.close());

  it(
    'measures local create → first output against the raw baseline, stores the run and advises',
    async () => {
      // A repository the user worked on: it must stay the only recent one.
      const userRepo = makeRepo();
      const userSession = await t.must('sessions.create', { repoPath: userRepo, agent: 'custom', backend: 'local', command: 'sh -c "echo mine; sleep 30"', name: 'mine' });
      const recentBefore = await t.must('repos.recent', {});

      const run = await bench(t, { backends: ['local'], runs: 2 });
      const local = figureOf(run, 'create.local');
      expect(local.runs).toBe(2);
      expect(local.p50).toBeGreaterThan(0);
      expect(local.p95).toBeGreaterThanOrEqual(local.p50);
      expect(local.baseline).toBeGreaterThan(0);
      expect(local.ratio).toBeGreaterThan(0);
      expect(figureOf(run, 'create.local.overhead').baseline).toBeNull();
      const proxy = figureOf(run, 'proxy.latency');
      expect(proxy.p50).toBeGreaterThan(0);
      expect(proxy.baseline).toBeGreaterThan(0);
      expect(figureOf(run, 'api.rps').p50).toBeGreaterThan(0);
      expect(run.figures.some((f) => f.id.startsWith('create.docker'))).toBe(false);
      expect(run.skipped).toEqual([]);
      expect(run.machine.cpus).toBeGreaterThan(0);
      expect(run.finishedAt).toBeGreaterThanOrEqual(run.startedAt);

      expect(run.advice.map((a) => a.backend)).toEqual(['local']);
      expect(run.advice[0]!.text).toMatch(/^on this machine local start is (\d+|<1) ms/);
      expect(run.advice[0]!.coldMs).toBe(local.p50);

      // Progress: every step of this run, in order, ending at the total (events reach the client after the answer).
      await waitFor(() => progress.some((p) => p.runId === run.id && p.done === p.total), 'the last progress event');
      const mine = progress.filter((p) => p.runId === run.id);
      expect(mine.length).toBeGreaterThan(4);
      expect(mine.map((p) => p.done)).toEqual(mine.map((_, i) => i + 1));
      expect(mine.at(-1)!.done).toBe(mine.at(-1)!.total);
      expect(mine.some((p) => p.label.includes('local'))).toBe(true);

      // Stored, listed, and the advice served from it.
      expect(await t.must('bench.list', {})).toEqual([run]);
      expect(await t.must('bench.advice', {})).toEqual(run.advice);

      // Nothing of the benchmark is left: sessions, scratch repository, worktrees, recent repositories.
      expect((await t.must('sessions.list', {})).map((s) => s.id)).toEqual([userSession.id]);
      expect(fs.readdirSync(t.dataDir).filter((e) => e.startsWith('bench-'))).toEqual([]);
      const worktrees = fs.readdirSync(path.join(t.dataDir, 'worktrees'));
      expect(worktrees).toHaveLength(1);
      expect(await t.must('repos.recent', {})).toEqual(recentBefore);
      await t.must('sessions.delete', { ref: userSession.id, force: true });
    },
    LOCAL_TEST_TIMEOUT_MS,
  );

  it(
    'runs one benchmark at a time, skips what it cannot measure, lists newest first',
    async () => {
      const first = t.orch.api('bench.run', { backends: ['local', 'tmux'], runs: 1 });
      const second = await t.orch.api('bench.run', { backends: ['local'], runs: 1 });
      expect(second.ok).toBe(false);
      if (!second.ok) expect(second.error.code).toBe('conflict');
      const r = await first;
      if (!r.ok) throw new Error(r.error.message);
      const run = r.value as BenchRunDto;
      expect(run.skipped).toHaveLength(1);
      expect(run.skipped[0]!.backend).toBe('tmux');
      expect(run.skipped[0]!.reason).toMatch(/tmux/);
      expect(figureOf(run, 'create.local').runs).toBe(1);

      const listed = await t.must('bench.list', {});
      expect(listed.map((x) => x.id)).toEqual([run.id, run.id - 1]);
      expect(await t.must('bench.list', { limit: 1 })).toEqual([run]);
      // After the refusal and the run, the next one is accepted again.
      const again = await bench(t, { backends: ['local'], runs: 1 });
      expect(again.id).toBeGreaterThan(run.id);
    },
    LOCAL_TEST_TIMEOUT_MS,
  );

  it('refuses bad requests through the contract', async () => {
    const r = await t.call('bench.run', { runs: 0 } as never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('bad_request');
  });
});

describe('bench service: orchestrator stopping mid-run', () => {
  it('ends the run with an error value, cleans up, and leaks nothing', async () => {
    const t = await startTestOrchestrator();
    const client = await t.connect();
    let steps = 0;
    client.onDidEvent((e) => {
      if (e.event === 'bench.progress') steps++;
    });
    const running = t.orch.api('bench.run', { backends: ['local'], runs: 20 });
    await waitFor(() => steps >= 3, 'the run under way');
    // close() fails the test on a leaked disposable (the run's store, its subscriptions).
    await t.close();
    const r = await running;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('invalid_state');
    expect(fs.readdirSync(t.dataDir).filter((e) => e.startsWith('bench-'))).toEqual([]);
  });
});

describe('bench service: recovery after a run cut short', () => {
  it('at the next start puts the user’s pool settings back and removes the run’s sessions, repository and row', async () => {
    const first = await startTestOrchestrator();
    const dataDir = first.dataDir;
    // What a run killed mid-way leaves: a scratch repository with a session on it, an unfinished row with the settings to put back.
    const scratch = path.join(dataDir, 'bench-killed');
    fs.mkdirSync(path.join(scratch, 'repo'), { recursive: true });
    const repo = makeRepo(path.join(scratch, 'repo'));
    const session = await first.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command: 'sh -c "echo ready; sleep 30"', name: 'berth-bench-9-1' });
    await waitFor(async () => (await first.must('sessions.get', { ref: session.id })).state === 'working', 'the session working');
    await first.close();
    const db = await openDatabase(path.join(dataDir, 'berth.db'));
    const results = { figures: [], advice: [], skipped: [], pendingRestore: { warmImages: ['users-image:2'], warmPoolSize: 3 } };
    db.prepare('INSERT INTO bench_runs (started_at, finished_at, machine, results) VALUES (?, NULL, ?, ?)').run(Date.now(), '{}', JSON.stringify(results));
    db.close();

    const t = await startTestOrchestrator(dataDir);
    try {
      await waitFor(() => !fs.existsSync(scratch), 'the scratch repository removed');
      await waitFor(async () => (await t.must('sessions.list', {})).length === 0, 'the run’s session deleted');
      const docker = (await t.must('settings.get', {})).docker;
      expect({ warmImages: docker.warmImages, warmPoolSize: docker.warmPoolSize }).toEqual({ warmImages: ['users-image:2'], warmPoolSize: 3 });
      expect(await t.must('bench.list', {})).toEqual([]);
      expect(fs.existsSync(session.worktreePath)).toBe(false);
    } finally {
      await t.close();
    }
  });
});

describe.runIf(dockerOk)('bench service: docker (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;

  beforeAll(async () => {
    t = await startTestOrchestrator();
  });
  afterAll(async () => t?.close());

  it(
    'measures Docker cold and warm against the raw container start and restores the user’s settings exactly',
    async () => {
      // The user's own pool settings (a pool of 1 of the image) must come back exactly.
      const user = await t.must('settings.update', {
        docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [], warmImages: [d.image], warmPoolSize: 1 },
      });
      const run = await bench(t, { backends: ['docker'], runs: 2 });

      const cold = figureOf(run, 'create.docker.cold');
      const warm = figureOf(run, 'create.docker.warm');
      for (const f of [cold, warm]) {
        expect(f.runs).toBe(2);
        expect(f.p50).toBeGreaterThan(0);
        expect(f.baseline).toBeGreaterThan(0);
        expect(f.ratio).toBeGreaterThan(0);
      }
      expect(run.figures.some((f) => f.id === 'create.local')).toBe(false);
      const advice = run.advice.find((a) => a.backend === 'docker');
      expect(advice?.text).toMatch(/^on this machine Docker warm start is (\d+|<1) ms with a pool of 2; cold (\d+|<1) ms/);
      expect(advice?.warmMs).toBe(warm.p50);
      expect(advice?.coldMs).toBe(cold.p50);

      expect(await t.must('settings.get', {})).toEqual(user);
      const pool = (await t.must('docker.info', {})).pool;
      expect(pool.map((p) => ({ image: p.image, target: p.target }))).toEqual([{ image: d.image, target: 1 }]);
      // No raw baseline container, no session or pool container of the benchmark is left.
      const engine = await dockerClient(d.endpoint);
      expect(await engine.listContainers({ all: true, filters: { label: [LABEL_BENCH] } })).toEqual([]);
      expect(await t.must('sessions.list', {})).toEqual([]);
      const mine = await engine.listContainers({ all: true, filters: { label: ['berth.repo'] } });
      expect(mine.filter((c) => c.Labels['berth.repo']?.startsWith(t.dataDir))).toEqual([]);
    },
    DOCKER_TEST_TIMEOUT_MS,
  );

  it('skips Docker with the reason when the default image is not on the engine (never pulls)', async () => {
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: 'berth-bench-absent:never' } });
    const run = await bench(t, { backends: ['docker'], runs: 1 });
    expect(run.skipped).toEqual([{ backend: 'docker', reason: expect.stringMatching(/berth-bench-absent:never is not present/) }]);
    expect(run.figures.some((f) => f.id.startsWith('create.docker'))).toBe(false);
    expect(run.advice).toEqual([]);
  });
});
