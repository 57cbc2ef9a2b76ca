/**
 * The `berth` command line: builds the commander program and runs it, returning the exit code.
 *
 * `runCli` never exits the process, so tests can run it in-process with captured output.
 */
import { Command, CommanderError } from 'commander';
import type { RunState } from './command-kit.js';
import { registerAttachCommand } from './commands/attach.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerCacheCommands } from './commands/cache.js';
import { registerChangesCommands } from './commands/changes.js';
import { registerCredentialCommands } from './commands/credentials.js';
import { registerDockerCommands } from './commands/docker.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEgressCommands } from './commands/egress.js';
import { registerLandCommands } from './commands/land.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerMetricsCommand } from './commands/metrics.js';
import { registerPortsCommand } from './commands/ports.js';
import { registerProviderCommands } from './commands/providers.js';
import { registerPruneCommand } from './commands/prune.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSessionCommands } from './commands/sessions.js';
import { CliError, EXIT_ERROR, EXIT_OK, EXIT_USAGE, packageVersion, type CliIo } from './context.js';

/** Commander's codes for output that is not an error (help, version). */
const NON_ERROR_CODES = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help']);

/** Builds the program; its output goes to `state.io`. */
export function buildProgram(state: RunState): Command {
  const { io } = state;
  const program = new Command('berth')
    .description('Berth: a control room for AI coding agents, each in its own git worktree and terminal.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--home <dir>', 'data directory (overrides $BERTH_HOME)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'berth: ')),
    })
    .showSuggestionAfterError(true)
    .exitOverride();
  program.addHelpCommand('help [command]', 'show help for a command');
  program.addHelpText('after', '\nExit codes: 0 ok, 1 error, 2 usage error. Run `berth <command> --help` for details.');

  registerServeCommand(program, state);
  registerSessionCommands(program, state);
  registerLogsCommand(program, state);
  registerPortsCommand(program, state);
  registerAttachCommand(program, state);
  registerChangesCommands(program, state);
  registerLandCommands(program, state);
  registerPruneCommand(program, state);
  registerCacheCommands(program, state);
  registerDockerCommands(program, state);
  registerDoctorCommand(program, state);
  registerCredentialCommands(program, state);
  registerProviderCommands(program, state);
  registerAuditCommands(program, state);
  registerEgressCommands(program, state);
  registerMetricsCommand(program, state);
  registerBenchCommand(program, state);
  return program;
}

/** Runs `berth` with `argv` (without `node` and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const state: RunState = { io, exitCode: EXIT_OK };
  const program = buildProgram(state);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (NON_ERROR_CODES.has(e.code)) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      return EXIT_USAGE;
    }
    if (e instanceof CliError) {
      io.stderr.write(`berth: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr.write(`berth: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_ERROR;
  }
}
