/**
 * `berth bench`: benchmarks this machine through the orchestrator (`bench.run`): for each available
 * backend, create → first output against its raw baseline, plus the proxy and API overhead. A progress
 * bar on stderr follows the `bench.progress` events; stdout gets a table with the change since the
 * previous stored run, then the advice.
 */
import type { Command } from 'commander';
import type { BenchFigureDto, BenchProgressDto, BenchRunDto } from '../../../src-shared/bench.js';
import { BackendId } from '../../../src-shared/dto.js';
import { defineAction, type RunState } from '../command-kit.js';
import { CliError, EXIT_OK, UsageError, type CliContext } from '../context.js';
import { formatTable } from '../text-table.js';
import { parseInteger } from './audit.js';

interface BenchOptions {
  backend: string[];
  runs?: string;
  json?: boolean;
}

/** `--runs` bounds (the contract's). */
const MIN_RUNS = 1;
const MAX_RUNS = 50;
/** Width of the progress bar, in cells. */
const BAR_CELLS = 24;
/** Changes since the previous run smaller than this (a fraction) are shown as "same". */
const SAME_WITHIN = 0.005;

/** Registers `bench` on `program`. */
export function registerBenchCommand(program: Command, state: RunState): void {
  defineAction<BenchOptions>(
    program
      .command('bench')
      .description('benchmark this machine: each backend’s create → first output against its raw baseline, proxy and API overhead')
      .option('--backend <id>', `a backend to measure (repeatable; default all): ${BackendId.options.join(', ')}`, (v: string, all: string[]) => [...all, v], [])
      .option('--runs <n>', `creates per figure, each against its baseline (${MIN_RUNS}–${MAX_RUNS}, default 5)`)
      .option('--json', 'print the stored run {id, figures, advice, skipped, …} as JSON')
      .addHelpText('after', '\nThe run is stored; the table compares it with the previous one.\nExit codes: 0 ok, 1 error (no orchestrator, a run already going), 2 usage error.'),
    state,
    async (ctx, _args, opts) => {
      const backends = opts.backend.map((b) => {
        const parsed = BackendId.safeParse(b);
        if (!parsed.success) throw new UsageError(`--backend '${b}': one of ${BackendId.options.join(', ')}`);
        return parsed.data;
      });
      const runs = opts.runs === undefined ? undefined : parseInteger(opts.runs, '--runs', MIN_RUNS, MAX_RUNS);
      const run = await runWithProgress(ctx, { ...(backends.length > 0 ? { backends } : {}), ...(runs === undefined ? {} : { runs }) });
      if (opts.json) {
        ctx.json(run);
        return EXIT_OK;
      }
      const previous = (await ctx.call('bench.list', { limit: 2 })).find((r) => r.id < run.id) ?? null;
      ctx.io.stdout.write(formatBenchText(run, previous));
      return EXIT_OK;
    },
  );
}

/**
 * Calls `bench.run` over a WebSocket (a run takes longer than an HTTP call may), drawing the progress
 * events on stderr as they come.
 */
async function runWithProgress(ctx: CliContext, params: { backends?: BackendId[]; runs?: number }): Promise<BenchRunDto> {
  const client = await ctx.connect();
  const bar = new ProgressBar(ctx.io.stderr);
  const sub = client.onDidEvent((e) => {
    if (e.event === 'bench.progress') bar.update(e.progress);
  });
  try {
    const result = await client.request('bench.run', params);
    if (!result.ok) throw new CliError(result.error.message, undefined, result.error.code);
    return result.value;
  } finally {
    bar.end();
    sub.dispose();
    client.dispose();
  }
}

/** The progress bar: redrawn in place on a terminal, one line per step otherwise (logs, pipes). */
class ProgressBar {
  private readonly tty: boolean;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    this.tty = (stream as { isTTY?: boolean }).isTTY === true;
  }

  update(p: BenchProgressDto): void {
    const filled = p.total > 0 ? Math.round((p.done / p.total) * BAR_CELLS) : 0;
    const line = `bench [${'#'.repeat(filled)}${'.'.repeat(BAR_CELLS - filled)}] ${p.done}/${p.total} ${p.label}`;
    if (this.tty) {
      // \r + "erase line": redraw in place.
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  end(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

/** A figure's value with its unit, at a precision that suits it. */
function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (unit === 'ms') return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}

/** The p50's change since the same figure of `previous` (e.g. "+12%", "same", "new"). */
export function changeSince(figure: BenchFigureDto, previous: BenchRunDto | null): string {
  if (previous === null) return '—';
  const before = previous.figures.find((f) => f.id === figure.id);
  if (!before) return 'new';
  if (before.p50 === 0) return '—';
  const change = (figure.p50 - before.p50) / Math.abs(before.p50);
  if (Math.abs(change) < SAME_WITHIN) return 'same';
  return `${change > 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(Math.abs(change) < 0.1 ? 1 : 0)}%`;
}

/** The text `berth bench` prints: the figures table, then the advice, then what was skipped. */
export function formatBenchText(run: BenchRunDto, previous: BenchRunDto | null): string {
  const rows = run.figures.map((f) => [
    f.id,
    formatValue(f.p50, f.unit),
    formatValue(f.p95, f.unit),
    formatValue(f.baseline, f.unit),
    f.ratio === null ? '—' : `${f.ratio.toFixed(2)}×`,
    changeSince(f, previous),
  ]);
  const since = previous ? `vs run ${previous.id}` : 'vs previous';
  const lines = [formatTable(['FIGURE', 'BERTH P50', 'P95', 'BASELINE', 'RATIO', since.toUpperCase()], rows), ''];
  if (run.advice.length > 0) {
    lines.push('Advice:');
    for (const a of run.advice) lines.push(`  ${a.backend}: ${a.text}`);
  }
  for (const s of run.skipped) lines.push(`Skipped ${s.backend}: ${s.reason}`);
  lines.push(`Run ${run.id}, ${run.machine.cpus} × ${run.machine.cpuModel}, ${run.machine.platform}.`);
  return `${lines.join('\n')}\n`;
}
