/**
 * `create.docker`: a Docker session from the create request to its first output byte, against the raw
 * work it wraps: creating, attaching and starting a container of the same image and command with the
 * engine API (what `docker run -it` does), in this process. Both use a private engine started here
 * with a locally built busybox image (no registry is reachable). The measurements are the product's
 * (src-main/bench-runner, also behind `berth bench`); here Berth is an orchestrator process over HTTP.
 */
import { BENCH_POOL_SIZE } from '../../src-main/bench-runner/advice.js';
import { measureWarm, rawDockerCreate, waitForPool } from '../../src-main/bench-runner/docker-measure.js';
import { alternate, BENCH_COMMAND_LINE, callTarget, FirstOutputWatch, timedCreate } from '../../src-main/bench-runner/measure.js';
import { median } from '../../src-main/bench-runner/stats.js';
import { callHttp, connectWebSocket } from '../../src-main/client/node-client.js';
import { dockerAvailable, ensureBusyboxImage, startPrivateDockerd } from '../../src-main/testing/docker-engine.js';
import { makeRepo, startOrchestratorProcess } from '../harness.js';
import { figure, msSince, type Figure } from '../stats.js';

/** Parallel creates measured together for `create.docker.parallel10`. */
const PARALLEL = 10;

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
    const watch = new FirstOutputWatch();
    client.value.onDidEvent((e) => {
      if (e.event === 'session.progress') watch.onProgress(e.progress);
    });
    const target = callTarget((method, params) => callHttp(orch.api, method, params as never), watch);
    let n = 0;
    const create = () => timedCreate(target, { repoPath: repo, agent: 'custom', backend: 'docker', command: BENCH_COMMAND_LINE, name: `bench-docker-${++n}` });
    const remove = (id: string) => target.remove(id);
    const createAndRemove = async () => {
      const c = await create();
      await remove(c.id);
      return c.ms;
    };
    const poolReady = () =>
      waitForPool(async () => {
        const info = await callHttp(orch.api, 'docker.info', {});
        return info.ok ? (info.value.pool.find((p) => p.image === image)?.ready ?? 0) : 0;
      }, BENCH_POOL_SIZE);
    let raw: number[] = [];
    let cold: number[] = [];
    let warm: number[] = [];
    const parallel: number[] = [];
    const rawParallel: number[] = [];
    try {
      [raw, cold] = (await alternate(runs, [() => rawDockerCreate(docker, image), createAndRemove])) as [number[], number[]];
      // Ten creates at once, until the last first output, against one cold create.
      for (let i = 0; i < Math.max(2, Math.round(runs / 4)); i++) {
        const r0 = process.hrtime.bigint();
        await Promise.all(Array.from({ length: PARALLEL }, () => rawDockerCreate(docker, image)));
        rawParallel.push(msSince(r0));
        const t0 = process.hrtime.bigint();
        const all = await Promise.all(Array.from({ length: PARALLEL }, () => create()));
        parallel.push(msSince(t0));
        await Promise.all(all.map((c) => remove(c.id)));
      }
      // Warm: the pool fills after a create on the repository; each measured create waits for a full pool.
      await settings(BENCH_POOL_SIZE);
      await createAndRemove();
      warm = await measureWarm(runs, { poolReady, create, remove });
      await settings(0);
    } finally {
      watch.dispose();
      client.value.dispose();
      await orch.stop();
    }
    return [
      figure('create.docker.cold', 'ms', cold, raw, 'cold create → first output vs create+attach+start of the same container: ≤ 1.2×'),
      figure('create.docker.warm', 'ms', warm, raw, 'warm-pool create → first output: ≤ 100 ms p95 (baseline: raw create+attach+start)'),
      figure('create.docker.parallel10', 'ms', parallel, [cold.length > 0 ? median(cold) : 0], '10 parallel creates, total, vs one cold create: ≤ 3×'),
      // What the engine itself takes for ten containers at once on this machine: the floor for the figure above.
      figure('create.docker.parallel10.raw', 'ms', rawParallel, [raw.length > 0 ? median(raw) : 0], '10 raw create+attach+start at once vs one (context)'),
    ];
  } finally {
    await engine.stop();
  }
}
