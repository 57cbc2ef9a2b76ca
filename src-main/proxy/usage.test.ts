import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProvider } from '../testing/fake-provider.js';
import { tempDir } from '../testing/fixtures.js';
import { PriceTable } from './prices.js';
import { createUsageTap, type UsageReading } from './usage.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await FakeProvider.start({ streamEvents: 4, usage: { input: 120, output: 42, cacheRead: 30, cacheWrite: 10 } });
});
afterAll(() => fake.close());

/** Raw response bytes and content type of one call to the fake. */
async function call(pathname: string, body: unknown): Promise<{ bytes: Buffer; type: string }> {
  const r = await fetch(`${fake.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { bytes: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type') ?? '' };
}

/** Feeds bytes to a fresh tap cut at `cuts`. */
function read(type: string, bytes: Buffer, cuts: number[] = []): UsageReading | null {
  const tap = createUsageTap(type);
  if (!tap) return null;
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of points) {
    tap.push(bytes.subarray(prev, p));
    prev = p;
  }
  tap.push(bytes.subarray(prev));
  return tap.end();
}

const cases: [string, string, Record<string, unknown>, UsageReading][] = [
  ['anthropic json', '/v1/messages', { model: 'claude-sonnet-4-5-20250929' }, { model: 'claude-sonnet-4-5-20250929', inputTokens: 120, outputTokens: 42, cacheWriteTokens: 10, cacheReadTokens: 30 }],
  ['anthropic sse', '/v1/messages', { model: 'claude-sonnet-4-5-20250929', stream: true }, { model: 'claude-sonnet-4-5-20250929', inputTokens: 120, outputTokens: 42, cacheWriteTokens: 10, cacheReadTokens: 30 }],
  ['chat json', '/v1/chat/completions', { model: 'gpt-4o-mini' }, { model: 'gpt-4o-mini', inputTokens: 120, outputTokens: 42, cacheWriteTokens: 0, cacheReadTokens: 30 }],
  ['chat sse + include_usage', '/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } }, { model: 'gpt-4o-mini', inputTokens: 120, outputTokens: 42, cacheWriteTokens: 0, cacheReadTokens: 30 }],
  ['responses json', '/v1/responses', { model: 'gpt-5' }, { model: 'gpt-5', inputTokens: 120, outputTokens: 42, cacheWriteTokens: 0, cacheReadTokens: 30 }],
  ['responses sse', '/v1/responses', { model: 'gpt-5', stream: true }, { model: 'gpt-5', inputTokens: 120, outputTokens: 42, cacheWriteTokens: 0, cacheReadTokens: 30 }],
  ['gemini json', '/v1beta/models/gemini-2.5-flash:generateContent', {}, { model: 'gemini-2.5-flash', inputTokens: 120, outputTokens: 42, cacheWriteTokens: 0, cacheReadTokens: 30 }],
  ['gemini sse', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {}, { model: 'gemini-2.5-flash', inputTokens: 120, outputTokens: 42, cacheWriteTokens: 0, cacheReadTokens: 30 }],
];

describe('usage extraction', () => {
  it.each(cases)('%s: usage read from the fake provider’s real wire format, however the bytes are cut', async (_name, pathname, body, expected) => {
    const { bytes, type } = await call(pathname, body);
    expect(read(type, bytes)).toEqual(expected);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), (cuts) => {
        expect(read(type, bytes, cuts)).toEqual(expected);
      }),
      { seed: 0x05a9e, numRuns: 300 },
    );
  });

  it('chat streams without include_usage give the model and no tokens; other bodies give nothing', async () => {
    const { bytes, type } = await call('/v1/chat/completions', { model: 'gpt-4o-mini', stream: true });
    expect(read(type, bytes)).toEqual({ model: 'gpt-4o-mini', inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 });
    expect(createUsageTap('text/html')).toBeNull();
    expect(read('application/json', Buffer.from('{"ok":true}'))).toBeNull();
    expect(read('application/json', Buffer.from('not json'))).toBeNull();
  });
});

describe('price table', () => {
  it('prices dated model ids by prefix, not other models, and computes cost with cache prices', () => {
    const t = PriceTable.bundled();
    expect(t.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(t.price('claude-sonnet-4-5-20250929')).toEqual(t.price('claude-sonnet-4-5'));
    expect(t.price('claude-sonnet-4-5@20250929')).toEqual(t.price('claude-sonnet-4-5'));
    expect(t.price('gpt-4o-2024-08-06')?.inputPerMTok).toBe(2.5);
    expect(t.price('gpt-4o-mini-2024-07-18')?.inputPerMTok).toBe(0.15);
    expect(t.price('models/gemini-2.5-flash')).not.toBeNull();
    expect(t.price('gpt-4o-unknown-variant')).toBeNull();
    expect(t.price('no-such-model')).toBeNull();
    const cost = t.cost({ model: 'claude-sonnet-4-5-20250929', inputTokens: 1_000_000, outputTokens: 1_000_000, cacheWriteTokens: 1_000_000, cacheReadTokens: 1_000_000 });
    expect(cost).toBeCloseTo(3 + 15 + 3.75 + 0.3, 9);
    expect(t.cost({ model: null, inputTokens: 1, outputTokens: 1, cacheWriteTokens: 0, cacheReadTokens: 0 })).toBeNull();
  });

  it('a user copy overrides and adds models; an invalid one is an error value; a missing one is ignored', () => {
    const dir = tempDir();
    const file = path.join(dir, 'prices.json');
    fs.writeFileSync(file, JSON.stringify({ version: '2099-01-01', models: { 'claude-sonnet-4-5': { inputPerMTok: 1, outputPerMTok: 2 }, 'my-model': { inputPerMTok: 5, outputPerMTok: 5 } } }));
    const t = PriceTable.load(file);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.value.version).toBe('2099-01-01');
    expect(t.value.price('claude-sonnet-4-5-20250929')?.inputPerMTok).toBe(1);
    expect(t.value.price('my-model')?.outputPerMTok).toBe(5);
    expect(t.value.price('gpt-4o')?.inputPerMTok).toBe(2.5);
    fs.writeFileSync(file, JSON.stringify({ version: 'yesterday', models: {} }));
    const bad = PriceTable.load(file);
    expect(bad.ok).toBe(false);
    expect(PriceTable.load(path.join(dir, 'missing.json')).ok).toBe(true);
  });
});
