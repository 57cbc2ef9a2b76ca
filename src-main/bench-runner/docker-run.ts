/**
 * `berth bench` on Docker: cold creates against the raw create + attach + start of the same image, then
 * warm creates from a pool of BENCH_POOL_SIZE. The pool is configured for the run only: the user's
 * warm-pool settings are put back exactly afterwards (their pools refill like after a restart: for the
 * repository of their latest Docker session).
 */
import type { BenchFigureDto } from '../../src-shared/bench.js';
import type { DockerCreateOptions } from '../../src-shared/docker.js';
import { LABEL_REPO } from '../backends/docker/warm-pool.js';
import { resolveDocker } from '../sessions/backend-options.js';
import { BENCH_POOL_SIZE } from './advice.js';
import type { PendingRestore } from './bench-runs-repo.js';
import type { BenchRunDeps } from './bench-run.js';
import { measureWarm, rawDockerCreate, waitForPool } from './docker-measure.js';
import { alternate, alternateSteps, BENCH_COMMAND_LINE, timedCreate, type CreateTarget } from './measure.js';
import { measuredFigure } from './stats.js';

/** Longest wait for the benchmark's pool containers to be gone before they are removed by force. */
const DRAIN_WAIT_MS = 15_000;
/** How often the engine is asked whether they are gone. */
const DRAIN_POLL_MS = 50;

/** Progress steps of `measureDocker` for `runs`: cold A/B, filling the pool, warm creates. */
export const dockerSteps = (runs: number) => alternateSteps(runs, 2) + 1 + runs;

export interface DockerRunInput {
  deps: BenchRunDeps;
  target: CreateTarget;
  repo: string;
  runs: number;
  name: () => string;
  step: (label: string) => void;
  signal: AbortSignal;
  /** Called with the user's warm-pool settings before they are changed (kept until put back). */
  savePendingRestore: (saved: PendingRestore) => void;
}

/** `create.docker.cold` and `create.docker.warm` (both against the raw create + attach + start). */
export async function measureDocker(input: DockerRunInput): Promise<BenchFigureDto[]> {
  const { deps, target, repo, runs, name, step, signal } = input;
  const client = await deps.docker.engine.docker();
  if (!client.ok) throw new Error(client.error.message);
  const docker = client.value;
  const image = deps.settings.get().docker.defaultImage;
  // Never pull: the image was found present when the run was planned.
  const cold: DockerCreateOptions = { image, pullPolicy: 'Never' };
  const labels = ['docker: raw create + attach + start', 'docker: Berth cold create → first output'];
  const saved = deps.settings.get().docker;
  const savedPool = { warmImages: saved.warmImages, warmPoolSize: saved.warmPoolSize };
  input.savePendingRestore(savedPool);
  const pool = () => deps.docker.pool.status().find((p) => p.image === image);
  const ready = () => pool()?.ready ?? 0;
  const why = () => pool()?.lastError ?? null;
  const figures: BenchFigureDto[] = [];
  try {
    // Cold creates with no pool at all (the user's could hand them a warm container).
    deps.settings.update({ docker: { warmImages: [], warmPoolSize: 0 } });
    deps.docker.pool.resize();
    const coldCreate = async () => {
      const c = await timedCreate(target, { repoPath: repo, agent: 'custom', backend: 'docker', command: BENCH_COMMAND_LINE, name: name(), docker: cold });
      await target.remove(c.id);
      return c.ms;
    };
    const [raw, coldMs] = await alternate(runs, [() => rawDockerCreate(docker, image), coldCreate], (_counted, side) => step(labels[side]!), signal);
    figures.push(measuredFigure('create.docker.cold', 'ms', coldMs!, raw!));

    // Warm: a pool of BENCH_POOL_SIZE for the benchmark repository (the pool works in bind mode only).
    const warmOptions: DockerCreateOptions = { ...cold, volumeMode: 'bind' };
    deps.settings.update({ docker: { warmImages: [image], warmPoolSize: BENCH_POOL_SIZE } });
    deps.docker.pool.resize();
    deps.docker.ensureWarm(repo, { docker: resolveDocker(warmOptions, deps.settings.get().docker) });
    await waitForPool(ready, BENCH_POOL_SIZE, signal, why);
    step(`docker: warm pool of ${BENCH_POOL_SIZE} filled`);
    const warm = await measureWarm(runs, {
      poolReady: () => waitForPool(ready, BENCH_POOL_SIZE, signal, why),
      create: () => timedCreate(target, { repoPath: repo, agent: 'custom', backend: 'docker', command: BENCH_COMMAND_LINE, name: name(), docker: warmOptions }),
      remove: (id) => target.remove(id),
      onStep: () => step('docker: Berth warm create → first output'),
      signal,
    });
    figures.push(measuredFigure('create.docker.warm', 'ms', warm, raw!));
  } finally {
    await restorePool(input, savedPool);
  }
  return figures;
}

/**
 * Drains every pool (the benchmark's included), puts the user's warm-pool settings back, waits until
 * the benchmark repository's pool containers are gone, and refills the user's pool as a restart would.
 */
async function restorePool({ deps, repo }: DockerRunInput, saved: PendingRestore): Promise<void> {
  deps.settings.update({ docker: { warmImages: [], warmPoolSize: 0 } });
  deps.docker.pool.resize();
  // A container being made when the pool emptied is removed once made: wait for that too.
  await deps.docker.pool.settled();
  deps.settings.update({ docker: saved });
  const client = await deps.docker.engine.docker();
  if (client.ok) {
    const filters = { label: [`${LABEL_REPO}=${repo}`] };
    const deadline = Date.now() + DRAIN_WAIT_MS;
    let left = await client.value.listContainers({ all: true, filters }).catch(() => []);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
      left = await client.value.listContainers({ all: true, filters }).catch(() => []);
    }
    await Promise.all(left.map((c) => client.value.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
  if (saved.warmPoolSize > 0 && saved.warmImages.length > 0) {
    deps.docker.pool.resize();
    const last = deps.sessions.lastRepo('docker');
    if (last) deps.docker.ensureWarm(last, { docker: resolveDocker(undefined, deps.settings.get().docker) });
  }
}
