/**
 * The browser login, attacked from another local web page: a page on another 127.0.0.1 port gets every
 * cookie of 127.0.0.1 and can replay it without an Origin, so no cookie may authenticate; the login
 * secret lives in the page's own origin storage and travels as a header or WebSocket subprotocol. The
 * one-time link can't be opened by a cross-site navigation, a browser login can't mint new links, and a
 * logout ends the login and closes its sockets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginResponse, WS_AUTH_PROTOCOL_PREFIX, WS_PROTOCOL } from '../../src-shared/contract.js';
import { openWebSocket, rawExchange, rawRequest, rawUpgrade } from '../testing/raw-http.js';
import { startTestOrchestrator, tempDir, type TestOrchestrator } from '../testing/fixtures.js';
import { WS_CLOSE_LOGGED_OUT } from './http-server.js';

/** Methods the attack run replayed with the leaked cookie. */
const REPLAYED = ['system.info', 'credentials.list', 'sessions.list', 'auth.loginUrl'] as const;

describe('browser login', () => {
  let t: TestOrchestrator;
  let port: number;
  let host: string;
  let own: string;
  beforeAll(async () => {
    const renderer = tempDir('berth-renderer-');
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Berth login page</title>');
    t = await startTestOrchestrator(undefined, undefined, renderer);
    port = t.orch.port;
    host = `Host: 127.0.0.1:${port}`;
    own = `Origin: http://127.0.0.1:${port}`;
  });
  afterAll(async () => t.close());

  /** A fresh one-time token, minted with the API token (as `berth open` does). */
  const freshToken = async () => new URL((await t.must('auth.loginUrl', {})).url).searchParams.get('token')!;
  const exchange = (token: string, headers: string[] = [host, own]) =>
    rawExchange(port, rawRequest('POST /login HTTP/1.1', [...headers, 'Content-Type: application/json'], JSON.stringify({ token })));
  const callWith = (method: string, headers: string[]) => rawExchange(port, rawRequest(`POST /api/${method} HTTP/1.1`, [host, 'Content-Type: application/json', ...headers], '{}'));
  /** Logs in like the login page does; returns the secret. */
  async function login(): Promise<string> {
    const r = await exchange(await freshToken());
    expect(r.status).toBe(200);
    return LoginResponse.parse(JSON.parse(r.body).value).secret;
  }

  it('never accepts a cookie: a login cookie replayed from another port is refused everywhere', async () => {
    // Log in as a browser would: open the link, then let the page post the token.
    const token = await freshToken();
    const page = await rawExchange(port, rawRequest(`GET /login?token=${token} HTTP/1.1`, [host, 'Sec-Fetch-Site: none']));
    const cookies = ['berth_session=forged'];
    // The cookie an older Berth set here, which every server on 127.0.0.1 received.
    const setCookie = page.headers['set-cookie'];
    if (setCookie) cookies.push(setCookie.split(';')[0]!);
    const exchanged = await exchange(token);
    if (exchanged.status === 200) {
      const { secret } = LoginResponse.parse(JSON.parse(exchanged.body).value);
      cookies.push(`berth_session=${secret}`, `other=1; berth_session=${secret}`);
    }
    expect(cookies.length).toBeGreaterThan(1);
    for (const cookie of cookies) {
      for (const method of REPLAYED) {
        // As the attack run replayed it: no Origin, no fetch metadata.
        const r = await callWith(method, [`Cookie: ${cookie}`]);
        expect(r.status, `${method} with ${cookie}`).toBe(401);
      }
      expect(await openWebSocket(port, { headers: { cookie } })).toEqual({ open: false, status: 401 });
    }
  });

  it('exchanges a one-time link for a login secret, once, sets no cookie, and deletes an old one', async () => {
    const token = await freshToken();
    const page = await rawExchange(port, rawRequest(`GET /login?token=${token} HTTP/1.1`, [host, 'Sec-Fetch-Site: none']));
    expect(page.status).toBe(200);
    expect(page.body).toContain('Berth login page');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['set-cookie']).toBeUndefined();

    const first = await exchange(token, [host, own, 'Sec-Fetch-Site: same-origin']);
    expect(first.status).toBe(200);
    const login = LoginResponse.parse(JSON.parse(first.body).value);
    expect(first.headers['set-cookie']).toMatch(/^berth_session=; Max-Age=0;/);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(login.expiresAt).toBeGreaterThan(Date.now());

    const again = await exchange(token);
    expect(again.status).toBe(401);
    const reopened = await rawExchange(port, rawRequest(`GET /login?token=${token} HTTP/1.1`, [host]));
    expect(reopened.status).toBe(401);

    // The secret works as a bearer header and as a WebSocket subprotocol; the server never echoes it.
    expect((await callWith('sessions.list', [`Authorization: Bearer ${login.secret}`])).status).toBe(200);
    const ws = await openWebSocket(port, { protocols: [WS_PROTOCOL, `${WS_AUTH_PROTOCOL_PREFIX}${login.secret}`] });
    expect(ws.open && ws.protocol).toBe(WS_PROTOCOL);
    if (ws.open) ws.socket.close();
    expect(await openWebSocket(port, { protocols: [WS_PROTOCOL, `${WS_AUTH_PROTOCOL_PREFIX}forged`] })).toEqual({ open: false, status: 401 });
  });

  it('refuses the exchange from anywhere but the login page itself', async () => {
    const token = await freshToken();
    for (const headers of [[host], [host, 'Origin: http://evil.example'], [host, `Origin: http://127.0.0.1:${port + 1}`], [host, 'Origin: null'], [host, own, 'Sec-Fetch-Site: same-site']]) {
      const r = await exchange(token, headers);
      expect(r.status, headers.join(' | ')).toBe(403);
    }
    // None of those used the token up.
    expect((await exchange(token)).status).toBe(200);
  });

  it('does not open a login link navigated to from another site (or another port of 127.0.0.1)', async () => {
    const token = await freshToken();
    for (const site of ['cross-site', 'same-site']) {
      const r = await rawExchange(port, rawRequest(`GET /login?token=${token} HTTP/1.1`, [host, `Sec-Fetch-Site: ${site}`, 'Sec-Fetch-Mode: navigate']));
      expect(r.status, site).toBe(403);
    }
    expect((await rawExchange(port, rawRequest('GET /login?token=made-up HTTP/1.1', [host]))).status).toBe(401);
  });

  it('does not let a browser login mint login links (it would outlive its limits)', async () => {
    const secret = await login();
    const r = await callWith('auth.loginUrl', [`Authorization: Bearer ${secret}`]);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.code).toBe('forbidden');
    const ws = await openWebSocket(port, { protocols: [WS_PROTOCOL, `${WS_AUTH_PROTOCOL_PREFIX}${secret}`] });
    if (!ws.open) throw new Error('socket refused');
    const answer = new Promise<unknown>((resolve) => ws.socket.once('message', (d) => resolve(JSON.parse(String(d)))));
    ws.socket.send(JSON.stringify({ type: 'req', id: 1, method: 'auth.loginUrl', params: {} }));
    expect(await answer).toMatchObject({ type: 'res', id: 1, result: { ok: false, error: { code: 'forbidden' } } });
    ws.socket.close();
  });

  it('logs out: the login ends, its sockets close, other logins stay; the CLI can end them all', async () => {
    const mine = await login();
    const other = await login();
    const ws = await openWebSocket(port, { protocols: [WS_PROTOCOL, `${WS_AUTH_PROTOCOL_PREFIX}${mine}`] });
    if (!ws.open) throw new Error('socket refused');
    const closed = new Promise<number>((resolve) => ws.socket.once('close', (code) => resolve(code)));

    const out = await callWith('auth.logout', [`Authorization: Bearer ${mine}`]);
    expect(JSON.parse(out.body)).toEqual({ ok: true, value: { revoked: 1 } });
    expect(await closed).toBe(WS_CLOSE_LOGGED_OUT);
    expect((await callWith('sessions.list', [`Authorization: Bearer ${mine}`])).status).toBe(401);
    expect((await rawUpgrade(port, '/api/ws', [host, `Sec-WebSocket-Protocol: ${WS_PROTOCOL}, ${WS_AUTH_PROTOCOL_PREFIX}${mine}`])).status).toBe(401);
    expect((await callWith('sessions.list', [`Authorization: Bearer ${other}`])).status).toBe(200);

    const all = await t.must('auth.logout', {});
    expect(all.revoked).toBeGreaterThanOrEqual(1);
    expect((await callWith('sessions.list', [`Authorization: Bearer ${other}`])).status).toBe(401);
    // The API token is not a browser login: it still works.
    expect((await t.call('sessions.list', {})).ok).toBe(true);
  });
});
