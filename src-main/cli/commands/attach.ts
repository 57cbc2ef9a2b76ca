/**
 * `berth attach`: this terminal becomes the session's terminal until Ctrl-] (or `--no-tty` pipe mode).
 */
import readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import type { Command } from 'commander';
import type { ProtocolClient } from '../../../src-shared/client.js';
import type { SessionDto } from '../../../src-shared/dto.js';
import { DisposableStore, toDisposable } from '../../../src-shared/lifecycle.js';
import { defineAction, firstArg, type RunState } from '../command-kit.js';
import { CliError, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from '../context.js';
import { AckBatcher, ttySize, writeAndAck } from '../terminal-stream.js';

/** The detach key, Ctrl-] (GS, 0x1d), as telnet and docker use. */
export const DETACH_KEY = '\x1d';
/** Home + clear screen, written before the snapshot so it is drawn on a clean screen. */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';
/**
 * Modes an agent may have left on, switched off at detach: attributes, alternate screen, hidden
 * cursor, mouse tracking, bracketed paste, application cursor keys and keypad.
 */
const RESET_MODES = '\x1b[0m\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1l\x1b>';
/** What pipe mode appends to each stdin line: the Enter key. */
const ENTER = '\r';

const HELP_AFTER = `
Keys:
  Ctrl-]  detach; the session keeps running (attach again any time)

Every other key, Ctrl-C included, goes to the session. With --no-tty (for scripts), each line of stdin is
sent followed by Enter, output is copied to stdout as is, and SIGINT (Ctrl-C) detaches.`;

interface AttachOptions {
  tty: boolean;
}

/** Registers `attach` on `program`. */
export function registerAttachCommand(program: Command, state: RunState): void {
  defineAction<AttachOptions>(
    program
      .command('attach')
      .description("connect this terminal to a session's terminal (detach with Ctrl-])")
      .argument('<name>', 'session name or id')
      .option('--no-tty', 'pipe mode: send stdin lines as input and copy output to stdout')
      .addHelpText('after', HELP_AFTER),
    state,
    async (ctx, args, opts) => {
      if (opts.tty && !process.stdin.isTTY) {
        throw new CliError('attach needs a terminal, and stdin is not a TTY; use --no-tty to pipe input and output', EXIT_USAGE);
      }
      // Attaching is opening it: whatever it asked or reported is seen.
      const session = await ctx.call('sessions.seen', { ref: firstArg(args) });
      const client = await ctx.connect();
      return runAttached(client, session, opts.tty);
    },
  );
}

/** Streams the session to stdout and stdin to the session until detach, exit or a lost connection. */
function runAttached(client: ProtocolClient, session: SessionDto, tty: boolean): Promise<number> {
  const { stdout, stderr } = process;
  const id = session.id;
  return new Promise<number>((resolve) => {
    const store = new DisposableStore('attach');
    const acks = new AckBatcher((chars) => client.ack(id, chars));
    let done = false;
    const finish = (code: number, notice: string) => {
      if (done) return;
      done = true;
      store.dispose();
      if (!client.isClosed) {
        client.detach(id);
        client.dispose();
      }
      stderr.write(`${tty ? `${RESET_MODES}\r\n` : ''}${notice}\n`);
      resolve(code);
    };
    const detach = () => finish(EXIT_OK, `[detached from ${session.name}]`);

    if (tty) store.add(readRawKeys(id, client, detach));
    else store.add(readLines(id, client));

    if (tty) {
      const onResize = () => {
        const size = ttySize(stdout);
        if (size) client.resize(id, size.cols, size.rows);
      };
      process.on('SIGWINCH', onResize);
      store.add(toDisposable(() => process.off('SIGWINCH', onResize)));
    }
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, detach);
      store.add(toDisposable(() => process.off(signal, detach)));
    }

    store.add(
      client.onDidTerminalFrame((frame) => {
        if (frame.sessionId !== id) return;
        switch (frame.type) {
          case 'term.snapshot':
            stdout.write(tty ? `${CLEAR_SCREEN}${frame.data}` : frame.data);
            return;
          case 'term.data':
            writeAndAck(stdout, frame.data, frame.data.length, acks);
            return;
          case 'term.exit':
            finish(EXIT_OK, `[${session.name} exited${frame.exitCode === null ? '' : ` with code ${frame.exitCode}`}${frame.reason ? `: ${frame.reason}` : ''}]`);
            return;
          case 'term.error':
            finish(EXIT_ERROR, `berth: ${frame.error.message}`);
            return;
        }
      }),
    );
    store.add(client.onDidClose(() => finish(EXIT_ERROR, 'berth: the connection to the orchestrator closed')));
    client.attach(id, tty ? ttySize(stdout) : undefined);
  });
}

/** Raw-mode keyboard: every key goes to the session except Ctrl-], which detaches. Restores the tty. */
function readRawKeys(id: string, client: ProtocolClient, onDetach: () => void): DisposableStore {
  const store = new DisposableStore('attach keys');
  const { stdin } = process;
  const decoder = new StringDecoder('utf8');
  const restore = () => {
    if (stdin.isTTY) stdin.setRawMode(false);
  };
  stdin.setRawMode(true);
  process.on('exit', restore);
  const onData = (chunk: Buffer) => {
    const text = decoder.write(chunk);
    const at = text.indexOf(DETACH_KEY);
    if (at >= 0) {
      if (at > 0) client.input(id, text.slice(0, at));
      onDetach();
      return;
    }
    if (text.length > 0) client.input(id, text);
  };
  stdin.on('data', onData);
  stdin.resume();
  store.add(
    toDisposable(() => {
      stdin.off('data', onData);
      stdin.pause();
      restore();
      process.off('exit', restore);
    }),
  );
  return store;
}

/** Pipe mode: each stdin line is typed into the session followed by Enter. */
function readLines(id: string, client: ProtocolClient): DisposableStore {
  const store = new DisposableStore('attach lines');
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => client.input(id, `${line}${ENTER}`));
  store.add(toDisposable(() => lines.close()));
  return store;
}
