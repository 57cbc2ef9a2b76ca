/**
 * Operations on one Docker session run at the same time, against a real engine: creates with one name
 * while a warm pool is configured (no reservation may leak), two restarts, stop or delete during a
 * restart. Containers are counted by the session label the engine holds.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LABEL_KIND, LABEL_SESSION } from '../backends/docker/labels.js';
import { LABEL_REPO } from '../backends/docker/warm-pool.js';
import { dockerClient } from '../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** A quiet period for a container some earlier code may still start in the background. */
async function staysTrue(check: () => Promise<boolean>, what: string, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!(await check())) throw new Error(what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.runIf(available)('concurrent operations on one Docker session (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;
  let repo: string;
  const settings = { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never' as const, caches: [] };

  beforeAll(async () => {
    t = await startTestOrchestrator();
    await t.must('settings.update', { docker: { ...settings, warmImages: [], warmPoolSize: 0 } });
    repo = makeRepo();
  });
  afterAll(async () => t?.close());

  const client = () => dockerClient(d.endpoint);
  const containersOf = async (sessionId: string, status?: 'running') =>
    (await client()).listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${sessionId}`], ...(status ? { status: [status] } : {}) } });
  const live = (ref: string) =>
    waitFor(async () => {
      const s = await t.must('sessions.get', { ref });
      if (s.state === 'failed') throw new Error(`session failed: ${s.reason}`);
      return s.pid !== null && s.state !== 'creating' && s.docker?.containerId ? s : null;
    }, `${ref} running`, 30_000);
  const settled = (ref: string) =>
    waitFor(async () => {
      const s = await t.must('sessions.get', { ref });
      return s.state !== 'creating' ? s : null;
    }, `${ref} settled`, 30_000);

  it('creates with one name while a warm pool is configured: one wins, the others get conflict, no reservation leaks', async () => {
    const poolRepo = makeRepo();
    await t.must('settings.update', { docker: { ...settings, warmImages: [d.image], warmPoolSize: 2 } });
    const ready = async () => (await t.must('docker.info', {})).pool.find((p) => p.image === d.image)?.ready ?? 0;
    const poolContainers = async () =>
      (await client()).listContainers({ all: true, filters: { label: [`${LABEL_KIND}=pool`, `${LABEL_REPO}=${poolRepo}`] } });
    const cold = await t.must('sessions.create', { repoPath: poolRepo, agent: 'custom', backend: 'docker', name: 'cold', command: 'sh' });
    await live(cold.id);
    await waitFor(async () => (await ready()) === 2, 'pool filled to 2', 60_000);

    const results = await Promise.all(
      Array.from({ length: 3 }, () => t.call('sessions.create', { repoPath: poolRepo, agent: 'custom', backend: 'docker', name: 'twin', command: 'sh' })),
    );
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(!r.ok && r.error.code).toBe('conflict');
    const twin = won[0]!.ok ? won[0]!.value : null;
    expect(twin?.docker?.warm).toBe(true);
    const running = await live(twin!.id);

    // The pool refills to its size; every pool container is either ready or the winner's.
    await waitFor(async () => (await ready()) === 2, 'pool refilled to 2', 60_000);
    const pooled = await poolContainers();
    expect(pooled.map((c) => c.Id)).toContain(running.docker?.containerId);
    expect(pooled).toHaveLength(2 + 1);

    for (const s of [twin!, cold]) await t.must('sessions.delete', { ref: s.id, force: true });
    await t.must('settings.update', { docker: { ...settings, warmImages: [], warmPoolSize: 0 } });
    await waitFor(async () => (await poolContainers()).length === 0, 'pool drained', 30_000);
  }, 180_000);

  it('two restarts at once give one container', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh -c "echo up; exec sleep 600"' });
    const first = await live(s.id);
    const results = await Promise.all([t.orch.sessions.restart(s.id), t.orch.sessions.restart(s.id)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const again = await waitFor(async () => {
      const x = await live(s.id);
      return x.docker?.containerId !== first.docker?.containerId ? x : null;
    }, 'running again', 30_000);
    await staysTrue(async () => (await containersOf(s.id, 'running')).length <= 1, 'more than one running container for the session');
    expect((await containersOf(s.id, 'running')).map((c) => c.Id)).toEqual([again.docker?.containerId]);
    await t.must('sessions.delete', { ref: s.id, force: true });
  }, 120_000);

  it('a stop during a restart cancels it: no container runs and the session says exited', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh -c "echo up; exec sleep 600"' });
    await live(s.id);
    const [restarted, stopped] = await Promise.all([t.orch.sessions.restart(s.id), t.orch.sessions.stop(s.id)]);
    expect(restarted.ok && stopped.ok).toBe(true);
    const after = await settled(s.id);
    expect(after.state).toBe('exited');
    await staysTrue(async () => (await containersOf(s.id, 'running')).length === 0, 'a container runs after the stop');
    expect((await t.must('sessions.get', { ref: s.id })).state).toBe('exited');
    await t.must('sessions.delete', { ref: s.id, force: true });
  }, 120_000);

  it('a delete during a restart removes the session and leaves no container', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh -c "echo up; exec sleep 600"' });
    await live(s.id);
    const [, deleted] = await Promise.all([t.orch.sessions.restart(s.id), t.orch.sessions.delete(s.id, true)]);
    expect(deleted.ok).toBe(true);
    expect((await t.call('sessions.get', { ref: s.id })).ok).toBe(false);
    await staysTrue(async () => (await containersOf(s.id)).length === 0, 'a container of the deleted session exists');
  }, 120_000);
});
