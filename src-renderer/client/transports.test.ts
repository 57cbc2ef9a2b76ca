import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../../src-shared/contract.js';
import { PORT_MESSAGE_TYPE } from '../../src-shared/desktop-bridge.js';
import { messagePortTransportFactory, TransportError, webSocketTransportFactory, webSocketUrl } from './transports.js';

/** A window stand-in: the factory only listens for `message` events on it. */
function fakeWindow() {
  const target = new EventTarget();
  const win = target as unknown as Window;
  const deliverPort = (port: MessagePort) => {
    const event = Object.assign(new Event('message'), { data: { type: PORT_MESSAGE_TYPE }, ports: [port], source: win });
    target.dispatchEvent(event);
  };
  return { win, deliverPort };
}

describe('webSocketUrl', () => {
  it('follows the page scheme and host', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:4000' })).toBe('ws://127.0.0.1:4000/api/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'berth.example' })).toBe('wss://berth.example/api/ws');
  });
});

describe('webSocketTransportFactory', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('offers the login secret as a subprotocol, never as a cookie or in the URL, and opens nothing without one', async () => {
    const opened: Array<{ url: string; protocols: unknown }> = [];
    class RecordingSocket extends EventTarget {
      static readonly OPEN = 1;
      readyState = 0;
      constructor(url: string, protocols?: string | string[]) {
        super();
        opened.push({ url, protocols });
        queueMicrotask(() => {
          this.readyState = 1;
          this.dispatchEvent(new Event('open'));
        });
      }
      send(): void {}
      close(): void {}
    }
    vi.stubGlobal('WebSocket', RecordingSocket);
    let secret: string | null = null;
    const factory = webSocketTransportFactory('ws://127.0.0.1:7717/api/ws', { secret: () => secret, clear: vi.fn() });

    await expect(factory()).rejects.toEqual(new TransportError('unauthorized', 'this browser is not logged in'));
    expect(opened).toEqual([]);

    secret = 'abc_DEF-123';
    const transport = await factory();
    expect(opened).toEqual([{ url: 'ws://127.0.0.1:7717/api/ws', protocols: ['berth.v1', 'berth.auth.abc_DEF-123'] }]);
    transport.close();
  });
});

describe('messagePortTransportFactory', () => {
  it('requests a port, exchanges structured-clone frames and drops malformed ones', async () => {
    const { win, deliverPort } = fakeWindow();
    const channel = new MessageChannel();
    const bridge = { platform: 'linux', requestPort: vi.fn(() => deliverPort(channel.port1)), pickFolder: vi.fn(), openExternal: vi.fn() };
    const transport = await messagePortTransportFactory(bridge, win)();
    expect(bridge.requestPort).toHaveBeenCalledOnce();

    const received: ServerFrame[] = [];
    transport.onFrame((f) => received.push(f));
    const sent = new Promise<unknown>((resolve) => channel.port2.addEventListener('message', (e) => resolve(e.data), { once: true }));
    channel.port2.start();
    transport.send({ type: 'term.input', sessionId: 's1', data: 'ls\r' });
    expect(await sent).toEqual({ type: 'term.input', sessionId: 's1', data: 'ls\r' });

    channel.port2.postMessage({ type: 'bogus' });
    channel.port2.postMessage({ type: 'term.data', sessionId: 's1', data: 'hi' });
    await vi.waitFor(() => expect(received).toEqual([{ type: 'term.data', sessionId: 's1', data: 'hi' }]));
    transport.close();
    channel.port2.close();
  });

  it('closes the transport when a newer port arrives and hands that port to the next connect', async () => {
    const { win, deliverPort } = fakeWindow();
    const first = new MessageChannel();
    const second = new MessageChannel();
    const bridge = { platform: 'linux', requestPort: vi.fn(() => deliverPort(first.port1)), pickFolder: vi.fn(), openExternal: vi.fn() };
    const factory = messagePortTransportFactory(bridge, win);
    const transport = await factory();
    const closed = vi.fn();
    transport.onClose(closed);

    deliverPort(second.port1);
    expect(closed).toHaveBeenCalledOnce();
    const next = await factory();
    expect(bridge.requestPort).toHaveBeenCalledOnce(); // the spare port was used
    next.close();
    for (const c of [first, second]) {
      c.port1.close();
      c.port2.close();
    }
  });
});
