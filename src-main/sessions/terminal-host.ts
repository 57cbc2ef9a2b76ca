/**
 * One live terminal: batches the agent's output, mirrors it into a headless xterm for late joiners,
 * fans it out to attached clients and applies ack-based flow control.
 */
import type * as XtermHeadless from '@xterm/headless';
import type * as XtermSerialize from '@xterm/addon-serialize';
import type { ServerFrame } from '../../src-shared/contract.js';
import {
  DEFAULT_COLS,
  DEFAULT_ROWS,
  FLOW_HIGH_WATERMARK_CHARS,
  FLOW_LOW_WATERMARK_CHARS,
  OUTPUT_BATCH_MS,
  OUTPUT_MAX_FRAME_CHARS,
  SNAPSHOT_SCROLLBACK_LINES,
} from '../../src-shared/flow-control.js';
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../../src-shared/lifecycle.js';
import type { ExitInfo, ITerminalProcess } from '../backends/backend.js';

type HeadlessTerminal = XtermHeadless.Terminal;

/**
 * Most output the headless terminal parses in one go. xterm parses a write in one piece and yields only
 * between writes after 12 ms (its WriteBuffer), so one big batch from a fast agent held the event loop
 * for tens of ms; in slices of this size each parse step is ~1 ms (~40 MB/s), and timers, sockets and
 * other sessions run in between.
 */
export const HEADLESS_SLICE_CHARS = 16 * 1024;
type Serializer = XtermSerialize.SerializeAddon;

interface HeadlessModules {
  Terminal: typeof XtermHeadless.Terminal;
  SerializeAddon: typeof XtermSerialize.SerializeAddon;
}

let headless: Promise<HeadlessModules> | null = null;

/**
 * Loads the headless xterm on first use: it is a large CommonJS module (~60 ms, ~14 MB), and an
 * orchestrator with no live session has no use for it.
 */
export function loadHeadless(): Promise<HeadlessModules> {
  headless ??= Promise.all([import('@xterm/headless'), import('@xterm/addon-serialize')]).then(([xterm, serialize]) => ({
    Terminal: (xterm.default ?? xterm).Terminal,
    SerializeAddon: (serialize.default ?? serialize).SerializeAddon,
  }));
  return headless;
}

interface HeadlessPair {
  terminal: HeadlessTerminal;
  serializer: Serializer;
}

function buildHeadless({ Terminal, SerializeAddon }: HeadlessModules): HeadlessPair {
  const terminal = new Terminal({ cols: DEFAULT_COLS, rows: DEFAULT_ROWS, scrollback: SNAPSHOT_SCROLLBACK_LINES, allowProposedApi: true });
  const serializer = new SerializeAddon();
  terminal.loadAddon(serializer);
  return { terminal, serializer };
}

/**
 * One headless terminal built ahead of need. Building one costs 1-3 ms of CPU; a session create builds
 * the spare while git makes the worktree (the CPU is idle then), so the new terminal doesn't sit
 * between the agent's spawn and its first output.
 */
let spare: HeadlessPair | null = null;

export async function prewarmHeadless(): Promise<void> {
  const modules = await loadHeadless();
  spare ??= buildHeadless(modules);
}

function takeSpare(): HeadlessPair | null {
  const taken = spare;
  spare = null;
  return taken;
}

/** Where frames for one attached client go. */
export interface TerminalSink {
  send(frame: ServerFrame): void;
}

interface Client {
  sink: TerminalSink;
  unacked: number;
  /** Frames held back until the client's snapshot has been sent. */
  pending: ServerFrame[] | null;
}

/** Splits `data` into frames of at most `max` chars, never between a surrogate pair. */
export function splitFrames(data: string, max = OUTPUT_MAX_FRAME_CHARS): string[] {
  if (data.length <= max) return [data];
  const parts: string[] = [];
  let start = 0;
  while (start < data.length) {
    let end = Math.min(start + max, data.length);
    const last = data.charCodeAt(end - 1);
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(data.slice(start, end));
    start = end;
  }
  return parts;
}

export class TerminalHost implements Disposable {
  private readonly store = new DisposableStore('terminal-host');
  private readonly terminal: HeadlessTerminal;
  private readonly serializer: Serializer;
  private readonly clients = new Map<object, Client>();
  private buffer = '';
  private flushTimer: NodeJS.Timeout | null = null;
  private paused = false;
  private exitInfo: ExitInfo | null = null;
  private lastOutputAt = 0;
  private heldInput: string[] | null = null;
  /** Output (and "parsed up to here" callbacks) waiting for the headless terminal, in order. */
  private readonly parseQueue: { data: string; done?: () => void }[] = [];
  private parsing = false;
  private nextSlice: NodeJS.Immediate | null = null;

  private readonly onDidFirstOutputEmitter = this.store.add(new Emitter<void>());
  private readonly onDidOutputEmitter = this.store.add(new Emitter<void>());
  private readonly onDidExitEmitter = this.store.add(new Emitter<ExitInfo>());
  /** The first byte of output arrived (a create phase). */
  readonly onDidFirstOutput = this.onDidFirstOutputEmitter.event;
  /** A batch of output was flushed (activity, for running/idle). */
  readonly onDidOutput = this.onDidOutputEmitter.event;
  readonly onDidExit = this.onDidExitEmitter.event;

  /** Creates the host once the headless terminal is loaded. */
  static async create(sessionId: string, process: ITerminalProcess, cols: number, rows: number): Promise<TerminalHost> {
    return new TerminalHost(await loadHeadless(), sessionId, process, cols, rows);
  }

  private constructor(
    { Terminal, SerializeAddon }: HeadlessModules,
    readonly sessionId: string,
    private readonly process: ITerminalProcess,
    private cols: number,
    private rows: number,
  ) {
    const built = takeSpare() ?? buildHeadless({ Terminal, SerializeAddon });
    this.terminal = built.terminal;
    this.serializer = built.serializer;
    if (this.terminal.cols !== cols || this.terminal.rows !== rows) this.terminal.resize(cols, rows);
    this.store.add(toDisposable(() => this.terminal.dispose()));
    let first = true;
    this.store.add(
      process.onDidOutput((data) => {
        if (first) {
          first = false;
          this.onDidFirstOutputEmitter.fire();
        }
        this.buffer += data;
        this.flushTimer ??= setTimeout(() => this.flush(), OUTPUT_BATCH_MS);
        // Output not yet flushed counts toward the watermark, or a fast agent overruns it within a batch.
        if (!this.paused && this.clients.size > 0 && this.maxUnacked() + this.buffer.length > FLOW_HIGH_WATERMARK_CHARS) {
          this.paused = true;
          this.process.pause();
        }
      }),
    );
    this.store.add(
      process.onDidExit((info) => {
        this.flush();
        this.exitInfo = info;
        for (const client of this.clients.values()) {
          this.deliver(client, { type: 'term.exit', sessionId, exitCode: info.exitCode, reason: info.reason });
        }
        this.onDidExitEmitter.fire(info);
      }),
    );
    this.store.add(toDisposable(() => this.flushTimer && clearTimeout(this.flushTimer)));
    this.store.add(toDisposable(() => this.nextSlice && clearImmediate(this.nextSlice)));
  }

  get pid(): number | null {
    return this.process.pid;
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get exited(): ExitInfo | null {
    return this.exitInfo;
  }

  get millisSinceOutput(): number {
    return this.lastOutputAt === 0 ? Number.POSITIVE_INFINITY : Date.now() - this.lastOutputAt;
  }

  /**
   * Attaches a client: it gets the current screen as a snapshot, then live output, in order.
   * The returned disposable detaches it.
   */
  attach(key: object, sink: TerminalSink): Disposable {
    this.detach(key);
    // Output already batched goes to the terminal (and the other clients) first: it is part of the
    // snapshot, so it must not also be replayed to this client.
    this.flush();
    const client: Client = { sink, unacked: 0, pending: [] };
    this.clients.set(key, client);
    // Everything written so far is parsed once this callback runs; output after it is held in `pending`.
    this.afterParsed(() => {
      if (this.clients.get(key) !== client) return;
      sink.send({
        type: 'term.snapshot',
        sessionId: this.sessionId,
        data: this.serializer.serialize({ scrollback: SNAPSHOT_SCROLLBACK_LINES }),
        cols: this.cols,
        rows: this.rows,
      });
      const held = client.pending ?? [];
      client.pending = null;
      for (const frame of held) sink.send(frame);
    });
    if (this.exitInfo) {
      this.deliver(client, { type: 'term.exit', sessionId: this.sessionId, exitCode: this.exitInfo.exitCode, reason: this.exitInfo.reason });
    }
    return toDisposable(() => this.detach(key));
  }

  detach(key: object): void {
    if (this.clients.delete(key)) this.updateFlow();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  ack(key: object, chars: number): void {
    const client = this.clients.get(key);
    if (!client) return;
    client.unacked = Math.max(0, client.unacked - chars);
    this.updateFlow();
  }

  write(data: string): void {
    if (this.exitInfo) return;
    if (this.heldInput) this.heldInput.push(data);
    else this.process.write(data);
  }

  /** Queues clients' keystrokes (while Berth types the agent's initial command). */
  holdInput(): void {
    this.heldInput ??= [];
  }

  /** Writes `first`, then whatever clients typed meanwhile, and stops holding. */
  releaseInput(first: string): void {
    const held = this.heldInput ?? [];
    this.heldInput = null;
    if (this.exitInfo) return;
    this.process.write(first);
    for (const data of held) this.process.write(data);
  }

  resize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return;
    if (this.exitInfo) return;
    this.cols = cols;
    this.rows = rows;
    this.terminal.resize(cols, rows);
    this.process.resize(cols, rows);
  }

  /** Plain text of scrollback + screen, trailing blank lines trimmed. */
  text(): Promise<string> {
    return new Promise((resolve) => {
      this.flush();
      this.afterParsed(() => {
        const buf = this.terminal.buffer.active;
        const lines: string[] = [];
        for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
        while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
        resolve(lines.join('\n'));
      });
    });
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  dispose(): void {
    this.clients.clear();
    this.store.dispose();
    this.process.dispose();
  }

  private flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.buffer.length === 0) return;
    const data = this.buffer;
    this.buffer = '';
    this.lastOutputAt = Date.now();
    this.parse(data);
    for (const chunk of splitFrames(data)) {
      for (const client of this.clients.values()) {
        client.unacked += chunk.length;
        this.deliver(client, { type: 'term.data', sessionId: this.sessionId, data: chunk });
      }
    }
    this.updateFlow();
    this.onDidOutputEmitter.fire();
  }

  /** Queues output for the headless terminal, in slices of at most HEADLESS_SLICE_CHARS. */
  private parse(data: string): void {
    const last = this.parseQueue.at(-1);
    if (last && !last.done && last.data.length + data.length <= HEADLESS_SLICE_CHARS) last.data += data;
    else for (const slice of splitFrames(data, HEADLESS_SLICE_CHARS)) this.parseQueue.push({ data: slice });
    this.pump();
  }

  /** Runs `done` once everything queued so far is parsed. */
  private afterParsed(done: () => void): void {
    this.parseQueue.push({ data: '', done });
    this.pump();
  }

  /** Hands the headless terminal one slice; the next goes after the event loop had a turn. */
  private pump(): void {
    if (this.parsing) return;
    const item = this.parseQueue.shift();
    if (!item) return;
    this.parsing = true;
    this.terminal.write(item.data, () => {
      this.parsing = false;
      item.done?.();
      if (this.parseQueue.length > 0 && !this.nextSlice) {
        this.nextSlice = setImmediate(() => {
          this.nextSlice = null;
          this.pump();
        });
      }
    });
  }

  private deliver(client: Client, frame: ServerFrame): void {
    if (client.pending) client.pending.push(frame);
    else client.sink.send(frame);
  }

  /** Pause above the high watermark for any client; resume once all are below the low one. */
  private maxUnacked(): number {
    let max = 0;
    for (const c of this.clients.values()) max = Math.max(max, c.unacked);
    return max;
  }

  private updateFlow(): void {
    const max = this.maxUnacked();
    if (!this.paused && max > FLOW_HIGH_WATERMARK_CHARS) {
      this.paused = true;
      this.process.pause();
    } else if (this.paused && max < FLOW_LOW_WATERMARK_CHARS) {
      this.paused = false;
      this.process.resume();
    }
  }
}
