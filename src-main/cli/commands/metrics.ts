/**
 * `berth metrics`: the orchestrator's metrics in Prometheus text format, the same text `GET /metrics`
 * serves (session create, API, proxy and DB histograms; sessions by state; per-session CPU/memory).
 */
import type { Command } from 'commander';
import { defineAction, type RunState } from '../command-kit.js';

/** Registers `metrics` on `program`. */
export function registerMetricsCommand(program: Command, state: RunState): void {
  defineAction<unknown>(
    program
      .command('metrics')
      .description('print the metrics in Prometheus text format (the same as GET /metrics)')
      .addHelpText('after', '\nExit codes: 0 ok, 1 error (no orchestrator), 2 usage error.'),
    state,
    async (ctx) => {
      const { text } = await ctx.call('metrics.text', {});
      ctx.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    },
  );
}
