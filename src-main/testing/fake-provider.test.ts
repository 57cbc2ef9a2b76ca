import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeProvider } from './fake-provider.js';
import { assertNoLeaks } from './fixtures.js';

let fake: FakeProvider;
beforeEach(async () => {
  fake = await FakeProvider.start({ streamEvents: 2 });
});
afterEach(async () => {
  await fake.close();
  await assertNoLeaks();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('fake provider', () => {
  it('records requests with headers as sent, and counts a value across them', async () => {
    await post('/v1/messages', { model: 'claude-sonnet-4-5' }, { 'X-Api-Key': 'canary-1', 'x-other': 'canary-1 again' });
    expect(fake.received).toHaveLength(1);
    const r = fake.received[0]!;
    expect(r).toMatchObject({ method: 'POST', url: '/v1/messages' });
    expect(r.headers).toContainEqual(['X-Api-Key', 'canary-1']);
    expect(FakeProvider.countInHeaders(r, 'canary-1')).toBe(2);
    expect(JSON.parse(r.body)).toEqual({ model: 'claude-sonnet-4-5' });
  });

  it('speaks Anthropic SSE in the documented event order, and OpenAI chat streams end in [DONE]', async () => {
    const a = await (await post('/v1/messages', { model: 'm', stream: true })).text();
    const names = a.split('\n').filter((l) => l.startsWith('event: ')).map((l) => l.slice(7));
    expect(names).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    const c = await (await post('/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } })).text();
    const data = c.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    expect(JSON.parse(data.at(-2)!)).toMatchObject({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 15 } });
  });

  it('misbehaves on request: 429 with retry-after, 529, redirect, a status, echo, then back to normal', async () => {
    fake.next({ type: 'rate-limit', retryAfter: '3' });
    fake.next({ type: 'overloaded' });
    fake.next({ type: 'redirect', location: 'http://127.0.0.1:9/x' });
    fake.next({ type: 'status', status: 503, headers: { 'x-why': 'test' } });
    fake.next({ type: 'echo-header', name: 'x-api-key' });
    const limited = await post('/v1/messages', {});
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await post('/v1/messages', {})).status).toBe(529);
    const moved = await post('/v1/messages', {});
    expect([moved.status, moved.headers.get('location')]).toEqual([302, 'http://127.0.0.1:9/x']);
    const unavailable = await post('/v1/messages', {});
    expect([unavailable.status, unavailable.headers.get('x-why')]).toEqual([503, 'test']);
    const echo = await post('/v1/messages', {}, { 'x-api-key': 'abcdef' });
    expect(echo.headers.get('x-echo')).toBe('abcdef');
    expect(await echo.text()).toBe('you sent: abcdef (end)');
    expect((await post('/v1/messages', {})).status).toBe(200);
  });

  it('holds a gated stream open after the first delta until released, and stamps events when asked', async () => {
    fake.next({ type: 'gate' });
    const r = await post('/v1/messages', { stream: true });
    const reader = r.body!.getReader();
    let seen = '';
    while (!seen.includes('content_block_delta')) seen += new TextDecoder().decode((await reader.read()).value);
    expect(fake.openStreams()).toBe(1);
    fake.release();
    while (!(await reader.read()).done);
    await fake.close();
    fake = await FakeProvider.start({ stampEvents: true, streamEvents: 2 });
    const stamped = await (await post('/v1/messages', { stream: true })).text();
    expect(stamped.match(/t=\d+;/g)).toHaveLength(2);
  });
});
