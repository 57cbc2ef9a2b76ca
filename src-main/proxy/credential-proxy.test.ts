/**
 * The proxy end to end over real HTTP on loopback (client → proxy → fake provider): the paths that
 * work — streaming, injection, usage and cost, redirects and rate limits passed through, scrubbing,
 * session variables.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../testing/fixtures.js';
import { ALL_CANARIES, CANARY, closeProxyEnvs, dataEvents, expectOneCredential, startProxyEnv, text, type ProxyEnv } from './proxy-test-env.js';

let env: ProxyEnv;
beforeEach(async () => {
  env = await startProxyEnv();
});
afterEach(async () => {
  await closeProxyEnvs();
  await assertNoLeaks();
});

describe('credential proxy, base-URL mode', () => {
  it('streams an Anthropic Messages call with the real key injected once, client credentials stripped, usage and cost audited', async () => {
    const r = await fetch(`${env.base}/anthropic/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'x-api-key': env.token, authorization: 'Bearer sk-client-own-key', X_Api_Key: 'sk-underscore-spelling', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = dataEvents(await text(r)).map((d) => JSON.parse(d) as { type: string });
    expect(events.map((e) => e.type)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expectOneCredential(env, 'x-api-key', CANARY.anthropic, CANARY.anthropic);
    const got = env.fake.received.at(-1)!;
    expect(got.url).toBe('/v1/messages?beta=true');
    expect(got.headers.find(([n]) => n.toLowerCase() === 'anthropic-version')?.[1]).toBe('2023-06-01');

    const [row] = env.audit.list({ sessionId: 'session-1', limit: 5 });
    expect(row).toMatchObject({ provider: 'anthropic', host: '127.0.0.1', method: 'POST', path: '/v1/messages', status: 200, injected: true, decision: 'allow', model: 'claude-sonnet-4-5-20250929', tokensIn: 25, tokensOut: 15 });
    expect(row!.costUsd).toBeCloseTo((25 * 3 + 15 * 15) / 1e6, 12);
    expect(row!.bytesUp).toBeGreaterThan(50);
    expect(row!.bytesDown).toBeGreaterThan(500);
    expect(env.audit.usage({ sessionId: 'session-1' })).toEqual([{ sessionId: 'session-1', provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', requests: 1, tokensIn: 25, tokensOut: 15, costUsd: row!.costUsd }]);
    expect(env.timings).toHaveLength(1);
    expect(env.timings[0]!.provider).toBe('anthropic');
    // The proxy's split of its time to headers (its own part, the upstream's) fits inside the request's
    // audited latency: one clock, one unit. Both parts are real durations, not a default of zero.
    const timing = env.timings[0]!;
    expect(timing.upstreamMs).toBeGreaterThan(0);
    expect(timing.addedMs).toBeGreaterThan(0);
    expect(timing.addedMs + timing.upstreamMs).toBeLessThanOrEqual(row!.latencyMs);
    // Nothing stored holds a key or a token.
    const dump = JSON.stringify([env.db.prepare('SELECT * FROM audit').all(), env.db.prepare('SELECT * FROM token_usage').all()]);
    for (const secret of [...ALL_CANARIES, env.token, 'sk-client-own-key']) expect(dump).not.toContain(secret);
  });

  it('streams OpenAI Chat Completions (include_usage) and Responses with Authorization: Bearer swapped', async () => {
    const chat = await fetch(`${env.base}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.token}`, 'api-key': 'azure-style-client-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const chunks = dataEvents(await text(chat));
    expect(chunks.at(-1)).toBe('[DONE]');
    expectOneCredential(env, 'authorization', `Bearer ${CANARY.openai}`, CANARY.openai);

    const resp = await fetch(`${env.base}/openai/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5', stream: true, input: 'hi' }),
    });
    const types = dataEvents(await text(resp)).map((d) => (JSON.parse(d) as { type: string }).type);
    expect(types.at(-1)).toBe('response.completed');
    expectOneCredential(env, 'authorization', `Bearer ${CANARY.openai}`, CANARY.openai);

    const usage = env.audit.usage({ sessionId: 'session-1' });
    expect(usage.map((u) => [u.model, u.requests, u.tokensIn, u.tokensOut])).toEqual([
      ['gpt-4o-mini', 1, 25, 15],
      ['gpt-5', 1, 25, 15],
    ]);
    expect(usage.every((u) => u.costUsd > 0)).toBe(true);
  });

  it('takes the Gemini stand-in from ?key=, drops it from the upstream URL and injects x-goog-api-key', async () => {
    const r = await fetch(`${env.base}/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${env.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
    });
    expect(r.status).toBe(200);
    await text(r);
    expectOneCredential(env, 'x-goog-api-key', CANARY.gemini, CANARY.gemini);
    expect(env.fake.received.at(-1)!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(env.audit.list({ limit: 1 })[0]).toMatchObject({ model: 'gemini-2.5-flash', tokensIn: 25, tokensOut: 15, path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent' });
  });

  it('passes redirects back without following them, and 429 / 529 with retry-after unchanged and unretried', async () => {
    env.fake.next({ type: 'redirect', location: 'http://127.0.0.1:9/elsewhere', status: 307 });
    const redirect = await fetch(`${env.base}/anthropic/v1/messages`, { method: 'POST', redirect: 'manual', headers: { 'x-api-key': env.token }, body: '{}' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
    expect(env.fake.received).toHaveLength(1);

    env.fake.next({ type: 'rate-limit', retryAfter: '7' });
    const limited = await fetch(`${env.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': env.token }, body: '{}' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(JSON.parse(await text(limited))).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(env.fake.received).toHaveLength(2);

    env.fake.next({ type: 'overloaded' });
    const overloaded = await fetch(`${env.base}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': env.token }, body: '{}' });
    expect(overloaded.status).toBe(529);
    expect(JSON.parse(await text(overloaded))).toMatchObject({ error: { type: 'overloaded_error' } });
    expect(env.fake.received).toHaveLength(3);
  });

  it('delivers SSE events while the upstream stream is still open (no buffering)', async () => {
    env.fake.next({ type: 'gate' });
    const r = await fetch(`${env.base}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': env.token, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, messages: [] }),
    });
    const reader = r.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    // The fake holds the stream after the first delta until released: the delta must arrive first.
    while (!seen.includes('content_block_delta')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      seen += decoder.decode(value, { stream: true });
    }
    expect(seen).not.toContain('message_stop');
    env.fake.release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
    }
    expect(seen).toContain('message_stop');
  });

  it('scrubs the injected key from response headers and from a body where it arrives split across chunks', async () => {
    env.fake.next({ type: 'echo-header', name: 'x-api-key' });
    const r = await fetch(`${env.base}/anthropic/v1/echo`, { headers: { 'x-api-key': env.token } });
    const body = await text(r);
    expect(r.headers.get('x-echo')).toBe('*'.repeat(CANARY.anthropic.length));
    expect(body).toBe(`you sent: ${'*'.repeat(CANARY.anthropic.length)} (end)`);
  });

  it('gives each session its providers’ variables with the stand-in as the key, for the base URL it reaches', () => {
    const e = env.proxy.sessionEnv('session-9', 'http://172.17.0.1:4000/');
    const token = env.proxy.issueToken('session-9');
    expect(e).toEqual({
      ANTHROPIC_BASE_URL: 'http://172.17.0.1:4000/anthropic',
      ANTHROPIC_API_KEY: token,
      OPENAI_BASE_URL: 'http://172.17.0.1:4000/openai/v1',
      OPENAI_API_KEY: token,
      GEMINI_API_KEY: token,
      GOOGLE_API_KEY: token,
      GOOGLE_GEMINI_BASE_URL: 'http://172.17.0.1:4000/gemini',
      GEMINI_BASE_URL: 'http://172.17.0.1:4000/gemini',
    });
    expect(token).toMatch(/^berth-[0-9a-f]{32}$/);
    expect(JSON.stringify(e)).not.toMatch(/canary/);
    expect(env.proxy.setProviders([{ id: 'my-gateway', upstream: 'https://gw.example/api', credential: 'gw' }]).ok).toBe(true);
    expect(env.proxy.sessionEnv('session-9', 'http://127.0.0.1:1')).toEqual({ MY_GATEWAY_BASE_URL: 'http://127.0.0.1:1/my-gateway', MY_GATEWAY_API_KEY: token });
    expect(env.proxy.setProviders([{ id: 'x', upstream: 'ftp://nope', credential: null }]).ok).toBe(false);
  });
});
