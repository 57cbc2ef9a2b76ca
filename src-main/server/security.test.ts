import http from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/fixtures.js';

interface RawResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function wsStatus(port: number, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => undefined);
  });
}

describe('local API access control', () => {
  let t: TestOrchestrator;
  let port: number;
  let auth: string;
  beforeAll(async () => {
    t = await startTestOrchestrator();
    port = t.orch.port;
    auth = `Bearer ${t.orch.token}`;
  });
  afterAll(async () => t.close());

  const json = { 'content-type': 'application/json' };

  it('answers a request with the token, the right Host and no Origin', async () => {
    const r = await raw(port, { path: '/api/sessions.list', headers: { host: `127.0.0.1:${port}`, authorization: auth, ...json }, body: '{}' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, value: [] });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses requests without a token or with a wrong one', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${t.orch.token}x`, t.orch.token]) {
      const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...json };
      if (authorization) headers.authorization = authorization;
      const r = await raw(port, { path: '/api/sessions.list', headers, body: '{}' });
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body).error.code).toBe('unauthorized');
    }
  });

  it('refuses a wrong Host even with the token (DNS rebinding)', async () => {
    for (const host of ['localhost.evil.com', `localhost.evil.com:${port}`, '127.1', `127.1:${port}`, '', `127.0.0.1:${port + 1}`, 'example.com']) {
      const r = await raw(port, { path: '/api/sessions.list', headers: { host, authorization: auth, ...json }, body: '{}' });
      expect(r.status, `Host "${host}"`).toBe(403);
    }
    for (const host of [`localhost:${port}`, `[::1]:${port}`]) {
      const r = await raw(port, { path: '/api/sessions.list', headers: { host, authorization: auth, ...json }, body: '{}' });
      expect(r.status, `Host "${host}"`).toBe(200);
    }
  });

  it('refuses a foreign Origin on HTTP and on the WebSocket upgrade', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`]) {
      const r = await raw(port, { path: '/api/sessions.list', headers: { host: `127.0.0.1:${port}`, origin, authorization: auth, ...json }, body: '{}' });
      expect(r.status, `Origin ${origin}`).toBe(403);
      expect(await wsStatus(port, { origin, authorization: auth })).toBe(403);
    }
    const own = await raw(port, { path: '/api/sessions.list', headers: { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, authorization: auth, ...json }, body: '{}' });
    expect(own.status).toBe(200);
    expect(await wsStatus(port, { authorization: auth })).toBe('open');
    expect(await wsStatus(port, {})).toBe(401);
    expect(await wsStatus(port, { host: 'localhost.evil.com', authorization: auth })).toBe(403);
  });

  it('exchanges a one-time login link for an HttpOnly SameSite=Strict cookie, once', async () => {
    const url = new URL((await t.must('auth.loginUrl', {})).url);
    const first = await raw(port, { method: 'GET', path: `${url.pathname}${url.search}`, headers: { host: `127.0.0.1:${port}` } });
    expect(first.status).toBe(303);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const again = await raw(port, { method: 'GET', path: `${url.pathname}${url.search}`, headers: { host: `127.0.0.1:${port}` } });
    expect(again.status).toBe(401);
    const withCookie = await raw(port, { path: '/api/sessions.list', headers: { host: `127.0.0.1:${port}`, cookie: cookie.split(';')[0]!, ...json }, body: '{}' });
    expect(withCookie.status).toBe(200);
    const forged = await raw(port, { path: '/api/sessions.list', headers: { host: `127.0.0.1:${port}`, cookie: 'berth_session=forged', ...json }, body: '{}' });
    expect(forged.status).toBe(401);
  });

  it('writes the token file readable by its owner only', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const stat = fs.statSync(path.join(t.dataDir, 'api.json'));
    expect(stat.mode & 0o777).toBe(0o600);
  });
});
