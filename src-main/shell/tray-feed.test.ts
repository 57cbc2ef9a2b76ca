import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessagePortMain } from 'electron';
import { FakeMessagePort, MessageChannelMain, resetElectronMock } from './testing/electron-mock.js';
import { TRAY_CLIENT_ID, connectTrayFeed, type TraySink } from './tray-feed.js';
import type { PortRequester } from './port-broker.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(() => resetElectronMock());

function sink() {
  return {
    setSessions: vi.fn<TraySink['setSessions']>(),
    updateSession: vi.fn<TraySink['updateSession']>(),
    removeSession: vi.fn<TraySink['removeSession']>(),
    setOnQuit: vi.fn<TraySink['setOnQuit']>(),
  };
}

/** A broker that hands every request a fresh channel at once; `orchestratorEnds` are the far ports. */
function broker() {
  const orchestratorEnds: FakeMessagePort[] = [];
  return {
    orchestratorEnds,
    forget: vi.fn(),
    connect: vi.fn((id: number, requester: PortRequester) => {
      expect(id).toBe(TRAY_CLIENT_ID);
      const { port1, port2 } = new MessageChannelMain();
      orchestratorEnds.push(port1);
      requester.postMessage('berth:port', null, [port2 as unknown as MessagePortMain]);
    }),
  };
}

describe('tray feed', () => {
  it('asks for a new port and lists again when the orchestrator restarts; ignores answers that are not sessions', async () => {
    const tray = sink();
    const b = broker();
    const feed = connectTrayFeed(tray, b, log);
    const mine = b.orchestratorEnds[0]!.peer!;
    const list = mine.postMessage.mock.calls.map(([f]) => f as { id: number; method: string }).find((f) => f.method === 'sessions.list')!;
    mine.emit('message', { data: { type: 'res', id: list.id, result: { ok: true, value: [{ id: 'not a session' }] } } });
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalled());
    expect(tray.setSessions).not.toHaveBeenCalled();
    mine.emit('close');
    expect(b.connect).toHaveBeenCalledTimes(2);
    const again = b.orchestratorEnds[1]!.peer!;
    expect(again.postMessage.mock.calls.map(([f]) => (f as { method: string }).method)).toContain('sessions.list');
    feed.dispose();
    expect(b.forget).toHaveBeenCalledWith(TRAY_CLIENT_ID);
    again.emit('close');
    expect(b.connect).toHaveBeenCalledTimes(2);
  });
});
