/**
 * The local API's door, attacked the way the review's 528-request run did: wrong and duplicate Host
 * headers, absolute-form targets, foreign origins and sites, malformed escapes, over HTTP and as
 * WebSocket upgrades. Each case must be refused, and every answer (refusals included) must carry the
 * security headers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsp } from '../../src-shared/csp.js';
import { openWebSocket, rawExchange, rawRequest, rawUpgrade, type RawAnswer } from '../testing/raw-http.js';
import { startTestOrchestrator, tempDir, type TestOrchestrator } from '../testing/fixtures.js';

/** A renderer bundle stand-in: an index page and one asset. */
function rendererBundle(): string {
  const dir = tempDir('berth-renderer-');
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Berth</title>');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  return dir;
}

function expectSecurityHeaders(r: RawAnswer, what: string): void {
  expect(r.headers['content-security-policy'], what).toBe(buildCsp());
  expect(r.headers['x-content-type-options'], what).toBe('nosniff');
  expect(r.headers['x-frame-options'], what).toBe('DENY');
  expect(r.headers['referrer-policy'], what).toBe('no-referrer');
  expect(r.headers['cross-origin-resource-policy'], what).toBe('same-origin');
  expect(r.headers['access-control-allow-origin'], what).toBeUndefined();
}

describe('local API access control', () => {
  let t: TestOrchestrator;
  let port: number;
  let host: string;
  let bearer: string;
  beforeAll(async () => {
    t = await startTestOrchestrator(undefined, undefined, rendererBundle());
    port = t.orch.port;
    host = `Host: 127.0.0.1:${port}`;
    bearer = `Authorization: Bearer ${t.orch.token}`;
  });
  afterAll(async () => t.close());

  const json = 'Content-Type: application/json';
  const list = (headers: string[], target = '/api/sessions.list') => rawExchange(port, rawRequest(`POST ${target} HTTP/1.1`, [...headers, json], '{}'));

  it('answers a request with the token, the right Host and no Origin', async () => {
    const r = await list([host, bearer]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, value: [] });
    expectSecurityHeaders(r, 'an answer');
  });

  it('refuses requests without a token or with a wrong one', async () => {
    for (const authorization of [[], ['Authorization: Bearer wrong'], [`Authorization: Bearer ${t.orch.token}x`], [`Authorization: ${t.orch.token}`]]) {
      const r = await list([host, ...authorization]);
      expect(r.status, authorization.join()).toBe(401);
      expect(JSON.parse(r.body).error.code).toBe('unauthorized');
      expectSecurityHeaders(r, 'a 401');
    }
  });

  it('refuses a wrong Host even with the token (DNS rebinding)', async () => {
    for (const h of ['localhost.evil.com', `localhost.evil.com:${port}`, '127.1', `127.1:${port}`, '', `127.0.0.1:${port + 1}`, 'example.com']) {
      const r = await list([`Host: ${h}`, bearer]);
      expect(r.status, `Host "${h}"`).toBe(403);
      expectSecurityHeaders(r, 'a 403');
    }
    for (const h of [`localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await list([`Host: ${h}`, bearer])).status, `Host "${h}"`).toBe(200);
    }
  });

  it('refuses two Host headers, whichever comes first, over HTTP and as a WebSocket upgrade', async () => {
    for (const pair of [[host, 'Host: evil.example'], ['Host: evil.example', host], [host, host]]) {
      const r = await list([...pair, bearer]);
      expect(r.status, pair.join(' + ')).toBe(400);
      expectSecurityHeaders(r, 'two Host headers');
      const ws = await rawUpgrade(port, '/api/ws', [...pair, bearer]);
      expect(ws.status, `upgrade with ${pair.join(' + ')}`).toBe(400);
      expectSecurityHeaders(ws, 'a refused upgrade');
    }
  });

  it('refuses duplicate Authorization and Origin headers', async () => {
    expect((await list([host, bearer, 'Authorization: Bearer other'])).status).toBe(400);
    expect((await list([host, bearer, `Origin: http://127.0.0.1:${port}`, 'Origin: http://evil.example'])).status).toBe(400);
  });

  it('refuses absolute-form request targets, naming another host or this one, over HTTP and as upgrades', async () => {
    for (const target of ['http://evil.example/api/sessions.list', `http://127.0.0.1:${port}/api/sessions.list`, 'http://evil.example/api/../api/sessions.list']) {
      const r = await list([host, bearer], target);
      expect(r.status, target).toBe(400);
      expectSecurityHeaders(r, 'absolute-form');
    }
    for (const target of ['http://evil.example/api/ws', `http://127.0.0.1:${port}/api/ws`]) {
      expect((await rawUpgrade(port, target, [host, bearer])).status, target).toBe(400);
    }
    const connect = await rawExchange(port, rawRequest(`CONNECT 127.0.0.1:${port} HTTP/1.1`, [host, bearer]));
    expect(connect.status).toBe(400);
  });

  it('refuses a foreign Origin and other sites (Sec-Fetch-Site) on HTTP and on the WebSocket upgrade', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`]) {
      const r = await list([host, `Origin: ${origin}`, bearer]);
      expect(r.status, `Origin ${origin}`).toBe(403);
      expect(await openWebSocket(port, { headers: { origin, authorization: `Bearer ${t.orch.token}` } })).toEqual({ open: false, status: 403 });
    }
    // Another port of 127.0.0.1 is the same site: a page there is refused even with a credential.
    for (const site of ['same-site', 'cross-site']) {
      expect((await list([host, `Sec-Fetch-Site: ${site}`, bearer])).status, site).toBe(403);
      expect((await rawUpgrade(port, '/api/ws', [host, `Sec-Fetch-Site: ${site}`, bearer])).status, site).toBe(403);
    }
    expect((await list([host, `Origin: http://127.0.0.1:${port}`, 'Sec-Fetch-Site: same-origin', bearer])).status).toBe(200);
    const own = await openWebSocket(port, { headers: { authorization: `Bearer ${t.orch.token}` } });
    expect(own.open).toBe(true);
    if (own.open) own.socket.close();
    expect(await openWebSocket(port, {})).toEqual({ open: false, status: 401 });
    expect(await openWebSocket(port, { headers: { host: 'localhost.evil.com', authorization: `Bearer ${t.orch.token}` } })).toEqual({ open: false, status: 403 });
  });

  it('answers a malformed URL after the gate, with the security headers', async () => {
    const anonymous = await list([host], '/api/%ff');
    expect(anonymous.status).toBe(401);
    expectSecurityHeaders(anonymous, '/api/%ff without a credential');
    const withToken = await list([host, bearer], '/api/%ff');
    expect(withToken.status).toBe(400);
    expectSecurityHeaders(withToken, '/api/%ff with the token');
    // Percent-escapes are decoded by the router: /%6detrics is /metrics and needs the credential.
    for (const target of ['/%6detrics', '/%61pi/sessions.list', '/metrics', '/api/ws', '//api/sessions.list', '/API/sessions.list']) {
      const r = await rawExchange(port, rawRequest(`GET ${target} HTTP/1.1`, [host]));
      expect(r.status, target).toBe(401);
    }
  });

  it('serves the renderer bundle to anyone on an allowed Host, with the security headers, and nothing else without a credential', async () => {
    for (const target of ['/', '/assets/app-1234.js', '/sessions/x']) {
      const r = await rawExchange(port, rawRequest(`GET ${target} HTTP/1.1`, [host, 'Sec-Fetch-Site: cross-site']));
      expect(r.status, target).toBe(200);
      expectSecurityHeaders(r, `static ${target}`);
    }
    const missing = await rawExchange(port, rawRequest('GET /assets/missing.js HTTP/1.1', [host]));
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing, 'a 404');
    expect((await rawExchange(port, rawRequest('GET / HTTP/1.1', ['Host: evil.example']))).status).toBe(403);
  });

  it('writes the token file readable by its owner only', () => {
    const stat = fs.statSync(path.join(t.dataDir, 'api.json'));
    expect(stat.mode & 0o777).toBe(0o600);
  });
});
