/**
 * HTTP + WebSocket transport of the contract on loopback, and the renderer bundle for browsers.
 *
 * `POST /api/<method>` (JSON params → Result), `GET /api/ws` (frames), `GET /login?token=` (one-time
 * link → HttpOnly cookie), static files. Every request passes the Host/Origin/token guard first; there
 * is no CORS.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
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

/** The renderer's one Content Security Policy (src-shared/csp.ts), on every answer. */
const CONTENT_SECURITY_POLICY = buildCsp();

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

function facts(req: FastifyRequest): RequestFacts {
  return {
    host: req.headers.host,
    origin: req.headers.origin,
    authorization: req.headers.authorization,
    cookie: req.headers.cookie,
  };
}

export async function createHttpServer(opts: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES, forceCloseConnections: true });
  const { guard } = opts;

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    const isLogin = req.url.split('?')[0] === LOGIN_PATH;
    const decision = isLogin ? guard.checkHostAndOrigin(facts(req)) : guard.authenticate(facts(req));
    if (!decision.ok) {
      const code: ErrorCode = decision.status === 401 ? 'unauthorized' : 'forbidden';
      const body = JSON.stringify(err(code, decision.message));
      if (req.headers.upgrade) {
        // A refused WebSocket upgrade has no normal response cycle; answer on the raw socket and close
        // it, or it lingers and blocks server.close().
        reply.hijack();
        const text = decision.status === 401 ? 'Unauthorized' : 'Forbidden';
        req.raw.socket.end(
          `HTTP/1.1 ${decision.status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      await reply.code(decision.status).type('application/json').send(body);
    }
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number }, _req, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const code: ErrorCode = status < 500 ? 'bad_request' : 'internal';
    await reply.code(status).send(err(code, status < 500 ? `malformed request: ${error.message}` : error.message));
  });

  app.get(LOGIN_PATH, async (req, reply) => {
    const token = (req.query as { token?: string }).token ?? '';
    const cookie = guard.redeemLoginToken(token);
    if (!cookie) {
      return reply
        .code(401)
        .type('text/plain')
        .send('This login link is invalid, expired or already used. Run `berth open` for a new one.');
    }
    return reply.header('set-cookie', cookie).redirect('/', 303);
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: WS_MAX_PAYLOAD_BYTES } });
  app.get(WS_PATH, { websocket: true }, (socket) => {
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
    socket.on('close', () => connection.dispose());
  });

  app.post(`${API_PREFIX}:method`, async (req, reply) => {
    const { method } = req.params as { method: string };
    const result = await opts.api(method, req.body ?? {});
    const body = result.ok && result.value instanceof RawJson ? result.value.okResponseBody() : stringifyWithRaw(result);
    return reply
      .code(result.ok ? 200 : STATUS_BY_CODE[result.error.code])
      .type('application/json; charset=utf-8')
      .send(body);
  });

  for (const [route, render] of Object.entries(opts.textRoutes ?? {})) {
    app.get(route, async (_req, reply) => reply.type('text/plain; version=0.0.4').send(render()));
  }

  const rendererDir = opts.rendererDir;
  if (rendererDir && fs.existsSync(path.join(rendererDir, 'index.html'))) {
    app.setNotFoundHandler(async (req, reply) => {
      const file = req.method === 'GET' && !req.url.startsWith(API_PREFIX) ? resolveStatic(rendererDir, req.url) : null;
      if (!file) return reply.code(404).send(err('not_found', `no route ${req.method} ${req.url}`));
      return reply.type(file.contentType).header('cache-control', file.cacheControl).send(file.body);
    });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain').send('The Berth UI is not built: run `npm run build`. The API is up.'),
    );
  }

  await app.listen({ host: opts.host, port: opts.port });
  return app;
}
