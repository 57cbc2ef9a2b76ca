/**
 * `create.local`: a local session from the create request to its first output byte, against the raw
 * work it wraps: `git worktree add` + a bare node-pty spawn of the same command, in this process.
 * Runs alternate (baseline, Berth, baseline, Berth…) so drift hits both. The measurements are the
 * product's (src-main/bench-runner/measure.ts, also behind `berth bench`); here Berth is an orchestrator
 * process driven over HTTP, with first outputs from its WebSocket events.
 */
import { alternate, BENCH_COMMAND_LINE, callTarget, FirstOutputWatch, rawLocalCreate, timedCreate } from '../../src-main/bench-runner/measure.js';
import { callHttp, connectWebSocket } from '../../src-main/client/node-client.js';
import { makeRepo, startOrchestratorProcess, tempDir } from '../harness.js';
import { figure, type Figure } from '../stats.js';

/** A connected orchestrator process and a create → first output timer on it. */
export async function creator(prefix: string, env: NodeJS.ProcessEnv = {}) {
  const orch = await startOrchestratorProcess(undefined, env);
  const client = await connectWebSocket(orch.api);
  if (!client.ok) throw new Error(client.error.message);
  const watch = new FirstOutputWatch();
  client.value.onDidEvent((e) => {
    if (e.event === 'session.progress') watch.onProgress(e.progress);
  });
  const target = callTarget((method, params) => callHttp(orch.api, method, params as never), watch);
  let n = 0;
  return {
    /** The orchestrator's data directory. */
    home: orch.home,
    /** One create → first output in ms; the session is stopped after (outside the timing). */
    async create(repo: string): Promise<number> {
      const c = await timedCreate(target, { repoPath: repo, agent: 'custom', command: BENCH_COMMAND_LINE, name: `${prefix}-${++n}` });
      await callHttp(orch.api, 'sessions.stop', { ref: c.id });
      return c.ms;
    },
    async stop() {
      watch.dispose();
      client.value.dispose();
      await orch.stop();
    },
  };
}

export async function benchCreateLocal(runs: number): Promise<Figure[]> {
  const repo = makeRepo();
  const rawDir = tempDir('berth-bench-raw-');
  const berth = await creator('bench');
  // The same create on an orchestrator with metrics switched off (BERTH_METRICS=0), for metrics.overhead.
  const bare = await creator('bench-bare', { BERTH_METRICS: '0' });
  let n = 0;
  let samples: number[][];
  try {
    // One uncounted warm-up round of each side, then A B C A B C…
    samples = await alternate(runs, [() => rawLocalCreate(repo, rawDir, `raw-${++n}`), () => berth.create(repo), () => bare.create(repo)]);
  } finally {
    await berth.stop();
    await bare.stop();
  }
  const [raw, withMetrics, withoutMetrics] = samples as [number[], number[], number[]];
  return [
    figure('create.local', 'ms', withMetrics, raw, '≤ 1.2× baseline (app overhead ≤ 5 ms at p95)'),
    figure('create.local.overhead', 'ms', withMetrics.map((b, i) => b - raw[i]!), null, '≤ 5 ms at p95'),
    figure('metrics.overhead', 'ms', withMetrics, withoutMetrics, 'create with metrics on vs off: ≤ 1.05×'),
  ];
}
