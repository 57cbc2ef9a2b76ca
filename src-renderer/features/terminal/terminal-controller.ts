/**
 * One xterm bound to one session: attach, snapshot then live output, input, resize, flow control.
 *
 * Lives outside React state: terminal bytes go from the client straight into xterm, never through the
 * store. Everything with a lifetime is registered in one DisposableStore.
 */
import { FitAddon } from '@xterm/addon-fit';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import type { ProtocolClient, TerminalFrame } from '../../../src-shared/client.js';
import { DisposableStore, toDisposable, type Disposable } from '../../../src-shared/lifecycle.js';
import { assertNever } from '../../../src-shared/result.js';
import type { Connection } from '../../client/connection.js';
import type { LinkOpenerDeps } from '../../client/safe-links.js';
import type { TerminalRendererPref } from '../../store/ui-slice.js';
import { AckCounter } from './ack-counter.js';
import { osc8LinkHandler, urlLinkProvider } from './terminal-links.js';
import { TERMINAL_FONT_FAMILY, TERMINAL_FONT_SIZE, TERMINAL_SCROLLBACK_LINES, TERMINAL_THEME } from './terminal-theme.js';

/** Resize events are coalesced for this long before fitting and telling the orchestrator. */
export const RESIZE_DEBOUNCE_MS = 50;

/** What the pane shows around the terminal. */
export type TerminalStatus =
  | { kind: 'attaching' }
  | { kind: 'live' }
  | { kind: 'exited'; exitCode: number | null; reason: string | null }
  | { kind: 'error'; message: string };

/** Inputs of a TerminalController. */
export interface TerminalControllerOptions {
  container: HTMLElement;
  connection: Connection;
  sessionId: string;
  /** Whether the session has a live terminal to attach to (running, idle or waiting). */
  attachable: boolean;
  renderer: TerminalRendererPref;
  links: LinkOpenerDeps;
  onStatus(status: TerminalStatus): void;
}

/** Drives one xterm instance for one session. */
export class TerminalController implements Disposable {
  private readonly store = new DisposableStore('terminal');
  private readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private client: ProtocolClient | null = null;
  private ack: AckCounter | null = null;
  /** The size the orchestrator was last told (or reported in a snapshot). */
  private remoteSize: { cols: number; rows: number } | null = null;
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private attachable: boolean;
  private attached = false;

  constructor(private readonly options: TerminalControllerOptions) {
    const { container, links } = options;
    this.attachable = options.attachable;
    this.term = new Terminal({
      scrollback: TERMINAL_SCROLLBACK_LINES,
      fontFamily: TERMINAL_FONT_FAMILY,
      fontSize: TERMINAL_FONT_SIZE,
      theme: TERMINAL_THEME,
      cursorBlink: true,
      allowProposedApi: false,
      linkHandler: osc8LinkHandler(links),
    });
    this.store.add(this.term);
    this.term.loadAddon(this.fitAddon);
    this.term.open(container);
    if (options.renderer === 'webgl') this.enableWebgl();
    this.store.add(this.term.registerLinkProvider(urlLinkProvider(this.term, links)));
    this.safeFit();

    this.store.add(this.term.onData((data) => this.client?.input(this.options.sessionId, data)));

    const observer = new ResizeObserver(() => this.scheduleFit());
    observer.observe(container);
    this.store.add(toDisposable(() => observer.disconnect()));
    this.store.add(toDisposable(() => clearTimeout(this.resizeTimer)));

    this.store.add(options.connection.withClient((client) => this.attachTo(client)));
  }

  /** Moves keyboard focus into the terminal. */
  focus(): void {
    this.term.focus();
  }

  /**
   * Attaches once the session has a live terminal (it started or restarted: a fresh snapshot follows)
   * and detaches when it ends, keeping the last screen on display.
   */
  setAttachable(attachable: boolean): void {
    if (attachable === this.attachable) return;
    this.attachable = attachable;
    const client = this.client;
    if (!client) return;
    if (attachable) {
      this.beginAttach(client);
    } else if (this.attached) {
      this.attached = false;
      this.ack?.dispose();
      this.ack = null;
      client.detach(this.options.sessionId);
    }
  }

  dispose(): void {
    this.store.dispose();
  }

  private attachTo(client: ProtocolClient): Disposable {
    const perClient = new DisposableStore('terminal.client');
    this.client = client;
    perClient.add(
      client.onDidTerminalFrame((frame) => {
        if (frame.sessionId === this.options.sessionId) this.handleFrame(frame);
      }),
    );
    if (this.attachable) this.beginAttach(client);
    perClient.add(
      toDisposable(() => {
        this.ack?.dispose();
        this.ack = null;
        if (this.client === client) this.client = null;
        if (this.attached && !client.isClosed) client.detach(this.options.sessionId);
        this.attached = false;
      }),
    );
    return perClient;
  }

  private beginAttach(client: ProtocolClient): void {
    this.ack?.dispose();
    this.ack = new AckCounter((chars) => client.ack(this.options.sessionId, chars));
    this.safeFit();
    const size = { cols: this.term.cols, rows: this.term.rows };
    this.remoteSize = size;
    this.attached = true;
    this.options.onStatus({ kind: 'attaching' });
    client.attach(this.options.sessionId, size);
  }

  private handleFrame(frame: TerminalFrame): void {
    switch (frame.type) {
      case 'term.snapshot': {
        this.term.reset();
        // Draw the snapshot at the size it was taken at, then fit back to the pane.
        if (frame.cols !== this.term.cols || frame.rows !== this.term.rows) this.term.resize(frame.cols, frame.rows);
        this.remoteSize = { cols: frame.cols, rows: frame.rows };
        // The orchestrator does not count the snapshot as unacknowledged output: no ack for it.
        this.term.write(frame.data, () => this.fitAndReport());
        this.options.onStatus({ kind: 'live' });
        return;
      }
      case 'term.data':
        this.write(frame.data);
        return;
      case 'term.exit':
        this.options.onStatus({ kind: 'exited', exitCode: frame.exitCode, reason: frame.reason });
        return;
      case 'term.error':
        this.options.onStatus({ kind: 'error', message: frame.error.message });
        return;
      default:
        assertNever(frame);
    }
  }

  private write(data: string): void {
    const ack = this.ack;
    ack?.willWrite();
    this.term.write(data, () => ack?.didWrite(data.length));
  }

  private enableWebgl(): void {
    // WebGL only for visible panes (Chromium keeps ~16 contexts); the DOM renderer is the fallback.
    // https://github.com/xtermjs/xterm.js/tree/master/addons/addon-webgl#handling-context-loss
    try {
      const webgl = new WebglAddon();
      const disposeOnce = toDisposable(() => webgl.dispose());
      this.store.add(webgl.onContextLoss(() => disposeOnce.dispose()));
      this.term.loadAddon(webgl);
      this.store.add(disposeOnce);
    } catch {
      // No WebGL2 here: xterm keeps its DOM renderer.
    }
  }

  private scheduleFit(): void {
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => this.fitAndReport(), RESIZE_DEBOUNCE_MS);
  }

  private safeFit(): void {
    const { container } = this.options;
    if (container.clientWidth === 0 || container.clientHeight === 0) return; // hidden: keep the size
    try {
      this.fitAddon.fit();
    } catch {
      // The renderer may not have measured its cells yet; the next resize fits.
    }
  }

  private fitAndReport(): void {
    if (this.store.isDisposed) return;
    this.safeFit();
    const { cols, rows } = this.term;
    if (this.remoteSize && this.remoteSize.cols === cols && this.remoteSize.rows === rows) return;
    this.remoteSize = { cols, rows };
    this.client?.resize(this.options.sessionId, cols, rows);
  }
}
