/**
 * Hand-written HTTP requests for attack tests: exact request lines and header lists (duplicate Host
 * headers, absolute-form targets, malformed escapes) that a normal client would tidy up, sent over a
 * plain socket to loopback; and WebSocket opens with chosen headers and subprotocols.
 */
import net from 'node:net';
import WebSocket from 'ws';

/** Longest wait for one raw exchange. */
const RAW_TIMEOUT_MS = 10_000;

/** A parsed answer: status, lower-cased headers (last one wins), body. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The whole answer as received. */
  text: string;
}

/** Sends `request` verbatim (it should say `Connection: close`) and reads the answer until the server closes. */
export function rawExchange(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${RAW_TIMEOUT_MS} ms to ${JSON.stringify(request.slice(0, 80))}`));
    }, RAW_TIMEOUT_MS);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswer(text));
    });
  });
}

function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const head = end >= 0 ? text.slice(0, end) : text;
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = end >= 0 ? text.slice(end + 4) : '';
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body, text };
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** A request head (request line + headers, each `Name: value`) with `Connection: close`, and a body. */
export function rawRequest(requestLine: string, headers: readonly string[], body = ''): string {
  const all = [...headers, 'Connection: close'];
  if (body) all.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${requestLine}\r\n${all.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}

/** The headers of a WebSocket upgrade request. */
export const UPGRADE_HEADERS: readonly string[] = ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];

/** A raw WebSocket upgrade (its answer: 101 when accepted, the refusal otherwise). */
export function rawUpgrade(port: number, target: string, headers: readonly string[]): Promise<RawAnswer> {
  // No Connection: close here: the upgrade carries its own Connection header.
  const request = `GET ${target} HTTP/1.1\r\n${[...UPGRADE_HEADERS, ...headers].map((h) => `${h}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${RAW_TIMEOUT_MS} ms to an upgrade of ${target}`));
    }, RAW_TIMEOUT_MS);
    socket.setEncoding('latin1');
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(text));
    };
    socket.on('data', (chunk: string) => {
      text += chunk;
      // An accepted upgrade stays open: the head is all there is to read.
      if (text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n')) finish();
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
  });
}

/** How a WebSocket open went: open (with the protocol the server chose) or the HTTP status of the refusal. */
export type WsOutcome = { open: true; protocol: string; socket: WebSocket } | { open: false; status: number };

/** Opens a WebSocket to `/api/ws` with `headers` and `protocols`; an open socket is the caller's to close. */
export function openWebSocket(port: number, options: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, options.protocols ?? [], { headers: options.headers });
    ws.once('open', () => resolve({ open: true, protocol: ws.protocol, socket: ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ open: false, status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', () => resolve({ open: false, status: 0 }));
  });
}
