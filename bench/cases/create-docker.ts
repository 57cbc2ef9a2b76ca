/**
 * `create.docker`: a Docker session from the create request to its first output byte, against the raw
 * work it wraps: creating, attaching and starting a container of the same image and command with the
 * engine API (what `docker run -it` does), in this process. Both use a private engine started here
 * with a locally built busybox image (no registry is reachable).
 */
import type Dockerode from 'dockerode';
import { callHttp, connectWebSocket } from '../../src-main/client/node-client.js';
import { dockerAvailable, ensureBusyboxImage, startPrivateDockerd } from '../../src-main/testing/docker-engine.js';
import { makeRepo, startOrchestratorProcess } from '../harness.js';
import { figure, msSince, type Figure } from '../stats.js';

const COMMAND = ['sh', '-c', 'echo ready; sleep 30'];
/** How long the warm bench waits for the pool to fill before each create, and how often it looks. */
const POOL_WAIT_MS = 30_000;
const POOL_POLL_MS = 20;

async function baselineRun(docker: Dockerode, image: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const container = await docker.createContainer({ Image: image, Cmd: COMMAND, Tty: true, OpenStdin: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, User: '1000:1000' });
  const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
  const first = new Promise<void>((resolve) => stream.once('data', () => resolve()));
  await container.start();
  await first;
  const ms = msSince(t0);
  await container.remove({ force: true });
  return ms;
}

/** Parallel creates measured together for `create.docker.parallel10`. */
const PARALLEL = 10;
/** Warm-pool size while `create.docker.warm` runs. */
const POOL_SIZE = 2;

export async function benchCreateDocker(runs: number): Promise<Figure[]> {
  const avail = dockerAvailable();
  if (!avail.ok) {
    console.error(`bench: create.docker skipped: ${avail.why}`);
    return [];
  }
  const engine = await startPrivateDockerd();
  try {
    const image = await ensureBusyboxImage(engine.endpoint);
    const docker = await engine.client();
    const repo = makeRepo();
    const orch = await startOrchestratorProcess();
    const client = await connectWebSocket(orch.api);
    if (!client.ok) throw new Error(client.error.message);
    const settings = (pool: number) =>
      callHttp(orch.api, 'settings.update', { docker: { endpoint: engine.endpoint, defaultImage: image, pullPolicy: 'Never', caches: [], warmImages: pool > 0 ? [image] : [], warmPoolSize: pool } });
    await settings(0);
    const firstOutput = new Map<string, () => void>();
    client.value.onDidEvent((e) => {
      if (e.event === 'session.progress' && e.progress.phase === 'first-output' && e.progress.status === 'done') firstOutput.get(e.progress.sessionId)?.();
    });
    const command = COMMAND.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ');
    let n = 0;
    /** One create → first output, in ms; the session is deleted after. */
    const create = async (): Promise<{ ms: number; warm: boolean; id: string }> => {
      const t0 = process.hrtime.bigint();
      let seen!: () => void;
      const done = new Promise<void>((resolve) => (seen = resolve));
      const created = await callHttp(orch.api, 'sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command, name: `bench-docker-${++n}` });
      if (!created.ok) throw new Error(created.error.message);
      firstOutput.set(created.value.id, seen);
      await done;
      return { ms: msSince(t0), warm: created.value.docker?.warm === true, id: created.value.id };
    };
    const remove = (id: string) => callHttp(orch.api, 'sessions.delete', { ref: id, force: true });
    const poolReady = async () => {
      const deadline = Date.now() + POOL_WAIT_MS;
      while (Date.now() < deadline) {
        const info = await callHttp(orch.api, 'docker.info', {});
        if (info.ok && (info.value.pool.find((p) => p.image === image)?.ready ?? 0) >= POOL_SIZE) return;
        await new Promise((r) => setTimeout(r, POOL_POLL_MS));
      }
      throw new Error('the warm pool did not fill');
    };
    const cold: number[] = [];
    const raw: number[] = [];
    const warm: number[] = [];
    const parallel: number[] = [];
    const rawParallel: number[] = [];
    try {
      for (let i = -1; i < runs; i++) {
        const r = await baselineRun(docker, image);
        if (i >= 0) raw.push(r);
        const c = await create();
        if (i >= 0) cold.push(c.ms);
        await remove(c.id);
      }
      // Ten creates at once, until the last first output, against one cold create.
      for (let i = 0; i < Math.max(2, Math.round(runs / 4)); i++) {
        const r0 = process.hrtime.bigint();
        await Promise.all(Array.from({ length: PARALLEL }, () => baselineRun(docker, image)));
        rawParallel.push(msSince(r0));
        const t0 = process.hrtime.bigint();
        const all = await Promise.all(Array.from({ length: PARALLEL }, () => create()));
        parallel.push(msSince(t0));
        await Promise.all(all.map((c) => remove(c.id)));
      }
      // Warm: the pool fills after a create on the repository; each measured create waits for a full pool.
      await settings(POOL_SIZE);
      await remove((await create()).id);
      for (let i = 0; i < runs; i++) {
        await poolReady();
        const w = await create();
        if (!w.warm) throw new Error('a create with a full pool did not get a warm container');
        warm.push(w.ms);
        await remove(w.id);
      }
      await settings(0);
    } finally {
      client.value.dispose();
      await orch.stop();
    }
    const oneCold = cold.length > 0 ? [...cold].sort((a, b) => a - b)[Math.floor(cold.length / 2)]! : 0;
    return [
      figure('create.docker.cold', 'ms', cold, raw, 'cold create → first output vs create+attach+start of the same container: ≤ 1.2×'),
      figure('create.docker.warm', 'ms', warm, raw, 'warm-pool create → first output: ≤ 100 ms p95 (baseline: raw create+attach+start)'),
      figure('create.docker.parallel10', 'ms', parallel, [oneCold], '10 parallel creates, total, vs one cold create: ≤ 3×'),
      // What the engine itself takes for ten containers at once on this machine: the floor for the figure above.
      figure('create.docker.parallel10.raw', 'ms', rawParallel, [raw.length > 0 ? [...raw].sort((a, b) => a - b)[Math.floor(raw.length / 2)]! : 0], '10 raw create+attach+start at once vs one (context)'),
    ];
  } finally {
    await engine.stop();
  }
}
