/**
 * HTTP + WebSocket transport of the contract on loopback, and the renderer bundle for browsers.
 *
 * `POST /api/<method>` (JSON params → Result), `GET /api/ws` (frames), `GET /login?token=` (one-time
 * link → HttpOnly cookie), static files. Every request, upgrades included, passes the Host/Origin/token
 * guard before anything else looks at it (its URL included); there is no CORS.
 *
 * Plain node:http and ws, not a framework: the API is five routes, and fastify with its plugins was
 * about 40 % of the orchestrator's start-up work (ajv, pino, avvio, find-my-way… compiled and run at
 * every start, measured with callgrind) and several MB of its idle memory.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { buildCsp } from '../../src-shared/csp.js';
import { API_PREFIX, LOGIN_PATH, WS_PATH, type EventFrame, type ServerFrame } from '../../src-shared/contract.js';
import type { Event } from '../../src-shared/lifecycle.js';
import { err, type ErrorCode } from '../../src-shared/result.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Api } from './api.js';
import { Connection } from './connection.js';
import type { AccessGuard, RequestFacts } from './security.js';
import { resolveStatic } from './static-files.js';
import { RawJson, stringifyWithRaw } from './raw-json.js';

/** Largest accepted request body. */
const BODY_LIMIT_BYTES = 1024 * 1024;
/** Largest accepted WebSocket message. */
const WS_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';

/** The renderer's one Content Security Policy (src-shared/csp.ts), on every answer. */
const CONTENT_SECURITY_POLICY = buildCsp();

/** Headers on every answer (refused ones included). */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': CONTENT_SECURITY_POLICY,
};

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  not_a_repo: 400,
  agent_unavailable: 400,
  backend_unavailable: 503,
  worktree_dirty: 409,
  invalid_state: 409,
  git_failed: 500,
  spawn_failed: 500,
  internal: 500,
};

export interface HttpServerOptions {
  host: string;
  port: number;
  guard: AccessGuard;
  api: Api;
  sessions: SessionService;
  /** Built renderer (out/renderer); absent in some tests. */
  rendererDir: string | null;
  /** Extra text routes (e.g. /metrics) behind the same guard. */
  textRoutes?: Record<string, () => string>;
  /** Orchestrator events beyond sessions' (egress asks), for every WebSocket client. */
  events?: Event<EventFrame>;
}

/** The listening server. */
export interface HttpServer {
  readonly server: http.Server;
  /** Stops listening and closes every connection, WebSockets included. */
  close(): Promise<void>;
}

/** A request error with the HTTP status to answer (4xx: the client's fault). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function facts(req: http.IncomingMessage): RequestFacts {
  return {
    host: req.headers.host,
    origin: req.headers.origin,
    authorization: req.headers.authorization,
    cookie: req.headers.cookie,
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const sendJson = (res: http.ServerResponse, status: number, body: string | Buffer) => send(res, status, JSON_TYPE, body);

/** Reads a request body up to the limit. */
function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > BODY_LIMIT_BYTES) return reject(new HttpError(413, 'request body is too large'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT_BYTES) {
        req.destroy();
        reject(new HttpError(413, 'request body is too large'));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Keys that could reach an object's prototype if the parsed params were ever merged into one. */
function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value)) {
    throw new HttpError(400, 'object contains forbidden prototype property');
  }
  return value;
}

/** A method call's params: JSON (or no body at all, taken as `{}`). */
function parseParams(req: http.IncomingMessage, body: Buffer): unknown {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) return {};
  if (type !== 'application/json') throw new HttpError(415, `unsupported content type "${type}"; send application/json`);
  const text = body.toString('utf8');
  try {
    return JSON.parse(text, text.includes('__proto__') || text.includes('constructor') ? rejectPrototypeKeys : undefined);
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, (e as Error).message);
  }
}

export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const { guard } = opts;
  const rendererDir = opts.rendererDir && fs.existsSync(path.join(opts.rendererDir, 'index.html')) ? opts.rendererDir : null;
  const textRoutes = new Map(Object.entries(opts.textRoutes ?? {}));
  // ws (and the tls, https, zlib and net modules it loads) on the first upgrade: the desktop app talks
  // over MessagePorts and the CLI over HTTP, so many orchestrators never need it.
  let wss: Promise<WebSocketServer> | null = null;
  const webSockets = () => (wss ??= import('ws').then(({ WebSocketServer: Server }) => new Server({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES })));

  async function route(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, query: string): Promise<void> {
    const method = req.method ?? 'GET';
    const isGet = method === 'GET' || method === 'HEAD';
    if (method === 'POST' && pathname.startsWith(API_PREFIX) && !pathname.includes('/', API_PREFIX.length)) {
      let name: string;
      try {
        name = decodeURIComponent(pathname.slice(API_PREFIX.length));
      } catch {
        throw new HttpError(400, `undecodable method name in ${pathname}`);
      }
      const params = parseParams(req, await readBody(req));
      const result = await opts.api(name, params);
      const body = result.ok && result.value instanceof RawJson ? result.value.okResponseBody() : stringifyWithRaw(result);
      return sendJson(res, result.ok ? 200 : STATUS_BY_CODE[result.error.code], body);
    }
    if (isGet && pathname === LOGIN_PATH) {
      const cookie = guard.redeemLoginToken(new URLSearchParams(query).get('token') ?? '');
      if (!cookie) return send(res, 401, 'text/plain; charset=utf-8', 'This login link is invalid, expired or already used. Run `berth open` for a new one.');
      res.writeHead(303, { 'set-cookie': cookie, location: '/', 'content-length': 0 });
      return void res.end();
    }
    const text = isGet ? textRoutes.get(pathname) : undefined;
    if (text) return send(res, 200, 'text/plain; version=0.0.4', text());
    if (isGet && pathname === WS_PATH) throw new HttpError(400, 'this path takes WebSocket upgrades only');
    if (isGet && rendererDir && !pathname.startsWith(API_PREFIX)) {
      const file = resolveStatic(rendererDir, req.url ?? '/');
      if (file) return send(res, 200, file.contentType, file.body, { 'cache-control': file.cacheControl });
    }
    if (isGet && !rendererDir && pathname === '/') return send(res, 200, 'text/plain; charset=utf-8', 'The Berth UI is not built: run `npm run build`. The API is up.');
    sendJson(res, 404, JSON.stringify(err('not_found', `no route ${method} ${req.url ?? ''}`)));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const decision = pathname === LOGIN_PATH ? guard.checkHostAndOrigin(facts(req)) : guard.authenticate(facts(req));
    if (!decision.ok) {
      const code: ErrorCode = decision.status === 401 ? 'unauthorized' : 'forbidden';
      return sendJson(res, decision.status, JSON.stringify(err(code, decision.message)));
    }
    try {
      await route(req, res, pathname, q === -1 ? '' : url.slice(q + 1));
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      const status = e instanceof HttpError ? e.status : 500;
      const code: ErrorCode = status < 500 ? 'bad_request' : 'internal';
      sendJson(res, status, JSON.stringify(err(code, status < 500 ? `malformed request: ${(e as Error).message}` : (e as Error).message)));
    }
  }

  /** A refused upgrade has no response object: answer on the raw socket and close it. */
  function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404, code: ErrorCode, message: string): void {
    const body = JSON.stringify(err(code, message));
    const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }

  function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const decision = guard.authenticate(facts(req));
    if (!decision.ok) return refuseUpgrade(socket, decision.status, decision.status === 401 ? 'unauthorized' : 'forbidden', decision.message);
    if ((req.url ?? '').split('?')[0] !== WS_PATH) return refuseUpgrade(socket, 404, 'not_found', `no WebSocket at ${req.url ?? ''}`);
    // The client sends no frame before the 101 answer, so nothing arrives while ws loads.
    void webSockets().then(
      (server) => server.handleUpgrade(req, socket, head, (ws) => accept(ws)),
      () => socket.destroy(),
    );
  }

  function accept(socket: WebSocket): void {
    const transport = {
      send(frame: ServerFrame) {
        if (socket.readyState === socket.OPEN) socket.send(stringifyWithRaw(frame));
      },
    };
    const connection = new Connection(transport, opts.api, opts.sessions, opts.events);
    socket.on('message', (data) => {
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        transport.send({ type: 'res', id: -1, result: err('bad_request', 'malformed frame: not JSON') });
        return;
      }
      void connection.receive(frame);
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => connection.dispose());
  }

  // handle() answers its own failures; one that escapes (a broken socket mid-answer) just ends that connection.
  const server = http.createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.on('upgrade', upgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let closing: Promise<void> | null = null;
  return {
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        void wss?.then((w) => {
          for (const ws of w.clients) ws.terminate();
          w.close();
        });
        server.closeAllConnections();
      })),
  };
}
