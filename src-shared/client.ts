/**
 * Protocol client: typed requests, events and terminal frames over any frame transport.
 *
 * Used by the renderer (WebSocket or MessagePort), the CLI and the tests (WebSocket), so the three speak
 * the contract through one implementation.
 */
import type { ClientFrame, EventFrame, MethodName, MethodParams, MethodResult, ServerFrame } from './contract.js';
import { Emitter, type Disposable, type Event } from './lifecycle.js';
import { err, type Result } from './result.js';

/** A bidirectional frame channel (a WebSocket, a MessagePort). */
export interface FrameTransport {
  send(frame: ClientFrame): void;
  readonly onFrame: Event<ServerFrame>;
  readonly onClose: Event<void>;
  close(): void;
}

export type TerminalFrame = Extract<ServerFrame, { type: 'term.snapshot' | 'term.data' | 'term.exit' | 'term.error' }>;

/** Typed client of the orchestrator. */
export class ProtocolClient implements Disposable {
  private nextId = 1;
  private readonly pending = new Map<number, (result: Result<unknown>) => void>();
  private readonly onDidEventEmitter = new Emitter<EventFrame>();
  private readonly onDidTerminalFrameEmitter = new Emitter<TerminalFrame>();
  private readonly onDidCloseEmitter = new Emitter<void>();
  private closed = false;
  private readonly subscriptions: Disposable[];

  /** Orchestrator events (session updated / removed / progress). */
  readonly onDidEvent = this.onDidEventEmitter.event;
  /** Terminal frames for attached sessions. */
  readonly onDidTerminalFrame = this.onDidTerminalFrameEmitter.event;
  readonly onDidClose = this.onDidCloseEmitter.event;

  constructor(private readonly transport: FrameTransport) {
    this.subscriptions = [
      transport.onFrame((frame) => this.handle(frame)),
      transport.onClose(() => this.handleClose()),
    ];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Calls a method; resolves with its Result (a closed connection is an error value, not a throw). */
  request<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>> {
    if (this.closed) return Promise.resolve(err('internal', 'connection to the orchestrator is closed'));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (result: Result<unknown>) => void);
      this.transport.send({ type: 'req', id, method, params });
    });
  }

  attach(sessionId: string, size?: { cols: number; rows: number }): void {
    this.transport.send({ type: 'term.attach', sessionId, ...size });
  }

  detach(sessionId: string): void {
    this.transport.send({ type: 'term.detach', sessionId });
  }

  input(sessionId: string, data: string): void {
    this.transport.send({ type: 'term.input', sessionId, data });
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.transport.send({ type: 'term.resize', sessionId, cols, rows });
  }

  /** Acknowledges `chars` characters written to the terminal (flow control). */
  ack(sessionId: string, chars: number): void {
    this.transport.send({ type: 'term.ack', sessionId, chars });
  }

  dispose(): void {
    this.transport.close();
    this.handleClose();
  }

  private handle(frame: ServerFrame): void {
    switch (frame.type) {
      case 'res': {
        const resolve = this.pending.get(frame.id);
        if (resolve) {
          this.pending.delete(frame.id);
          resolve(frame.result as Result<unknown>);
        }
        return;
      }
      case 'event':
        this.onDidEventEmitter.fire(frame);
        return;
      default:
        this.onDidTerminalFrameEmitter.fire(frame);
    }
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const resolve of this.pending.values()) resolve(err('internal', 'connection to the orchestrator closed'));
    this.pending.clear();
    for (const s of this.subscriptions) s.dispose();
    this.onDidCloseEmitter.fire();
    this.onDidEventEmitter.dispose();
    this.onDidTerminalFrameEmitter.dispose();
    this.onDidCloseEmitter.dispose();
  }
}
