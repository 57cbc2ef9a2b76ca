import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DesktopChannel } from '../../src-preload/channels.js';
import { FakeWebContents, channels, resetElectronMock } from './testing/electron-mock.js';
import { PortBroker } from './port-broker.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(() => resetElectronMock());

function orchestrator() {
  return { postMessage: vi.fn() };
}

describe('PortBroker', () => {
  it('gives the window one end and the orchestrator the other, tagged with the window id', () => {
    const broker = new PortBroker(log);
    const child = orchestrator();
    broker.setOrchestrator(child);
    const window = new FakeWebContents();

    broker.connect(7, window);

    expect(channels).toHaveLength(1);
    const { port1, port2 } = channels[0]!;
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'berth.port', windowId: 7 }, [port1]);
    expect(window.postMessage).toHaveBeenCalledWith(DesktopChannel.port, null, [port2]);
    // The two ends handed out belong to the same channel.
    expect(port1.peer).toBe(port2);
  });

  it('makes a fresh channel for every request (re-request after the port closed)', () => {
    const broker = new PortBroker(log);
    const child = orchestrator();
    broker.setOrchestrator(child);
    const window = new FakeWebContents();
    broker.connect(1, window);
    broker.connect(1, window);
    expect(channels).toHaveLength(2);
    expect(window.postMessage.mock.calls[0]![2][0]).not.toBe(window.postMessage.mock.calls[1]![2][0]);
  });

  it('holds requests while the orchestrator is down and serves the latest per window when it is back', () => {
    const broker = new PortBroker(log);
    const a = new FakeWebContents();
    const b = new FakeWebContents();
    broker.connect(1, a);
    broker.connect(1, a);
    broker.connect(2, b);
    expect(channels).toHaveLength(0);
    expect(broker.pendingCount).toBe(2);

    const child = orchestrator();
    broker.setOrchestrator(child);
    expect(child.postMessage).toHaveBeenCalledTimes(2);
    expect(child.postMessage.mock.calls.map((call) => call[0].windowId).sort()).toEqual([1, 2]);
    expect(a.postMessage).toHaveBeenCalledOnce();
    expect(b.postMessage).toHaveBeenCalledOnce();
    expect(broker.pendingCount).toBe(0);
  });

  it('queues again after the orchestrator exits', () => {
    const broker = new PortBroker(log);
    broker.setOrchestrator(orchestrator());
    broker.setOrchestrator(undefined);
    broker.connect(3, new FakeWebContents());
    expect(channels).toHaveLength(0);
    expect(broker.pendingCount).toBe(1);
  });

  it('drops closed windows', () => {
    const broker = new PortBroker(log);
    const gone = new FakeWebContents();
    broker.connect(4, gone);
    broker.forget(4);
    const destroyed = new FakeWebContents();
    destroyed.destroyed = true;
    broker.connect(5, destroyed);
    const child = orchestrator();
    broker.setOrchestrator(child);
    expect(child.postMessage).not.toHaveBeenCalled();
  });

  it('closes both ends and waits when posting to a dying orchestrator throws', () => {
    const broker = new PortBroker(log);
    const dying = { postMessage: vi.fn(() => { throw new Error('process gone'); }) };
    broker.setOrchestrator(dying);
    const window = new FakeWebContents();
    broker.connect(6, window);
    const { port1, port2 } = channels[0]!;
    expect(port1.close).toHaveBeenCalled();
    expect(port2.close).toHaveBeenCalled();
    expect(window.postMessage).not.toHaveBeenCalled();
    expect(broker.pendingCount).toBe(1);
  });
});
