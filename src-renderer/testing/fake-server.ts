/**
 * In-memory orchestrator for renderer unit tests: answers requests from handlers, records terminal
 * frames, pushes events. Not used by the app itself.
 *
 * It holds both sides to the contract like the real server does: params are parsed with the method's
 * schema (invalid ones get the server's `bad_request` answer, and the handler sees the parsed params),
 * and a handler whose answer is outside the method's result schema makes the request throw, so a test
 * can't pass on data the orchestrator would never send.
 */
import type { z } from 'zod';
import type { FrameTransport } from '../../src-shared/client.js';
import { isMethodName, methods, type ClientFrame, type EventFrame, type MethodName, type MethodResult, type Methods, type ServerFrame } from '../../src-shared/contract.js';
import { Emitter } from '../../src-shared/lifecycle.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { describeZodError, err, ErrorDto, ok, type Result } from '../../src-shared/result.js';

type Handler<M extends MethodName> = (params: z.output<Methods[M]['params']>) => Result<MethodResult<M>> | MethodResult<M>;

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
        if (frame.type !== 'req') return;
        // Answered now (a handler outside the contract throws in the caller's request), delivered later.
        const answer = this.answer(frame.id, frame.method, frame.params);
        queueMicrotask(() => onFrame.fire(answer));
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
    if (!isMethodName(method) || !handler) return { type: 'res', id, result: err('not_found', `no handler for ${method}`) };
    const parsed = methods[method].params.safeParse(params ?? {});
    if (!parsed.success) return { type: 'res', id, result: err('bad_request', `invalid parameters for ${method}: ${describeZodError(parsed.error)}`) };
    const value = handler(parsed.data);
    const result =
      value !== null && typeof value === 'object' && 'ok' in value && typeof (value as { ok: unknown }).ok === 'boolean'
        ? (value as Result<unknown>)
        : ok(value);
    const checked = result.ok ? methods[method].result.safeParse(result.value) : ErrorDto.safeParse(result.error);
    if (!checked.success) throw new Error(`fake server: the ${method} handler answered outside the contract: ${describeZodError(checked.error)}`);
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
    state: 'working',
    exitCode: null,
    reason: null,
    unsynced: null,
    conversationId: null,
    archived: false,
    createdAt: 1_000,
    updatedAt: 1_000,
    cols: 120,
    rows: 32,
    pid: 42,
    phases: { worktreeMs: 120, startMs: 30, firstOutputMs: 200 },
    docker: null,
    stats: null,
    ports: [],
    git: null,
    attention: { detail: null, source: 'activity', since: 0, unread: false },
    ...overrides,
  };
}
