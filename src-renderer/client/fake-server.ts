/**
 * In-memory orchestrator for renderer unit tests: answers requests from handlers, records terminal
 * frames, pushes events. Not used by the app itself.
 */
import type { FrameTransport } from '../../src-shared/client.js';
import type { ClientFrame, EventFrame, MethodName, MethodParams, MethodResult, ServerFrame } from '../../src-shared/contract.js';
import { Emitter } from '../../src-shared/lifecycle.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';

type Handler<M extends MethodName> = (params: MethodParams<M>) => Result<MethodResult<M>> | MethodResult<M>;

/** A fake orchestrator speaking frames through transports it hands out. */
export class FakeServer {
  private readonly handlers = new Map<string, (params: unknown) => unknown>();
  private readonly transports = new Set<{ onFrame: Emitter<ServerFrame>; onClose: Emitter<void> }>();
  /** Every frame clients sent, oldest first. */
  readonly sent: ClientFrame[] = [];
  /** How many transports were opened (connect attempts that succeeded). */
  opened = 0;
  /** When true, connect attempts fail. */
  refuse = false;

  on<M extends MethodName>(method: M, handler: Handler<M>): this {
    this.handlers.set(method, handler as (params: unknown) => unknown);
    return this;
  }

  /** A transport factory for `Connection`. */
  readonly factory = async (): Promise<FrameTransport> => {
    if (this.refuse) throw new Error('refused');
    this.opened++;
    const onFrame = new Emitter<ServerFrame>();
    const onClose = new Emitter<void>();
    const entry = { onFrame, onClose };
    this.transports.add(entry);
    return {
      send: (frame) => {
        this.sent.push(frame);
        if (frame.type === 'req') queueMicrotask(() => onFrame.fire(this.answer(frame.id, frame.method, frame.params)));
      },
      onFrame: onFrame.event,
      onClose: onClose.event,
      close: () => this.closeEntry(entry),
    };
  };

  /** Pushes a frame to every open transport. */
  push(frame: ServerFrame): void {
    for (const { onFrame } of this.transports) onFrame.fire(frame);
  }

  emit(event: EventFrame): void {
    this.push(event);
  }

  /** Drops every connection, as if the orchestrator went away. */
  dropAll(): void {
    for (const entry of [...this.transports]) this.closeEntry(entry);
  }

  /** Frames of one type sent by clients. */
  sentOfType<T extends ClientFrame['type']>(type: T): Array<Extract<ClientFrame, { type: T }>> {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);
  }

  private closeEntry(entry: { onFrame: Emitter<ServerFrame>; onClose: Emitter<void> }): void {
    if (!this.transports.delete(entry)) return;
    entry.onClose.fire();
  }

  private answer(id: number, method: string, params: unknown): ServerFrame {
    const handler = this.handlers.get(method);
    if (!handler) return { type: 'res', id, result: err('not_found', `no handler for ${method}`) };
    const value = handler(params);
    const result =
      value !== null && typeof value === 'object' && 'ok' in value && typeof (value as { ok: unknown }).ok === 'boolean'
        ? (value as Result<unknown>)
        : ok(value);
    return { type: 'res', id, result };
  }
}

/** A plausible session DTO for tests. */
export function makeSession(overrides: Partial<SessionDto> = {}): SessionDto {
  const id = overrides.id ?? 's1';
  const name = overrides.name ?? 'fix-tests';
  return {
    id,
    name,
    repoPath: '/repo',
    worktreePath: `/data/worktrees/${name}`,
    branch: `berth/${name}`,
    baseBranch: 'main',
    agent: 'shell',
    backend: 'local',
    prompt: 'echo hi',
    model: null,
    command: ['bash'],
    state: 'running',
    exitCode: null,
    reason: null,
    archived: false,
    createdAt: 1_000,
    updatedAt: 1_000,
    cols: 120,
    rows: 32,
    pid: 42,
    phases: { worktreeMs: 120, startMs: 30, firstOutputMs: 200 },
    docker: null,
    stats: null,
    ...overrides,
  };
}
