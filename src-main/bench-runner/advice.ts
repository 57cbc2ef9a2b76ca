/**
 * Advice from a benchmark run: one line per measured backend with its create → first output medians on
 * this machine ("on this machine Docker warm start is 84 ms with a pool of 2; cold 410 ms; local 9 ms")
 * and which way to go.
 */
import type { BenchAdviceDto, BenchFigureDto } from '../../src-shared/bench.js';

/** Warm-pool size the benchmark measures warm Docker starts with. */
export const BENCH_POOL_SIZE = 2;
/** A warm start this much faster than a cold one (as a fraction) is worth a pool. */
const WARM_WORTH_IT = 0.8;
/** A backend within this factor of local's start time is "about as fast as local". */
const NEAR_LOCAL = 2;

/** Figure ids the advice reads. */
export const FIGURE_IDS = {
  local: 'create.local',
  dockerCold: 'create.docker.cold',
  dockerWarm: 'create.docker.warm',
  proxyAdded: 'proxy.added',
} as const;

/** A median as the advice quotes it: whole milliseconds, "<1 ms" below one. */
export function formatMs(ms: number): string {
  return ms < 1 ? '<1 ms' : `${Math.round(ms)} ms`;
}

/** The advice lines for the backends a run measured. */
export function adviceFromFigures(figures: readonly BenchFigureDto[]): BenchAdviceDto[] {
  const p50 = (id: string) => figures.find((f) => f.id === id)?.p50 ?? null;
  const local = p50(FIGURE_IDS.local);
  const cold = p50(FIGURE_IDS.dockerCold);
  const warm = p50(FIGURE_IDS.dockerWarm);
  const added = p50(FIGURE_IDS.proxyAdded);
  const proxyNote = added === null ? '' : `; the credential proxy adds ${formatMs(Math.max(0, added))} per LLM request`;
  const out: BenchAdviceDto[] = [];
  if (local !== null) {
    const raw = figures.find((f) => f.id === FIGURE_IDS.local)?.baseline ?? null;
    const rawNote = raw === null ? '' : ` (a bare worktree + pty ${formatMs(raw)})`;
    const prefer =
      cold === null
        ? 'prefer it when the agent needs no isolation'
        : cold < local * NEAR_LOCAL
          ? 'prefer local when the agent needs no isolation (Docker starts about as fast here)'
          : `prefer local when the agent needs no isolation: it starts ${speedup(cold, local)} faster than Docker cold`;
    out.push({ backend: 'local', text: `on this machine local start is ${formatMs(local)}${rawNote}; ${prefer}${proxyNote}`, coldMs: local, warmMs: null });
  }
  if (cold !== null) {
    const parts = warm === null ? [`on this machine Docker cold start is ${formatMs(cold)}`] : [`on this machine Docker warm start is ${formatMs(warm)} with a pool of ${BENCH_POOL_SIZE}`, `cold ${formatMs(cold)}`];
    if (local !== null) parts.push(`local ${formatMs(local)}`);
    out.push({ backend: 'docker', text: `${parts.join('; ')}; ${dockerPreference(cold, warm, local)}`, coldMs: cold, warmMs: warm });
  }
  return out;
}

/** How many times faster `fast` is than `slow`, for the advice ("8×"). */
function speedup(slow: number, fast: number): string {
  return fast <= 0 ? 'much' : `${Math.round(slow / fast)}×`;
}

function dockerPreference(cold: number, warm: number | null, local: number | null): string {
  const best = warm !== null && warm < cold * WARM_WORTH_IT ? warm : cold;
  const near = local !== null && best <= local * NEAR_LOCAL ? ' (about as fast as local)' : '';
  if (warm === null) return `prefer Docker for isolation${near}; a warm pool (Settings → Docker) may cut the start further`;
  if (warm < cold * WARM_WORTH_IT) return `prefer Docker with a warm pool of ${BENCH_POOL_SIZE} (Settings → Docker): it saves ${formatMs(cold - warm)} per session${near}`;
  return `a warm pool saves little here; Docker cold starts are fine${near}`;
}
