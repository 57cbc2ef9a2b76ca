/**
 * Unexpected failures reach clients as a generic message with an id, never as the raw error (which can
 * name files, queries or internals); the raw error goes to the log under the same id. Failures are made
 * real by handing the server an API whose dependency throws and a text route that throws.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCsp } from '../../src-shared/csp.js';
import type { SessionService } from '../sessions/session-service.js';
import { rawExchange, rawRequest } from '../testing/raw-http.js';
import { createApi, type ApiDeps } from './api.js';
import { createHttpServer, type HttpServer } from './http-server.js';
import { AccessGuard } from './security.js';

/** What the failing dependency says: a path and a query, which no client may see. */
const RAW_MESSAGE = 'SQLITE_CORRUPT: database disk image is malformed (/home/alice/.local/share/berth/berth.db) SELECT * FROM sessions';

describe('5xx answers', () => {
  let app: HttpServer;
  let port: number;
  let bearer: string;
  const logged: string[] = [];
  beforeAll(async () => {
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    const guard = new AccessGuard();
    // Only what these two methods touch: a system-info source that fails, and the request timer.
    const deps = {
      systemInfo: () => {
        throw new Error(RAW_MESSAGE);
      },
      metrics: { timeRequest: () => () => undefined },
    } as unknown as ApiDeps;
    app = await createHttpServer({
      host: '127.0.0.1',
      port: 0,
      guard,
      api: createApi(deps),
      // HTTP calls never reach the session service (only WebSocket connections do).
      sessions: null as unknown as SessionService,
      rendererDir: null,
      textRoutes: {
        '/metrics': () => {
          throw new Error(RAW_MESSAGE);
        },
      },
    });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
    bearer = `Authorization: Bearer ${guard.apiToken}`;
  });
  afterAll(async () => {
    await app?.close();
    vi.restoreAllMocks();
  });

  it('a handler that throws answers 500 with an id; the raw message is only in the log', async () => {
    const r = await rawExchange(port, rawRequest('POST /api/system.info HTTP/1.1', [`Host: 127.0.0.1:${port}`, bearer, 'Content-Type: application/json'], '{}'));
    expect(r.status).toBe(500);
    expect(r.headers['content-security-policy']).toBe(buildCsp());
    const body = JSON.parse(r.body) as { ok: false; error: { code: string; message: string } };
    expect(body.error.code).toBe('internal');
    expect(r.body).not.toContain('alice');
    expect(r.body).not.toContain('SELECT');
    const id = /internal error \(id ([0-9a-f]+)\)/.exec(body.error.message)?.[1];
    expect(id).toBeDefined();
    expect(logged.some((line) => line.includes(id!) && line.includes(RAW_MESSAGE))).toBe(true);
  });

  it('a route that throws outside the API answers 500 with an id and the security headers', async () => {
    const r = await rawExchange(port, rawRequest('GET /metrics HTTP/1.1', [`Host: 127.0.0.1:${port}`, bearer]));
    expect(r.status).toBe(500);
    expect(r.headers['content-security-policy']).toBe(buildCsp());
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.body).not.toContain('alice');
    const id = /internal error \(id ([0-9a-f]+)\)/.exec(r.body)?.[1];
    expect(logged.some((line) => line.includes(id!) && line.includes(RAW_MESSAGE))).toBe(true);
  });

  it('a malformed body is a 400 that says what is wrong, with the security headers', async () => {
    const r = await rawExchange(port, rawRequest('POST /api/system.info HTTP/1.1', [`Host: 127.0.0.1:${port}`, bearer, 'Content-Type: application/json'], '{"broken'));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.code).toBe('bad_request');
    expect(r.headers['content-security-policy']).toBe(buildCsp());
  });
});
