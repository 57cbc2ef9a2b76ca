import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLOW_ACK_BATCH_CHARS } from '../../../src-shared/flow-control.js';
import { Connection } from '../../client/connection.js';
import { FakeServer } from '../../testing/fake-server.js';
import { TerminalController, type TerminalStatus } from './terminal-controller.js';

class NoopResizeObserver {
  observe(): void {}
  disconnect(): void {}
  unobserve(): void {}
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function waitFor(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  return vi.waitFor(() => expect(predicate()).toBe(true), { timeout: timeoutMs, interval: 10 });
}

describe('TerminalController', () => {
  beforeEach(() => {
    vi.stubGlobal('ResizeObserver', NoopResizeObserver);
    // jsdom has no matchMedia; xterm watches devicePixelRatio through it.
    vi.stubGlobal('matchMedia', () => ({ matches: false, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {} }));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  async function setup(attachable: boolean) {
    const server = new FakeServer();
    const connection = new Connection(server.factory);
    connection.start();
    await flush();
    const container = document.createElement('div');
    document.body.append(container);
    const statuses: TerminalStatus[] = [];
    const controller = new TerminalController({
      container,
      connection,
      sessionId: 's1',
      attachable,
      renderer: 'dom',
      links: { confirm: () => false, desktop: null, openWindow: () => undefined },
      onStatus: (s) => statuses.push(s),
    });
    return { server, connection, controller, statuses };
  }

  it('attaches, acks live output in batches, reports exit and detaches on dispose', async () => {
    const { server, connection, controller, statuses } = await setup(true);
    expect(server.sentOfType('term.attach')).toEqual([expect.objectContaining({ sessionId: 's1' })]);

    server.push({ type: 'term.snapshot', sessionId: 's1', data: 'hello\r\n', cols: 80, rows: 24 });
    server.push({ type: 'term.snapshot', sessionId: 'other', data: 'nope', cols: 80, rows: 24 });
    expect(statuses.at(-1)).toEqual({ kind: 'live' });

    const chunk = 'x'.repeat(FLOW_ACK_BATCH_CHARS / 2);
    for (let i = 0; i < 3; i++) server.push({ type: 'term.data', sessionId: 's1', data: chunk });
    await waitFor(() => server.sentOfType('term.ack').reduce((n, f) => n + f.chars, 0) === chunk.length * 3);
    // The snapshot is not counted by the orchestrator, so it is not acknowledged.
    expect(server.sentOfType('term.ack').every((f) => f.sessionId === 's1')).toBe(true);

    server.push({ type: 'term.exit', sessionId: 's1', exitCode: 2, reason: null });
    expect(statuses.at(-1)).toEqual({ kind: 'exited', exitCode: 2, reason: null });

    controller.dispose();
    expect(server.sentOfType('term.detach')).toEqual([{ type: 'term.detach', sessionId: 's1' }]);
    connection.dispose();
  });

  it('waits for a live terminal before attaching, and re-attaches after a reconnect', async () => {
    const { server, connection, controller } = await setup(false);
    expect(server.sentOfType('term.attach')).toEqual([]);
    controller.setAttachable(true);
    expect(server.sentOfType('term.attach')).toHaveLength(1);

    server.dropAll();
    await vi.waitFor(() => expect(server.sentOfType('term.attach')).toHaveLength(2), { timeout: 3_000 });
    controller.setAttachable(false);
    expect(server.sentOfType('term.detach')).toHaveLength(1);
    controller.dispose();
    expect(server.sentOfType('term.detach')).toHaveLength(1);
    connection.dispose();
  });
});
