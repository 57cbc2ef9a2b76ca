/**
 * `orchestrator.start` (spawn → API ready, vs a bare `node -e 0`) and `orchestrator.rss.idle`.
 */
import { spawn } from 'node:child_process';
import { rssMb, sleep, startOrchestratorProcess } from '../harness.js';
import { figure, msSince, reading, type Figure } from '../stats.js';

/** Idle time before reading RSS, so start-up garbage is collected or settled. */
const IDLE_SETTLE_MS = 2_000;

function bareNode(): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('exit', () => resolve(msSince(t0)));
    child.once('error', reject);
  });
}

export async function benchOrchestrator(runs: number): Promise<Figure[]> {
  const berth: number[] = [];
  const raw: number[] = [];
  let rss = Number.NaN;
  for (let i = 0; i < runs; i++) {
    raw.push(await bareNode());
    const orch = await startOrchestratorProcess();
    berth.push(orch.readyMs);
    if (i === runs - 1) {
      await sleep(IDLE_SETTLE_MS);
      rss = rssMb(orch.child.pid!);
    }
    await orch.stop();
  }
  return [
    figure('orchestrator.start', 'ms', berth, raw, '≤ 2× bare node -e 0'),
    reading('orchestrator.rss.idle', 'MB', rss, null, 1, '≤ 60 MB'),
  ];
}
