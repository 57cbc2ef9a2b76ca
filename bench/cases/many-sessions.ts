/**
 * Fifty local sessions, ten of them printing 2,000 lines every 0.2 s; after a 20 s window:
 * - `orchestrator.rss.50`: the orchestrator's resident memory, against a bare Node process that runs the
 *   same fifty commands in node-pty terminals and reads their output (the raw cost of the terminals);
 * - `event_loop.p99`: the orchestrator's event-loop delay (how late due work ran, beyond the sampling
 *   interval: its own `event_loop_delay_ms{stat="p99"}` gauge, read each second), against the same
 *   measurement in that bare process. The samples are the per-second p99s; the value is their median.
 * The baseline runs first, then Berth, each alone on the machine.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { FirstOutputWatch } from '../../src-main/bench-runner/measure.js';
import { callHttp, connectWebSocket } from '../../src-main/client/node-client.js';
import { makeRepo, ROOT, rssMb, sleep, startOrchestratorProcess, tempDir } from '../harness.js';
import { figure, reading, type Figure } from '../stats.js';

/** Sessions in all, and how many of them print. */
const SESSIONS = 50;
const BUSY = 10;
/** Lines per burst and the pause between bursts of a printing session. */
const BURST_LINES = 2_000;
const BURST_PAUSE_S = 0.2;
/** How long everything runs before RSS is read; event-loop delay is read each second meanwhile. */
const WINDOW_MS = 20_000;
const READ_EVERY_MS = 1_000;
/** The sampling interval of both event-loop monitors (the orchestrator's is 10 ms too). */
const LOOP_RESOLUTION_MS = 10;

/** argv of a printing session and of a quiet one (both start with a line, like an agent's banner). */
const BUSY_COMMAND = ['sh', '-c', `echo ready; while :; do seq -f 'line %g of a busy session printing its build output' ${BURST_LINES}; sleep ${BURST_PAUSE_S}; done`];
const QUIET_COMMAND = ['sh', '-c', 'echo ready; exec sleep 3600'];

const commandLine = (argv: readonly string[]) => argv.map((a) => (/\s|'/.test(a) ? `"${a}"` : a)).join(' ');

interface Measured {
  rssMb: number;
  /** Per-second event-loop delay p99s, ms. */
  loopP99s: number[];
}

/**
 * The raw side, as an ES module run by plain `node` (no loader, so nothing of the bench's own tooling
 * counts toward its RSS): spawns the commands in node-pty terminals, reads and drops their output, and
 * prints the same figures as JSON when the window ends.
 */
const RAW_SCRIPT = `
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
const require = createRequire(process.env.BENCH_ROOT + '/package.json');
const pty = require('node-pty');
const { commands, windowMs, readEveryMs, resolution, cwd } = JSON.parse(process.env.BENCH_SPEC);
const started = commands.map((argv) => new Promise((resolve) => {
  const p = pty.spawn(argv[0], argv.slice(1), { cols: 120, rows: 32, cwd, env: process.env });
  let first = true;
  p.onData(() => { if (first) { first = false; resolve(p); } });
}));
const procs = await Promise.all(started);
const h = monitorEventLoopDelay({ resolution });
h.enable();
const p99s = [];
const timer = setInterval(() => {
  p99s.push(h.count > 0 ? Math.max(0, h.percentile(99) / 1e6 - resolution) : 0);
  h.reset();
}, readEveryMs);
setTimeout(() => {
  clearInterval(timer);
  const rss = process.memoryUsage().rss / 1048576;
  for (const p of procs) p.kill('SIGKILL');
  process.stdout.write(JSON.stringify({ rssMb: rss, loopP99s: p99s }) + '\\n', () => process.exit(0));
}, windowMs);
`;

function commands(): string[][] {
  return Array.from({ length: SESSIONS }, (_, i) => (i >= SESSIONS - BUSY ? BUSY_COMMAND : QUIET_COMMAND));
}

function rawSide(): Promise<Measured> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', RAW_SCRIPT], {
    env: { ...process.env, BENCH_ROOT: ROOT, BENCH_SPEC: JSON.stringify({ commands: commands(), windowMs: WINDOW_MS, readEveryMs: READ_EVERY_MS, resolution: LOOP_RESOLUTION_MS, cwd: tempDir('berth-bench-raw50-') }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as Measured);
      } catch {
        reject(new Error(`the raw 50-terminal process exited (${code}) without figures`));
      }
    });
  });
}

async function berthSide(): Promise<Measured> {
  const repo = makeRepo();
  const orch = await startOrchestratorProcess();
  const client = await connectWebSocket(orch.api);
  if (!client.ok) throw new Error(client.error.message);
  const watch = new FirstOutputWatch();
  const sub = client.value.onDidEvent((e) => {
    if (e.event === 'session.progress') watch.onProgress(e.progress);
  });
  try {
    const all = commands();
    for (let i = 0; i < all.length; i++) {
      const created = await callHttp(orch.api, 'sessions.create', { repoPath: repo, agent: 'custom', command: commandLine(all[i]!), name: `many-${i}` });
      if (!created.ok) throw new Error(`sessions.create failed: ${created.error.message}`);
      await watch.wait(created.value.id);
    }
    const loopP99s: number[] = [];
    const end = Date.now() + WINDOW_MS;
    while (Date.now() < end) {
      await sleep(READ_EVERY_MS);
      const snap = await callHttp(orch.api, 'metrics.snapshot', {});
      const p99 = snap.ok ? snap.value.gauges.find((g) => g.name === 'event_loop_delay_ms' && g.labels.stat === 'p99') : undefined;
      if (p99 && p99.value !== null) loopP99s.push(p99.value);
    }
    return { rssMb: rssMb(orch.child.pid!), loopP99s };
  } finally {
    sub.dispose();
    watch.dispose();
    client.value.dispose();
    await orch.stop();
    fs.rmSync(orch.home, { recursive: true, force: true });
    fs.rmSync(repo, { recursive: true, force: true });
  }
}

export async function benchManySessions(): Promise<Figure[]> {
  const raw = await rawSide();
  const berth = await berthSide();
  return [
    reading('orchestrator.rss.50', 'MB', berth.rssMb, raw.rssMb, 1, `≤ 100 MB (${SESSIONS} sessions, ${BUSY} printing ${BURST_LINES} lines every ${BURST_PAUSE_S} s, after ${WINDOW_MS / 1000} s)`),
    figure('event_loop.p99', 'ms', berth.loopP99s, raw.loopP99s, `≤ 5 ms (per-second p99 beyond the ${LOOP_RESOLUTION_MS} ms sampling interval, median of ${WINDOW_MS / READ_EVERY_MS} s, same ${SESSIONS} sessions)`),
  ];
}
