/**
 * `sampler.cpu`: what the resource sampler costs with 50 sessions (each a `sleep` process tree), as %
 * of one core: this process's CPU time (process.cpuUsage) over wall time while the sampler ticks at its
 * normal 1 s interval and stores rows, against the same process idle for the same time (A B A B).
 * `sampler.tick`: wall time of one tick over the 50 trees (no baseline).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ResourceSampler } from '../../src-main/metrics/resource-sampler.js';
import { openDatabase } from '../../src-main/store/database.js';
import { sleep, tempDir } from '../harness.js';
import { figure, msSince, type Figure } from '../stats.js';

/** Sessions sampled, from the goal. */
const SESSIONS = 50;
/** Ticks per measured chunk; chunks alternate idle (A) and sampling (B). */
const TICKS_PER_CHUNK = 5;
/** The sampler's visible interval. */
const TICK_MS = 1_000;
/** Back-to-back ticks before measuring. */
const WARMUP_TICKS = 20;
/** How long each `sleep` lives: longer than the bench, killed at the end. */
const SLEEP_SECONDS = '600';

/** % of one core used by this process between two readings. */
function corePercent(cpu0: NodeJS.CpuUsage, t0: bigint): number {
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) / 1_000 / msSince(t0)) * 100;
}

export async function benchSampler(runs: number): Promise<Figure[]> {
  const chunks = Math.max(2, Math.ceil(runs / TICKS_PER_CHUNK));
  const children: ChildProcess[] = [];
  for (let i = 0; i < SESSIONS; i++) children.push(spawn('sleep', [SLEEP_SECONDS], { stdio: 'ignore' }));
  const db = await openDatabase(path.join(tempDir('berth-bench-sampler-'), 'berth.db'));
  const sampler = new ResourceSampler({ db, autoStart: false });
  children.forEach((c, i) => sampler.addProcessTree(`session:${i}`, c.pid!));
  sampler.addProcesses('berth', [process.pid]);
  const berth: number[] = [];
  const idle: number[] = [];
  const ticks: number[] = [];
  try {
    // Warm-up, not measured: the first tick starts the deltas, the rest let the JIT settle (the product's
    // sampler runs for hours, so its steady state is the figure that matters).
    for (let i = 0; i < WARMUP_TICKS; i++) await sampler.sampleNow();
    for (let c = 0; c < chunks; c++) {
      // A: the same process, idle for as long as a sampling chunk.
      let cpu0 = process.cpuUsage();
      let t0 = process.hrtime.bigint();
      for (let i = 0; i < TICKS_PER_CHUNK; i++) await sleep(TICK_MS);
      idle.push(corePercent(cpu0, t0));
      // B: sampling at the normal interval, rows flushed every 10 s as in the product.
      cpu0 = process.cpuUsage();
      t0 = process.hrtime.bigint();
      for (let i = 0; i < TICKS_PER_CHUNK; i++) {
        await sleep(TICK_MS);
        const t = process.hrtime.bigint();
        const tick = await sampler.sampleNow();
        ticks.push(msSince(t));
        if (tick.samples.filter((s) => s.subject.startsWith('session:') && s.processCount === 1).length !== SESSIONS) throw new Error('a session went missing');
      }
      berth.push(corePercent(cpu0, t0));
    }
  } finally {
    sampler.dispose();
    db.close();
    for (const c of children) c.kill('SIGKILL');
  }
  return [
    figure('sampler.cpu', '% core', berth, idle, `≤ 1 % of one core at ${SESSIONS} sessions (baseline: the same process idle)`),
    figure('sampler.tick', 'ms', ticks, null, `one tick over ${SESSIONS} process trees; no goal`),
  ];
}
