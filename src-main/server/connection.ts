/**
 * One client connection (a WebSocket or a desktop window's MessagePort): requests, pushed events and
 * attached terminals. Every frame is parsed with the contract's schema.
 */
import { ClientFrame, type EventFrame, type ServerFrame } from '../../src-shared/contract.js';
import { DisposableStore, type Disposable, type Event } from '../../src-shared/lifecycle.js';
import { describeZodError, err } from '../../src-shared/result.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Api } from './api.js';
import type { Principal } from './security.js';

/** A frame channel as seen from the orchestrator. */
export interface ServerTransport {
  send(frame: ServerFrame): void;
}

export class Connection implements Disposable {
  private readonly store = new DisposableStore('connection');
  private readonly attachments = new Map<string, Disposable>();
  /** Identity of this client in each terminal host. */
  private readonly key = {};

  constructor(
    private readonly transport: ServerTransport,
    private readonly api: Api,
    private readonly sessions: SessionService,
    /** Orchestrator events beyond sessions' (egress asks), sent to every client. */
    events?: Event<EventFrame>,
    /** Who is on the other end (the gate's verdict); absent for the desktop window's MessagePort. */
    private readonly caller?: Principal,
  ) {
    if (events) this.store.add(events((frame) => transport.send(frame)));
    this.store.add(sessions.onDidUpdate((session) => transport.send({ type: 'event', event: 'session.updated', session })));
    this.store.add(sessions.onDidRemove((id) => transport.send({ type: 'event', event: 'session.removed', id })));
    this.store.add(sessions.onDidProgress((progress) => transport.send({ type: 'event', event: 'session.progress', progress })));
    this.store.add(
      sessions.onDidStartTerminal((id) => {
        if (this.attachments.has(id)) this.attach(id);
      }),
    );
  }

  /** Handles one incoming frame (already JSON-decoded for WebSockets). */
  async receive(raw: unknown): Promise<void> {
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) {
      const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
      this.transport.send({ type: 'res', id, result: err('bad_request', `malformed frame: ${describeZodError(parsed.error)}`) });
      return;
    }
    const frame = parsed.data;
    switch (frame.type) {
      case 'req': {
        const result = await this.api(frame.method, frame.params, this.caller);
        if (!this.store.isDisposed) this.transport.send({ type: 'res', id: frame.id, result });
        return;
      }
      case 'term.attach':
        this.attach(frame.sessionId, frame.cols, frame.rows);
        return;
      case 'term.detach':
        this.attachments.get(frame.sessionId)?.dispose();
        this.attachments.delete(frame.sessionId);
        return;
      case 'term.input':
        this.sessions.host(frame.sessionId)?.write(frame.data);
        return;
      case 'term.resize':
        this.sessions.resize(frame.sessionId, frame.cols, frame.rows);
        return;
      case 'term.ack':
        this.sessions.host(frame.sessionId)?.ack(this.key, frame.chars);
        return;
    }
  }

  private attach(sessionId: string, cols?: number, rows?: number): void {
    const session = this.sessions.find(sessionId);
    if (!session.ok) {
      this.transport.send({ type: 'term.error', sessionId, error: session.error });
      return;
    }
    const host = this.sessions.host(session.value.id);
    if (!host) {
      const { state, exitCode, reason } = session.value;
      this.transport.send({
        type: 'term.error',
        sessionId,
        error: { code: 'invalid_state', message: `session "${session.value.name}" is ${state}${exitCode !== null ? ` (exit code ${exitCode})` : ''}${reason ? `: ${reason}` : ''}; it has no live terminal` },
      });
      return;
    }
    if (cols && rows) this.sessions.resize(session.value.id, cols, rows);
    this.attachments.get(sessionId)?.dispose();
    this.attachments.set(sessionId, host.attach(this.key, this.transport));
  }

  dispose(): void {
    for (const a of this.attachments.values()) a.dispose();
    this.attachments.clear();
    this.store.dispose();
  }
}
