/**
 * HTTP + WebSocket transport of the contract on loopback, and the renderer bundle for browsers.
 *
 * `POST /api/<method>` (JSON params → Result), `GET /api/ws` (frames), `GET /login?token=` (the page that
 * completes a one-time login link) and `POST /login` (token → login secret), static files. Every request
 * and every WebSocket upgrade meets the request gate (request-gate.ts) before anything else looks at it
 * (its URL included), and every answer, refusals and errors included, carries the security headers.
 * There is no CORS.
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
import {
  API_PREFIX,
  LEGACY_SESSION_COOKIE,
  LOGIN_PATH,
  LoginRequest,
  WS_PATH,
  WS_PROTOCOL,
  type EventFrame,
  type LoginResponse,
  type ServerFrame,
} from '../../src-shared/contract.js';
import type { Event } from '../../src-shared/lifecycle.js';
import { describeZodError, err, type ErrorCode } from '../../src-shared/result.js';
import type { SessionService } from '../sessions/session-service.js';
import { internalError, type Api } from './api.js';
import { Connection } from './connection.js';
import { RequestGate } from './request-gate.js';
import type { AccessGuard, Principal } from './security.js';
import { resolveStatic } from './static-files.js';
import { RawJson, stringifyWithRaw } from './raw-json.js';

/** Largest accepted request body. */
const BODY_LIMIT_BYTES = 1024 * 1024;
/** Largest accepted WebSocket message. */
const WS_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';

/** The renderer's one Content Security Policy (src-shared/csp.ts), on every answer. */
const CONTENT_SECURITY_POLICY = buildCsp();

/** Headers on every answer (refused ones included): no sniffing, referrer, framing or cross-origin reads. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};
/** Answers that carry a credential, or the page that handles one, are never cached. */
const NO_STORE = 'no-store';
/** How often expired browser logins are ended (their sockets closed) while nothing else touches them. */
const LOGIN_SWEEP_INTERVAL_MS = 60_000;
/** WebSocket close code when the login behind a socket ended (private-use range 4000–4999). */
export const WS_CLOSE_LOGGED_OUT = 4401;
/** Reason phrases of the statuses answered on a raw socket. */
const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };
/** What a one-time link that can't be used says. */
const INVALID_LINK = 'This login link is invalid, expired or already used. Run `berth open` for a new one.';

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
  /** Extra text routes (e.g. /metrics) behind the same credential. */
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

/** The JSON body of a refusal. */
function refusalBody(status: number, message: string): string {
  return JSON.stringify(err(status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'bad_request', message));
}

/** A refused upgrade (or CONNECT) has no response object: answer on the raw socket, with the headers, and close it. */
function refuseOnSocket(socket: Duplex, status: number, message: string): void {
  const body = refusalBody(status, message);
  const headers = Object.entries(SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n${headers}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
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
  const gate = new RequestGate(guard, new Set([...textRoutes.keys()].map((r) => r.toLowerCase())));
  // ws (and the tls, https, zlib and net modules it loads) on the first upgrade: the desktop app talks
  // over MessagePorts and the CLI over HTTP, so many orchestrators never need it.
  let wss: Promise<WebSocketServer> | null = null;
  const webSockets = () =>
    (wss ??= import('ws').then(
      ({ WebSocketServer: Server }) =>
        new Server({
          noServer: true,
          maxPayload: WS_MAX_PAYLOAD_BYTES,
          // Select the plain protocol, never echo the credential one; a client that offers neither gets none.
          handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
        }),
    ));
  // Browser logins: each open socket is closed when its login ends (logout, expiry, eviction).
  const socketsByLogin = new Map<string, Set<WebSocket>>();
  const endedLogins = guard.onDidEndLogin((id) => {
    const sockets = socketsByLogin.get(id);
    socketsByLogin.delete(id);
    // After the current turn, so a logout's own answer still goes out on its socket.
    if (sockets) setImmediate(() => sockets.forEach((s) => s.close(WS_CLOSE_LOGGED_OUT, 'logged out')));
  });
  const sweep = setInterval(() => guard.sweep(), LOGIN_SWEEP_INTERVAL_MS);
  sweep.unref();

  /**
   * The one-time login link: `GET /login?token=` serves the app, whose page then posts the token to
   * `POST /login` (from this origin only) and keeps the login secret it gets in its own storage. The
   * token is only looked at on GET and used up on POST.
   */
  async function login(req: http.IncomingMessage, res: http.ServerResponse, query: string): Promise<void> {
    if (req.method !== 'POST') {
      const token = new URLSearchParams(query).get('token');
      if (!token || !guard.isLoginTokenValid(token)) return send(res, 401, 'text/plain; charset=utf-8', INVALID_LINK);
      const index = rendererDir ? resolveStatic(rendererDir, '/') : null;
      if (!index) return send(res, 503, 'text/plain; charset=utf-8', 'The Berth UI is not built: run `npm run build`.');
      return send(res, 200, index.contentType, index.body);
    }
    // Only the login page itself: a browser always sends Origin on a POST, and it must be this server's.
    if (!gate.isOwnOrigin(req.headers.origin)) {
      return sendJson(res, 403, JSON.stringify(err('forbidden', 'the login exchange is accepted only from the login page (same origin)')));
    }
    const parsed = LoginRequest.safeParse(parseParams(req, await readBody(req)));
    if (!parsed.success) return sendJson(res, 400, JSON.stringify(err('bad_request', `invalid login request: ${describeZodError(parsed.error)}`)));
    const issued = guard.redeemLoginToken(parsed.data.token);
    if (!issued) return sendJson(res, 401, JSON.stringify(err('unauthorized', INVALID_LINK)));
    const value: LoginResponse = issued;
    // A cookie an older Berth set (every server on 127.0.0.1 received it) goes.
    res.setHeader('set-cookie', `${LEGACY_SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`);
    return sendJson(res, 200, JSON.stringify({ ok: true, value }));
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, query: string, caller: Principal | undefined): Promise<void> {
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
      const result = await opts.api(name, params, caller);
      const body = result.ok && result.value instanceof RawJson ? result.value.okResponseBody() : stringifyWithRaw(result);
      return sendJson(res, result.ok ? 200 : STATUS_BY_CODE[result.error.code], body);
    }
    if (pathname === LOGIN_PATH && (isGet || method === 'POST')) return login(req, res, query);
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
    const decision = gate.check(req);
    if (!decision.ok) {
      res.setHeader('cache-control', NO_STORE);
      // A page load (the user opened a link) gets words, not JSON.
      if (req.headers['sec-fetch-mode'] === 'navigate') return send(res, decision.status, 'text/plain; charset=utf-8', `Berth refused this request: ${decision.message}\n`);
      return sendJson(res, decision.status, refusalBody(decision.status, decision.message));
    }
    if (decision.kind !== 'static') res.setHeader('cache-control', NO_STORE);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    try {
      await route(req, res, pathname, q === -1 ? '' : url.slice(q + 1), decision.principal ?? undefined);
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      if (e instanceof HttpError) return sendJson(res, e.status, JSON.stringify(err('bad_request', `malformed request: ${e.message}`)));
      sendJson(res, 500, JSON.stringify(internalError(`${req.method ?? 'GET'} ${pathname}`, e)));
    }
  }

  function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const decision = gate.check(req);
    if (!decision.ok) return refuseOnSocket(socket, decision.status, decision.message);
    if ((req.url ?? '').split('?')[0] !== WS_PATH) return refuseOnSocket(socket, 404, `no WebSocket at ${req.url ?? ''}`);
    // The client sends no frame before the 101 answer, so nothing arrives while ws loads.
    void webSockets().then(
      (server) => server.handleUpgrade(req, socket, head, (ws) => accept(ws, decision.principal ?? undefined)),
      () => socket.destroy(),
    );
  }

  function accept(socket: WebSocket, principal: Principal | undefined): void {
    const transport = {
      send(frame: ServerFrame) {
        if (socket.readyState === socket.OPEN) socket.send(stringifyWithRaw(frame));
      },
    };
    const loginId = principal?.kind === 'browser' ? principal.id : null;
    if (loginId !== null) {
      const sockets = socketsByLogin.get(loginId) ?? new Set<WebSocket>();
      sockets.add(socket);
      socketsByLogin.set(loginId, sockets);
    }
    const connection = new Connection(transport, opts.api, opts.sessions, opts.events, principal);
    socket.on('message', (data) => {
      // A frame on a browser login's socket is use of that login; a login that has expired closes it.
      if (loginId !== null && !guard.touch(loginId)) {
        socket.close(WS_CLOSE_LOGGED_OUT, 'login expired');
        return;
      }
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
    socket.on('close', () => {
      if (loginId !== null) socketsByLogin.get(loginId)?.delete(socket);
      connection.dispose();
    });
  }

  // handle() answers its own failures; one that escapes (a broken socket mid-answer) just ends that connection.
  const server = http.createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.on('upgrade', upgrade);
  // CONNECT (an authority-form target): this is not a proxy.
  server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => refuseOnSocket(socket, 400, 'CONNECT is refused: this is not a proxy'));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    // Nothing is served: what was started for serving stops with it (the caller's teardown can't reach it).
    clearInterval(sweep);
    endedLogins.dispose();
    throw e;
  }
  const address = server.address();
  gate.setPort(typeof address === 'object' && address ? address.port : opts.port);

  let closing: Promise<void> | null = null;
  return {
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        clearInterval(sweep);
        endedLogins.dispose();
        server.close(() => resolve());
        void wss?.then((w) => {
          for (const ws of w.clients) ws.terminate();
          w.close();
        });
        server.closeAllConnections();
      })),
  };
}
