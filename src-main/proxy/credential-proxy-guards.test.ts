/**
 * The proxy end to end over real HTTP on loopback (client → proxy → fake provider): what it refuses
 * and how it fails — tokens (407), TRACE, bad paths and headers, the circuit breaker, the connection
 * cap, client aborts, egress denial, private upstreams, missing credentials.
 */
import net from 'node:net';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderDto } from '../../src-shared/proxy.js';
import { assertNoLeaks, tempDir, waitFor } from '../testing/fixtures.js';
import { CANARY, closeProxyEnvs, rawExchange, startProxyEnv, text, type ProxyEnv } from './proxy-test-env.js';

let env: ProxyEnv;
beforeEach(async () => {
  env = await startProxyEnv();
});
afterEach(async () => {
  await closeProxyEnvs();
  await assertNoLeaks();
});

describe('credential proxy, base-URL mode: refusals and failures', () => {
  it('answers 407 without a token, with an unknown one and with a revoked one; nothing reaches upstream', async () => {
    // undici.request, not fetch: the Fetch standard turns any 407 into a network error.
    const call = async (headers: Record<string, string>) => {
      const r = await request(`${env.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
      return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
    };
    const none = await call({});
    expect(none.status).toBe(407);
    expect(none.headers['proxy-authenticate']).toBe('Bearer realm="berth"');
    expect(JSON.parse(none.body)).toMatchObject({ error: { type: 'berth_invalid_token' } });
    expect((await call({ 'x-api-key': 'berth-00000000000000000000000000000000' })).status).toBe(407);
    expect((await call({ 'x-api-key': 'sk-ant-a-real-looking-key' })).status).toBe(407);
    expect((await call({ 'x-api-key': env.token })).status).toBe(200);
    env.proxy.revokeToken('session-1');
    expect((await call({ 'x-api-key': env.token })).status).toBe(407);
    // A new token for the session is a different one.
    expect(env.proxy.issueToken('session-1')).not.toBe(env.token);
    expect(env.fake.received).toHaveLength(1);
    const rows = env.audit.list({ limit: 10 });
    expect(rows.filter((r) => r.status === 407)).toHaveLength(4);
    expect(rows.filter((r) => r.status === 407).every((r) => r.sessionId === null && !r.injected)).toBe(true);
  });

  it('refuses TRACE with 405, unknown routes with 404 and dot segments with 400, before going upstream', async () => {
    const trace = await rawExchange(env.proxy.port!, `TRACE /anthropic/v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: ${env.token}\r\nConnection: close\r\n\r\n`);
    expect(trace).toMatch(/^HTTP\/1\.1 405/);
    expect(trace).not.toContain(env.token);
    expect((await fetch(`${env.base}/nowhere/v1`, { headers: { 'x-api-key': env.token } })).status).toBe(404);
    const dots = await rawExchange(env.proxy.port!, `GET /anthropic/v1/%2e%2e/admin HTTP/1.1\r\nHost: x\r\nx-api-key: ${env.token}\r\nConnection: close\r\n\r\n`);
    expect(dots).toMatch(/^HTTP\/1\.1 400/);
    expect(env.fake.received).toHaveLength(0);
  });

  it('opens the circuit after consecutive 5xx, refuses with 503 + retry-after, and reports the provider status', async () => {
    const statuses: ProviderDto[] = [];
    const sub = env.proxy.onDidChangeProviderStatus((p) => statuses.push(p));
    env.fake.always({ type: 'status', status: 500 });
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${env.base}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${env.token}` }, body: '{}' });
      expect(r.status).toBe(500);
      await r.text();
    }
    const refused = await fetch(`${env.base}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${env.token}` }, body: '{}' });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(await refused.text())).toMatchObject({ error: { type: 'berth_circuit_open' } });
    expect(env.fake.received).toHaveLength(3);
    expect(env.proxy.providers().find((p) => p.id === 'openai')).toMatchObject({ status: 'open-circuit', lastError: 'HTTP 500' });
    expect(statuses.some((p) => p.id === 'openai' && p.status === 'open-circuit')).toBe(true);
    sub.dispose();
  });

  it('counts connect failures toward the circuit and answers them 502', async () => {
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as net.AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    expect(env.proxy.setProviders([{ id: 'anthropic', upstream: `http://127.0.0.1:${port}`, credential: 'anthropic-key', allowPrivate: true }]).ok).toBe(true);
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${env.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': env.token }, body: '{}' });
      expect(r.status).toBe(502);
      expect(JSON.parse(await text(r))).toMatchObject({ error: { type: 'berth_upstream_unreachable' } });
    }
    expect(env.proxy.providers()[0]!.status).toBe('open-circuit');
  });

  it('refuses CR/LF in request headers (proxy stays up, nothing forwarded) and a credential value with a line break', async () => {
    for (const bad of [`x-api-key: ${env.token}\r\nX-Evil: a\rb`, `x-api-key: ${env.token}\r\nX-Evil: a\nInjected: 1`]) {
      const answer = await rawExchange(env.proxy.port!, `GET /anthropic/v1/models HTTP/1.1\r\nHost: x\r\n${bad}\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
    }
    expect(env.fake.received).toHaveLength(0);
    expect((await fetch(`${env.base}/anthropic/v1/models`, { headers: { 'x-api-key': env.token } })).status).toBe(200);

    const broken = await startProxyEnv({ resolveCredential: async () => `${CANARY.anthropic}\r\nX-Smuggled: 1` });
    const r = await fetch(`${broken.base}/anthropic/v1/models`, { headers: { 'x-api-key': broken.token } });
    expect(r.status).toBe(502);
    expect(JSON.parse(await text(r))).toMatchObject({ error: { type: 'berth_credential_invalid' } });
    expect(broken.fake.received).toHaveLength(0);
  });

  it('caps concurrent requests per session with 429 from the proxy', async () => {
    const capped = await startProxyEnv({ maxConnectionsPerSession: 2 });
    capped.fake.always({ type: 'gate' });
    const open = () =>
      fetch(`${capped.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': capped.token }, body: JSON.stringify({ stream: true }) });
    const held = [await open(), await open()];
    const third = await open();
    expect(third.status).toBe(429);
    expect(third.headers.get('x-berth-proxy-error')).toBe('berth_connection_cap');
    // Another session is not affected.
    const other = await fetch(`${capped.base}/anthropic/v1/models`, { headers: { 'x-api-key': capped.proxy.issueToken('session-2') } });
    expect(other.status).toBe(200);
    capped.fake.release();
    for (const r of held) await r.text();
    capped.fake.always({ type: 'normal' });
    await waitFor(async () => (await fetch(`${capped.base}/anthropic/v1/models`, { headers: { 'x-api-key': capped.token } })).status === 200, 'cap released');
  });

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    env.fake.next({ type: 'gate' });
    const controller = new AbortController();
    const r = await fetch(`${env.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': env.token }, body: JSON.stringify({ stream: true }), signal: controller.signal });
    const reader = r.body!.getReader();
    await reader.read();
    controller.abort();
    await waitFor(() => env.fake.openStreams() === 0, 'upstream stream closed');
    const [row] = env.audit.list({ limit: 1 });
    expect(row!.status).toBe(200);
  });

  it('answers 403 on a denied egress decision and for private upstreams not explicitly allowed', async () => {
    env.decisions.set('anthropic', 'deny');
    const denied = await fetch(`${env.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': env.token }, body: '{}' });
    expect(denied.status).toBe(403);
    expect(env.audit.list({ limit: 1 })[0]).toMatchObject({ decision: 'deny', status: 403, injected: false });

    const guarded = await startProxyEnv({}, (url) => [
      { id: 'anthropic', upstream: url, credential: 'anthropic-key' },
      { id: 'openai', upstream: url.replace('127.0.0.1', 'localhost'), credential: 'openai-key' },
    ]);
    const literal = await fetch(`${guarded.base}/anthropic/v1/models`, { headers: { 'x-api-key': guarded.token } });
    expect(literal.status).toBe(403);
    const named = await fetch(`${guarded.base}/openai/v1/models`, { headers: { authorization: `Bearer ${guarded.token}` } });
    expect(named.status).toBe(403);
    expect(JSON.parse(await named.text())).toMatchObject({ error: { type: 'berth_private_address' } });
    expect(guarded.fake.received).toHaveLength(0);
    expect(env.fake.received).toHaveLength(0);
  });

  it('refuses upstreams written as IPv6 forms of loopback (IPv4-compatible, mapped, NAT64, 6to4), like CONNECT does', async () => {
    const port = new URL(env.fake.url).port;
    for (const host of ['[::7f00:1]', '[::ffff:7f00:1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]']) {
      const smuggled = await startProxyEnv({}, () => [{ id: 'anthropic', upstream: `http://${host}:${port}`, credential: 'anthropic-key' }]);
      const r = await fetch(`${smuggled.base}/anthropic/v1/models`, { headers: { 'x-api-key': smuggled.token } });
      expect(r.status, host).toBe(403);
      expect(JSON.parse(await r.text()), host).toMatchObject({ error: { type: 'berth_private_address' } });
    }
    expect(env.fake.received).toHaveLength(0);
  });

  it('answers 502 when the provider’s credential has no value, and forwards without injection when it has none configured', async () => {
    const empty = await startProxyEnv({ resolveCredential: async () => null });
    const r = await fetch(`${empty.base}/anthropic/v1/models`, { headers: { 'x-api-key': empty.token } });
    expect(r.status).toBe(502);
    expect(empty.fake.received).toHaveLength(0);
    const gh = await fetch(`${env.base}/github/user`, { headers: { authorization: `token ${env.token}` } });
    expect(gh.status).toBe(200);
    const got = env.fake.received.at(-1)!;
    expect(got.headers.some(([n]) => n.toLowerCase() === 'authorization')).toBe(false);
    expect(env.audit.list({ limit: 1 })[0]).toMatchObject({ provider: 'github', injected: false, status: 200 });
  });


  it('answers 504 when the upstream sends no headers in time, and breaks a stream that goes idle', async () => {
    const slow = await startProxyEnv({ headersTimeoutMs: 300, idleTimeoutMs: 300 });
    slow.fake.next({ type: 'hang' });
    const hung = await fetch(`${slow.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': slow.token }, body: '{}' });
    expect(hung.status).toBe(504);
    expect(JSON.parse(await text(hung))).toMatchObject({ error: { type: 'berth_upstream_timeout' } });
    slow.fake.next({ type: 'gate' });
    const idle = await fetch(`${slow.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': slow.token }, body: JSON.stringify({ stream: true }) });
    expect(idle.status).toBe(200);
    // Headers were already sent: the client sees the stream cut, not a clean end.
    await expect(idle.text()).rejects.toThrow();
    slow.fake.release();
  });

  it('listens on a unix socket when asked (a container’s forwarder path)', async () => {
    const socketPath = path.join(tempDir(), 'proxy.sock');
    const onSocket = await startProxyEnv({ socketPath });
    expect(onSocket.proxy.url).toBeNull();
    const dispatcher = new Agent({ connect: { socketPath } });
    const r = await request(`http://localhost/anthropic/v1/models`, { dispatcher, headers: { 'x-api-key': onSocket.token } });
    expect(r.statusCode).toBe(200);
    expect(await r.body.json()).toMatchObject({ ok: true, path: '/v1/models' });
    await dispatcher.close();
  });
});
