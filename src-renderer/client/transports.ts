/**
 * Frame transports of the renderer: a WebSocket (headless / browser) or a MessagePort (desktop).
 *
 * Both parse every incoming frame with the contract's schema and drop what does not match, so the
 * rest of the renderer only ever sees well-formed frames.
 */
import type { FrameTransport } from '../../src-shared/client.js';
import { API_PREFIX, ServerFrame, WS_AUTH_PROTOCOL_PREFIX, WS_PATH, WS_PROTOCOL, type ClientFrame } from '../../src-shared/contract.js';
import { Emitter } from '../../src-shared/lifecycle.js';
import { PORT_MESSAGE_TYPE, type DesktopBridge } from '../../src-shared/desktop-bridge.js';
import { portFrameTransport } from '../../src-shared/port-transport.js';

/** How long to wait for a socket to open or a port to arrive before giving up on this attempt. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Opens one transport; rejects when the attempt fails (the caller retries with backoff). */
export type TransportFactory = () => Promise<FrameTransport>;

/** Why a connect attempt failed: the orchestrator is unreachable, or it refused our credentials. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'unauthorized',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Tells a refused login apart from an unreachable server after a WebSocket failed to open (the
 * WebSocket API hides the HTTP status): a same-origin API call with the same secret answers 401 when
 * the login is no longer accepted, e.g. after the orchestrator restarted.
 */
async function probeFailure(url: string, secret: string): Promise<TransportError> {
  const probe = new URL(`${API_PREFIX}system.info`, url.replace(/^ws/, 'http'));
  try {
    const response = await fetch(probe, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: '{}',
    });
    if (response.status === UNAUTHORIZED_STATUS) return new TransportError('unauthorized', 'the orchestrator refused this login');
  } catch {
    // Unreachable: fall through.
  }
  return new TransportError('unreachable', `cannot connect to ${url}`);
}

/** HTTP status of a refused login. */
const UNAUTHORIZED_STATUS = 401;

function parseFrame(raw: unknown): ServerFrame | null {
  const parsed = ServerFrame.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The WebSocket URL of the orchestrator serving this page (`ws(s)://<host>/api/ws`). */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}`;
}

/** Where the WebSocket transport gets the browser's login secret, and what it does when it is refused. */
export interface WebSocketCredentials {
  /** The stored login secret, or null when this browser is not logged in. */
  secret(): string | null;
  /** The orchestrator refused `secret`: forget it (unless another tab has stored a newer one meanwhile). */
  clear(secret: string): void;
}

/**
 * Connects over a WebSocket, offering the login secret as a subprotocol (`berth.auth.<secret>`) next to
 * the one the server selects: a header a page can't make another page's browser send, unlike a cookie.
 */
export function webSocketTransportFactory(url: string, credentials: WebSocketCredentials): TransportFactory {
  return () =>
    new Promise<FrameTransport>((resolve, reject) => {
      const secret = credentials.secret();
      if (secret === null) {
        reject(new TransportError('unauthorized', 'this browser is not logged in'));
        return;
      }
      const socket = new WebSocket(url, [WS_PROTOCOL, `${WS_AUTH_PROTOCOL_PREFIX}${secret}`]);
      const onFrame = new Emitter<ServerFrame>();
      const onClose = new Emitter<void>();
      let opened = false;
      const timer = setTimeout(() => {
        if (!opened) {
          socket.close();
          reject(new TransportError('unreachable', `timed out connecting to ${url}`));
        }
      }, CONNECT_TIMEOUT_MS);
      socket.addEventListener('open', () => {
        opened = true;
        clearTimeout(timer);
        resolve({
          send: (frame: ClientFrame) => {
            if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
          },
          onFrame: onFrame.event,
          onClose: onClose.event,
          close: () => socket.close(),
        });
      });
      socket.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        let raw: unknown;
        try {
          raw = JSON.parse(event.data);
        } catch {
          return; // A malformed frame is dropped.
        }
        const frame = parseFrame(raw);
        if (frame) onFrame.fire(frame);
      });
      socket.addEventListener('close', () => {
        clearTimeout(timer);
        if (!opened) {
          void probeFailure(url, secret).then((error) => {
            if (error.kind === 'unauthorized') credentials.clear(secret);
            reject(error);
          });
          return;
        }
        onClose.fire();
        onFrame.dispose();
        onClose.dispose();
      });
    });
}

/**
 * Connects over a MessagePort brokered by the desktop main process.
 *
 * The port arrives as a window message `{type:'berth:port'}` with the port in `event.ports[0]`; frames
 * are structured-cloned objects. A port that arrives while one is in use replaces it (the orchestrator
 * restarted): the old transport closes and the next connect attempt takes the new port.
 */
export function messagePortTransportFactory(bridge: DesktopBridge, win: Window = window): TransportFactory {
  let spare: MessagePort | null = null;
  let waiter: ((port: MessagePort) => void) | null = null;
  let active: { close(): void } | null = null;

  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win && event.source !== null) return;
    const data = event.data as { type?: unknown } | null;
    const port = event.ports[0];
    if (!data || data.type !== PORT_MESSAGE_TYPE || !port) return;
    if (waiter) {
      waiter(port);
      return;
    }
    spare?.close();
    spare = port;
    active?.close();
  });

  return () =>
    new Promise<FrameTransport>((resolve, reject) => {
      const adopt = (port: MessagePort): void => {
        const transport = portTransport(port);
        active = transport;
        transport.onClose(() => {
          if (active === transport) active = null;
        });
        resolve(transport);
      };
      if (spare) {
        const port = spare;
        spare = null;
        adopt(port);
        return;
      }
      const timer = setTimeout(() => {
        waiter = null;
        reject(new TransportError('unreachable', 'the desktop shell did not hand over a connection to the orchestrator'));
      }, CONNECT_TIMEOUT_MS);
      waiter = (port) => {
        clearTimeout(timer);
        waiter = null;
        adopt(port);
      };
      bridge.requestPort();
    });
}

function portTransport(port: MessagePort): FrameTransport {
  return portFrameTransport({
    onMessage: (listener) => port.addEventListener('message', (event: MessageEvent) => listener(event.data)),
    // Chromium fires `close` on an entangled port whose other side went away (where supported).
    onClose: (listener) => port.addEventListener('close', listener),
    postMessage: (frame) => port.postMessage(frame),
    start: () => port.start(),
    close: () => port.close(),
  });
}
