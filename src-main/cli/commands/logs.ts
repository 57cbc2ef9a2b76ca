/**
 * `berth logs`: a session's terminal as plain text, optionally followed live.
 */
import type { Command } from 'commander';
import { LIVE_STATES, type SessionDto } from '../../../src-shared/dto.js';
import { DisposableStore, toDisposable } from '../../../src-shared/lifecycle.js';
import { AnsiStripper } from '../ansi.js';
import { defineAction, firstArg, type RunState } from '../command-kit.js';
import { EXIT_ERROR, EXIT_OK, type CliContext } from '../context.js';
import { AckBatcher, writeAndAck } from '../terminal-stream.js';

interface LogsOptions {
  follow?: boolean;
}

/** Registers `logs` on `program`. */
export function registerLogsCommand(program: Command, state: RunState): void {
  defineAction<LogsOptions>(
    program
      .command('logs')
      .description("print a session's terminal output as plain text")
      .argument('<name>', 'session name or id')
      .option('-f, --follow', 'keep printing new output until the session exits (Ctrl-C to stop)'),
    state,
    async (ctx, args, opts) => {
      const session = await ctx.call('sessions.get', { ref: firstArg(args) });
      const { text } = await ctx.call('terminal.text', { ref: session.id });
      if (text.length > 0) ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      if (!opts.follow || !LIVE_STATES.includes(session.state)) return EXIT_OK;
      return follow(ctx, session);
    },
  );
}

/**
 * Streams new output as plain text until the session exits, the connection drops, or SIGINT/SIGTERM.
 *
 * The text printed before is taken just before attaching, so output in between may be missed; the
 * snapshot sent on attach is skipped because that text already covers it.
 */
async function follow(ctx: CliContext, session: SessionDto): Promise<number> {
  const client = await ctx.connect();
  const { stdout, stderr } = ctx.io;
  return new Promise<number>((resolve) => {
    const store = new DisposableStore('logs --follow');
    const stripper = new AnsiStripper();
    const acks = new AckBatcher((chars) => client.ack(session.id, chars));
    let done = false;
    const finish = (code: number, notice?: string) => {
      if (done) return;
      done = true;
      store.dispose();
      if (!client.isClosed) {
        client.detach(session.id);
        client.dispose();
      }
      if (notice) stderr.write(`${notice}\n`);
      resolve(code);
    };

    store.add(
      client.onDidTerminalFrame((frame) => {
        if (frame.sessionId !== session.id) return;
        switch (frame.type) {
          case 'term.snapshot':
            return;
          case 'term.data':
            writeAndAck(stdout, stripper.push(frame.data), frame.data.length, acks);
            return;
          case 'term.exit':
            finish(EXIT_OK, `[${session.name} exited${frame.exitCode === null ? '' : ` with code ${frame.exitCode}`}]`);
            return;
          case 'term.error':
            // The session ended between printing its text and attaching: nothing more will come.
            if (frame.error.code === 'invalid_state') finish(EXIT_OK, `[${session.name} has ended]`);
            else finish(EXIT_ERROR, `berth: ${frame.error.message}`);
            return;
        }
      }),
    );
    store.add(client.onDidClose(() => finish(EXIT_ERROR, 'berth: the connection to the orchestrator closed')));
    const onSignal = () => finish(EXIT_OK);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, onSignal);
      store.add(toDisposable(() => process.off(signal, onSignal)));
    }
    client.attach(session.id);
  });
}
