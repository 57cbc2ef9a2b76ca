/**
 * One `berth bench` run: for each requested backend that is available, Berth's create → first output
 * against its raw baseline (cold, and warm for Docker), then the proxy and API overhead, with progress
 * after every measurement. Sessions are created through the orchestrator's own API, in-process, exactly
 * as a client's would be.
 */
import type { BenchFigureDto, BenchProgressDto } from '../../src-shared/bench.js';
import type { BackendId } from '../../src-shared/dto.js';
import { DisposableStore, toDisposable } from '../../src-shared/lifecycle.js';
import type { Result } from '../../src-shared/result.js';
import type { BackendRegistry } from '../backends/registry.js';
import type { DockerBackend } from '../backends/docker/docker-backend.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Db } from '../store/database.js';
import type { SettingsRepo } from '../store/misc-repos.js';
import type { PendingRestore } from './bench-runs-repo.js';
import { createBenchWorkspace, type BenchWorkspace } from './bench-workspace.js';
import { imagePresent } from './docker-measure.js';
import { dockerSteps, measureDocker } from './docker-run.js';
import { alternate, alternateSteps, BENCH_COMMAND_LINE, callTarget, FirstOutputWatch, rawLocalCreate, timedCreateAndRemove, type CreateTarget } from './measure.js';
import { apiSteps, measureApi, measureProxy, proxySteps } from './overhead-measure.js';
import { measuredFigure } from './stats.js';

/** What a run needs from the orchestrator (the service's dependencies). */
export interface BenchRunDeps {
  db: Db;
  dataDir: string;
  sessions: SessionService;
  backends: BackendRegistry;
  docker: DockerBackend;
  settings: SettingsRepo;
  /** The orchestrator's own API, in-process. */
  call: (method: string, params: unknown) => Promise<Result<unknown>>;
}

/** Backends the benchmark knows how to measure; others are reported as skipped. */
const MEASURED: readonly BackendId[] = ['local', 'docker'];
/** Progress steps besides measurements: preparing the workspace, and cleaning up. */
const FIXED_STEPS = 2;

/** What a run found, before it is stored. */
export interface BenchOutcome {
  figures: BenchFigureDto[];
  skipped: { backend: BackendId; reason: string }[];
}

/** Which requested backends can be measured now, and why the others can't. */
export async function planBackends(deps: BenchRunDeps, requested: readonly BackendId[] | undefined): Promise<{ measure: BackendId[]; skipped: BenchOutcome['skipped'] }> {
  const wanted = requested && requested.length > 0 ? [...new Set(requested)] : deps.backends.all().map((b) => b.id);
  const measure: BackendId[] = [];
  const skipped: BenchOutcome['skipped'] = [];
  for (const id of wanted) {
    const backend = deps.backends.get(id);
    if (!backend.ok) {
      skipped.push({ backend: id, reason: backend.error.message });
      continue;
    }
    if (!MEASURED.includes(id)) {
      skipped.push({ backend: id, reason: `the benchmark does not measure the ${backend.value.name} backend yet` });
      continue;
    }
    const probe = await backend.value.probe();
    if (!probe.ok) {
      skipped.push({ backend: id, reason: probe.error.message });
      continue;
    }
    if (id === 'docker') {
      const why = await dockerImageMissing(deps);
      if (why) {
        skipped.push({ backend: id, reason: why });
        continue;
      }
    }
    measure.push(id);
  }
  return { measure, skipped };
}

/** Why Docker can't be measured without pulling (null: the default image is there). */
async function dockerImageMissing(deps: BenchRunDeps): Promise<string | null> {
  const image = deps.settings.get().docker.defaultImage;
  const client = await deps.docker.engine.docker();
  if (!client.ok) return client.error.message;
  if (await imagePresent(client.value, image)) return null;
  return `the default image ${image} is not present on the engine (the benchmark never pulls); pull or build it, or choose another default image in Settings → Docker`;
}

/** Progress steps a run of these backends makes. */
export function totalSteps(backends: readonly BackendId[], runs: number): number {
  let total = FIXED_STEPS + proxySteps(runs) + apiSteps(runs);
  if (backends.includes('local')) total += alternateSteps(runs, 2);
  if (backends.includes('docker')) total += dockerSteps(runs);
  return total;
}

/** What one run measures, and how it reports. */
export interface MeasureInput {
  runId: number;
  backends: readonly BackendId[];
  runs: number;
  onProgress: (p: BenchProgressDto) => void;
  /** Aborted when the orchestrator stops: the run ends at once (waits included) and cleans up. */
  signal: AbortSignal;
  /** Keeps settings the run changes until they are put back. */
  savePendingRestore: (saved: PendingRestore) => void;
}

/** Measures `backends` (already planned), then the overheads; cleans up whatever happens. */
export async function measureAll(deps: BenchRunDeps, input: MeasureInput): Promise<BenchFigureDto[]> {
  const { runId, backends, runs, onProgress, signal } = input;
  const store = new DisposableStore('bench run');
  const total = totalSteps(backends, runs);
  let done = 0;
  const step = (label: string) => onProgress({ runId, done: Math.min(++done, total), total, label });
  const watch = store.add(new FirstOutputWatch());
  store.add(deps.sessions.onDidProgress((p) => watch.onProgress(p)));
  const stop = () => watch.dispose();
  signal.addEventListener('abort', stop, { once: true });
  store.add(toDisposable(() => signal.removeEventListener('abort', stop)));
  // Sessions made here and not yet deleted, so a failed run deletes them too.
  const live = new Set<string>();
  const base = callTarget((method, params) => deps.call(method, params), watch);
  const target: CreateTarget = {
    firstOutputs: watch,
    create: async (params) => {
      const r = await base.create(params);
      if (r.ok) live.add(r.value.id);
      return r;
    },
    remove: async (id) => {
      live.delete(id);
      await base.remove(id);
    },
  };
  let workspace: BenchWorkspace | null = null;
  const figures: BenchFigureDto[] = [];
  try {
    workspace = await createBenchWorkspace(deps.dataDir, deps.db);
    store.add(toDisposable(() => workspace?.dispose()));
    step('prepared a scratch repository');
    let n = 0;
    const name = () => `berth-bench-${runId}-${++n}`;
    if (backends.includes('local')) {
      const { repo, rawDir } = workspace;
      const labels = ['local: raw git worktree add + pty spawn', 'local: Berth create → first output'];
      const [raw, berth] = await alternate(
        runs,
        [
          () => rawLocalCreate(repo, rawDir, `raw-${++n}`),
          () => timedCreateAndRemove(target, { repoPath: repo, agent: 'custom', backend: 'local', command: BENCH_COMMAND_LINE, name: name() }),
        ],
        (_counted, side) => step(labels[side]!),
        signal,
      );
      figures.push(
        measuredFigure('create.local', 'ms', berth!, raw!),
        measuredFigure('create.local.overhead', 'ms', berth!.map((b, i) => b - raw![i]!), null),
      );
    }
    if (backends.includes('docker')) {
      figures.push(...(await measureDocker({ deps, target, repo: workspace.repo, runs, name, step, signal, savePendingRestore: input.savePendingRestore })));
    }
    figures.push(...(await measureProxy(runs, () => step('proxy: an LLM request direct / through the credential proxy'), signal)));
    figures.push(...(await measureApi(runs, deps.call, () => step('api: system.info calls'), signal)));
    return figures;
  } finally {
    // Sessions a failure left behind go before their repository does.
    await Promise.all([...live].map((id) => base.remove(id).catch(() => undefined)));
    store.dispose();
    step('cleaned up');
  }
}
