/**
 * How the benchmark panel words a run: values with their units, the change since the previous run,
 * headline figures of past runs, the machine, elapsed and remaining time. Mirrors `berth bench`'s text
 * (src-main/cli/commands/bench.ts) so the two quote the same numbers the same way.
 */
import type { BenchFigureDto, BenchMachineDto, BenchRunDto } from '../../../src-shared/bench.js';
import type { BackendDto, BackendId } from '../../../src-shared/dto.js';

/** Changes since the previous run smaller than this (a fraction) are shown as "same" (as the CLI). */
const SAME_WITHIN = 0.005;
/** Changes below this (a fraction) get one decimal ("+4.2%"), larger ones none ("+12%"). */
const ONE_DECIMAL_BELOW = 0.1;
/** Milliseconds below this get two decimals, as the CLI prints them. */
const TWO_DECIMALS_BELOW_MS = 10;
/** Units where a larger figure is better (throughput); for the rest (times) smaller is better. */
const HIGHER_IS_BETTER = new Set(['req/s']);
/** Bytes in a GiB (the machine's memory). */
const BYTES_PER_GIB = 1024 ** 3;
/** Milliseconds in a second / seconds in a minute. */
const MS_PER_S = 1_000;
const S_PER_MIN = 60;
/** Steps to have seen before a remaining-time estimate is worth showing. */
const MIN_STEPS_FOR_ESTIMATE = 2;

/** Creates per figure the panel asks for unless changed (the orchestrator's default too). */
export const DEFAULT_RUNS = 5;
/** `runs` bounds (the contract's). */
export const MIN_RUNS = 1;
export const MAX_RUNS = 50;

/** A figure's value with its unit, at a precision that suits it (as `berth bench`). */
export function formatBenchValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (unit === 'ms') return `${value < TWO_DECIMALS_BELOW_MS ? value.toFixed(2) : value.toFixed(1)} ms`;
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}

/** Ratios below this keep two significant digits ("0.0035×") instead of two decimals ("0.00×"). */
const SMALL_RATIO = 0.1;

/** A ratio to the baseline ("1.32×", "0.0035×"). */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${ratio !== 0 && Math.abs(ratio) < SMALL_RATIO ? ratio.toPrecision(2) : ratio.toFixed(2)}×`;
}

/** Which way a figure moved since the previous run, for its colour. */
export type ChangeKind = 'better' | 'worse' | 'same' | 'new' | 'none';

/** A figure's change since the previous run: text as the CLI prints it, and whether that is good. */
export interface FigureChange {
  text: string;
  kind: ChangeKind;
}

/** The p50's change since the same figure of `previous` ("+12%", "same", "new", "—"). */
export function changeSince(figure: BenchFigureDto, previous: BenchRunDto | null): FigureChange {
  if (previous === null) return { text: '—', kind: 'none' };
  const before = previous.figures.find((f) => f.id === figure.id);
  if (!before) return { text: 'new', kind: 'new' };
  if (before.p50 === 0) return { text: '—', kind: 'none' };
  const change = (figure.p50 - before.p50) / Math.abs(before.p50);
  if (Math.abs(change) < SAME_WITHIN) return { text: 'same', kind: 'same' };
  const text = `${change > 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(Math.abs(change) < ONE_DECIMAL_BELOW ? 1 : 0)}%`;
  const up = change > 0;
  return { text, kind: up === HIGHER_IS_BETTER.has(figure.unit) ? 'better' : 'worse' };
}

/** The run stored just before `run` among `runs` (newest first, as `bench.list` answers), or null. */
export function previousRun(runs: readonly BenchRunDto[], run: BenchRunDto): BenchRunDto | null {
  return runs.filter((r) => r.id < run.id).reduce<BenchRunDto | null>((best, r) => (best === null || r.id > best.id ? r : best), null);
}

/** Figures a past run is summed up by, in this order, with a short name each. */
const HEADLINES: ReadonlyArray<{ id: string; name: string }> = [
  { id: 'create.local', name: 'local' },
  { id: 'create.docker.warm', name: 'docker warm' },
  { id: 'create.docker.cold', name: 'docker cold' },
  { id: 'proxy.added', name: 'proxy adds' },
];
/** Most headline figures shown per past run. */
const MAX_HEADLINES = 3;

/** A couple of a run's figures in a few words ("local 9.12 ms", "docker warm 84.0 ms", "proxy adds 0.52 ms"). */
export function headlineFigures(run: BenchRunDto): Array<{ id: string; text: string }> {
  const out: Array<{ id: string; text: string }> = [];
  for (const h of HEADLINES) {
    const f = run.figures.find((x) => x.id === h.id);
    if (f && out.length < MAX_HEADLINES) out.push({ id: h.id, text: `${h.name} ${formatBenchValue(f.p50, f.unit)}` });
  }
  return out;
}

/** The machine a run was measured on ("8 × AMD Ryzen 7, 31 GiB, linux"). */
export function machineText(machine: BenchMachineDto): string {
  const memory = machine.memoryBytes > 0 ? `, ${Math.round(machine.memoryBytes / BYTES_PER_GIB)} GiB` : '';
  return `${machine.cpus} × ${machine.cpuModel}${memory}, ${machine.platform}`;
}

/** A run's date and time, in the user's locale. */
export function runDate(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Elapsed or remaining time as a clock ("0:07", "3:42", "12:05"). */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / MS_PER_S));
  const minutes = Math.floor(total / S_PER_MIN);
  return `${minutes}:${String(total % S_PER_MIN).padStart(2, '0')}`;
}

/** Time left at the pace so far, or null while too few steps are done to tell. */
export function estimateRemainingMs(elapsedMs: number, done: number, total: number): number | null {
  if (done < MIN_STEPS_FOR_ESTIMATE || total <= done || elapsedMs <= 0) return null;
  return (elapsedMs / done) * (total - done);
}

/** The progress bar's fill, 0–100. */
export function progressPercent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.max(0, (done / total) * 100)) : 0;
}

/**
 * The backends checked when the panel opens: every available one, as `berth bench` measures by default
 * (those the benchmark can't measure yet come back as skipped, with why).
 */
export function defaultBackendSelection(backends: readonly BackendDto[]): BackendId[] {
  return backends.filter((b) => b.available).map((b) => b.id);
}

/** Why the runs field is not acceptable (null when it is). */
export function runsProblem(text: string): string | null {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < MIN_RUNS || n > MAX_RUNS) return `a whole number from ${MIN_RUNS} to ${MAX_RUNS}`;
  return null;
}

/** `runs` (newest first) with `run` in its place if the list does not hold it yet. */
export function withRun(runs: readonly BenchRunDto[], run: BenchRunDto | null): BenchRunDto[] {
  if (run === null || runs.some((r) => r.id === run.id)) return [...runs];
  return [...runs, run].sort((a, b) => b.id - a.id);
}

/** Advice as a sentence of its own ("On this machine local start is …"). */
export function adviceSentence(text: string): string {
  return text.length > 0 ? `${text[0]!.toUpperCase()}${text.slice(1)}` : text;
}
