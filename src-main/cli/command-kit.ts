/**
 * Glue between commander and the command handlers: builds each handler's `CliContext` and records its
 * exit code.
 */
import type { Command } from 'commander';
import { CliContext, EXIT_OK, type CliIo, type GlobalOptions } from './context.js';

/** One CLI invocation's shared state. */
export interface RunState {
  readonly io: CliIo;
  exitCode: number;
}

/** A command's body: gets the context, positional arguments and options; returns its exit code. */
export type Handler<O> = (ctx: CliContext, args: string[], opts: O) => Promise<number | void>;

/** Attaches `handler` as `cmd`'s action. */
export function defineAction<O>(cmd: Command, state: RunState, handler: Handler<O>): Command {
  return cmd.action(async (...raw: unknown[]) => {
    const command = raw[raw.length - 1] as Command;
    const ctx = new CliContext(state.io, command.optsWithGlobals<GlobalOptions>());
    const code = await handler(ctx, command.processedArgs as string[], command.opts() as O);
    state.exitCode = code ?? EXIT_OK;
  });
}

/** The first positional argument (commander has already checked that it is present). */
export function firstArg(args: readonly string[]): string {
  return args[0] ?? '';
}
