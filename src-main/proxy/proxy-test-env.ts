/**
 * Test environment for the proxy's end-to-end tests: a fake provider, a store with an audit writer and
 * a proxy in front, random canary keys, and checks that no canary ever comes back.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import type { ProviderConfig } from '../../src-shared/proxy.js';
import { openDatabase, type Db } from '../store/database.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { tempDir } from '../testing/fixtures.js';
import { AuditWriter } from './audit.js';
import { CredentialProxy, type CredentialProxyOptions, type RequestTiming } from './credential-proxy.js';

/** The "real" keys: random canaries that must reach the fake provider and never come back. */
export const CANARY = {
  anthropic: `sk-ant-canary-${crypto.randomBytes(16).toString('hex')}`,
  openai: `sk-openai-canary-${crypto.randomBytes(16).toString('hex')}`,
  gemini: `AIza-canary-${crypto.randomBytes(16).toString('hex')}`,
};
export const ALL_CANARIES = Object.values(CANARY);
/** Client-supplied keys the tests send; they must never reach the upstream. */
export const CLIENT_KEYS = ['sk-client-own-key', 'sk-underscore-spelling', 'azure-style-client-key'];

export interface ProxyEnv {
  fake: FakeProvider;
  proxy: CredentialProxy;
  db: Db;
  audit: AuditWriter;
  /** session-1's stand-in. */
  token: string;
  base: string;
  timings: RequestTiming[];
  decisions: Map<string, 'allow' | 'deny'>;
}

const cleanups: (() => unknown)[] = [];

/** A fake provider behind a proxy (anthropic, openai, gemini with canaries; github without a credential). */
export async function startProxyEnv(over: Partial<CredentialProxyOptions> = {}, providers?: (fakeUrl: string) => ProviderConfig[]): Promise<ProxyEnv> {
  const fake = await FakeProvider.start({ streamEvents: 4 });
  cleanups.push(() => fake.close());
  const db = await openDatabase(path.join(tempDir(), 'berth.db'));
  const audit = new AuditWriter(db);
  cleanups.push(() => db.close(), () => audit.dispose());
  const timings: RequestTiming[] = [];
  const decisions = new Map<string, 'allow' | 'deny'>();
  const vault = new Map<string, string>([
    ['anthropic-key', CANARY.anthropic],
    ['openai-key', CANARY.openai],
    ['gemini-key', CANARY.gemini],
  ]);
  const started = await CredentialProxy.start({
    providers: providers?.(fake.url) ?? [
      { id: 'anthropic', upstream: fake.url, credential: 'anthropic-key', allowPrivate: true },
      { id: 'openai', upstream: fake.url, credential: 'openai-key', allowPrivate: true },
      { id: 'gemini', upstream: fake.url, credential: 'gemini-key', allowPrivate: true },
      { id: 'github', upstream: fake.url, credential: null, allowPrivate: true },
    ],
    decide: (r) => decisions.get(r.provider) ?? 'allow',
    resolveCredential: async (name) => vault.get(name) ?? null,
    audit,
    onRequestTimed: (t) => timings.push(t),
    breaker: { failureThreshold: 3, coolDownMs: 60_000 },
    ...over,
  });
  if (!started.ok) throw new Error(started.error.message);
  const proxy = started.value;
  cleanups.push(() => proxy.close());
  return { fake, proxy, db, audit, token: proxy.issueToken('session-1'), base: proxy.url ?? '', timings, decisions };
}

/** Closes everything startProxyEnv made (call in afterEach). */
export async function closeProxyEnvs(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** Reads a response body while asserting no canary is in it or in any header. */
export async function text(r: Response): Promise<string> {
  const body = await r.text();
  for (const c of ALL_CANARIES) expect(body).not.toContain(c);
  for (const [, v] of r.headers) for (const c of ALL_CANARIES) expect(v).not.toContain(c);
  return body;
}

/** SSE `data:` payloads of a body. */
export const dataEvents = (body: string) =>
  body
    .split(/\r?\n/)
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6));

/** The last upstream request had exactly one credential header, carrying exactly the canary, and no stand-in. */
export function expectOneCredential(env: ProxyEnv, headerName: string, expected: string, canary: string): void {
  const r = env.fake.received.at(-1)!;
  const creds = r.headers.filter(([n]) => ['authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'proxy-authorization'].includes(n.toLowerCase().replaceAll('_', '-')));
  expect(creds).toEqual([[headerName, expected]]);
  expect(FakeProvider.countInHeaders(r, canary)).toBe(1);
  expect(FakeProvider.countInHeaders(r, env.token)).toBe(0);
  expect(r.url.includes(env.token)).toBe(false);
  for (const own of CLIENT_KEYS) expect(FakeProvider.countInHeaders(r, own)).toBe(0);
}

/** Sends raw bytes to the proxy and returns everything it answers until it closes. */
export function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    let d = '';
    s.on('data', (c: Buffer) => (d += c));
    s.on('close', () => resolve(d));
  });
}
