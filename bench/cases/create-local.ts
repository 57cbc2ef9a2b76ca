/**
 * `create.local`: a local session from the create request to its first output byte, against the raw
 * work it wraps: `git worktree add` + a bare node-pty spawn of the same command, in this process.
 * Runs alternate (baseline, Berth, baseline, Berth…) so drift hits both.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as pty from 'node-pty';
import { callHttp, connectWebSocket } from '../../src-main/client/node-client.js';
import { makeRepo, startOrchestratorProcess, tempDir } from '../harness.js';
import { figure, msSince, type Figure } from '../stats.js';

const execFileAsync = promisify(execFile);

/** The agent command both sides start: prints one line, then waits. */
const COMMAND = ['sh', '-c', 'echo ready; sleep 30'];

async function baselineRun(repo: string, dir: string, i: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  await execFileAsync('git', ['worktree', 'add', '--quiet', '-b', `raw/${i}`, path.join(dir, `raw-${i}`), 'HEAD'], { cwd: repo });
  const proc = pty.spawn('/bin/sh', COMMAND.slice(1), { cols: 120, rows: 32, cwd: path.join(dir, `raw-${i}`), env: process.env as Record<string, string> });
  await new Promise<void>((resolve) => {
    const sub = proc.onData(() => {
      sub.dispose();
      resolve();
    });
  });
  const ms = msSince(t0);
  proc.kill('SIGKILL');
  return ms;
}

/** A connected orchestrator process and a create → first output timer on it. */
async function creator(prefix: string, env: NodeJS.ProcessEnv = {}) {
  const orch = await startOrchestratorProcess(undefined, env);
  const client = await connectWebSocket(orch.api);
  if (!client.ok) throw new Error(client.error.message);
  const firstOutput = new Map<string, () => void>();
  client.value.onDidEvent((e) => {
    if (e.event === 'session.progress' && e.progress.phase === 'first-output' && e.progress.status === 'done') {
      firstOutput.get(e.progress.sessionId)?.();
    }
  });
  const command = COMMAND.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ');
  let n = 0;
  return {
    async create(repo: string): Promise<number> {
      const t0 = process.hrtime.bigint();
      let resolveFirst!: () => void;
      const seen = new Promise<void>((r) => (resolveFirst = r));
      const created = await callHttp(orch.api, 'sessions.create', { repoPath: repo, agent: 'custom', command, name: `${prefix}-${++n}` });
      if (!created.ok) throw new Error(created.error.message);
      firstOutput.set(created.value.id, resolveFirst);
      await seen;
      const ms = msSince(t0);
      await callHttp(orch.api, 'sessions.stop', { ref: created.value.id });
      return ms;
    },
    async stop() {
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
  const withMetrics: number[] = [];
  const withoutMetrics: number[] = [];
  const raw: number[] = [];
  try {
    // One warm-up of each side, not counted.
    await baselineRun(repo, rawDir, -1);
    for (let i = -1; i < runs; i++) {
      if (i >= 0) raw.push(await baselineRun(repo, rawDir, i));
      const a = await berth.create(repo);
      const b = await bare.create(repo);
      if (i >= 0) {
        withMetrics.push(a);
        withoutMetrics.push(b);
      }
    }
  } finally {
    await berth.stop();
    await bare.stop();
  }
  return [
    figure('create.local', 'ms', withMetrics, raw, '≤ 1.2× baseline (app overhead ≤ 5 ms at p95)'),
    figure('create.local.overhead', 'ms', withMetrics.map((b, i) => b - raw[i]!), null, '≤ 5 ms at p95'),
    figure('metrics.overhead', 'ms', withMetrics, withoutMetrics, 'create with metrics on vs off: ≤ 1.05×'),
  ];
}
