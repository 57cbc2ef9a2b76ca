/**
 * `berth doctor`: runs the orchestrator's checks (engine, runtimes, disk, git, ports) and prints what
 * it found with a fix for each problem.
 */
import type { Command } from 'commander';
import { formatDoctorText } from '../../doctor/format.js';
import { defineAction, type RunState } from '../command-kit.js';
import { EXIT_ERROR, EXIT_OK } from '../context.js';

interface DoctorOptions {
  json?: boolean;
}

/** Registers `doctor` on `program`. */
export function registerDoctorCommand(program: Command, state: RunState): void {
  defineAction<DoctorOptions>(
    program
      .command('doctor')
      .description('check that everything Berth relies on works here, with a fix for each problem')
      .option('--json', 'print the report {at, checks, summary} as JSON')
      .addHelpText('after', '\nMarks: ✓ ok, ! warning, ✗ failure, - skipped.\nExit codes: 0 no check failed (warnings allowed), 1 a check failed or no orchestrator, 2 usage error.'),
    state,
    async (ctx, _args, opts) => {
      const report = await ctx.call('doctor.run', {});
      if (opts.json) ctx.json(report);
      else ctx.io.stdout.write(formatDoctorText(report));
      return report.summary.fail > 0 ? EXIT_ERROR : EXIT_OK;
    },
  );
}
