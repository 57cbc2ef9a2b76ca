/**
 * The hook route over real HTTP on loopback, on the credential proxy's listener: only a live session's
 * hook token reports a state; a wrong, a revoked or a proxy stand-in token gets 401 and changes nothing;
 * bodies are capped and parsed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentReport } from '../sessions/attention.js';
import { closeProxyEnvs, startProxyEnv, type ProxyEnv } from '../proxy/proxy-test-env.js';
import type { SessionTokens } from '../proxy/tokens.js';
import { createHookEndpoint, MAX_HOOK_BODY_BYTES } from './hook-endpoint.js';
import { createHookTokens, HOOK_PATH, HOOK_TOKEN_HEADER, HOOK_TOKEN_PREFIX } from './hook-tokens.js';

let env: ProxyEnv;
let tokens: SessionTokens;
let reports: { sessionId: string; report: AgentReport }[];

beforeEach(async () => {
  tokens = createHookTokens();
  reports = [];
  const hooks = createHookEndpoint({ tokens, report: (sessionId, report) => reports.push({ sessionId, report }) });
  env = await startProxyEnv({ routes: [{ path: HOOK_PATH, handle: hooks.handle }] });
});
afterEach(() => closeProxyEnvs());

const post = (token: string | null, body: string) =>
  fetch(`${env.base}${HOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === null ? {} : { [HOOK_TOKEN_HEADER]: token }) }, body });
const permission = JSON.stringify({ hook_event_name: 'Notification', message: 'Claude needs your permission to use Bash', session_id: 'c1' });

describe('hook endpoint', () => {
  it('a live session token reports the mapped state; tokens are 256-bit and per session', async () => {
    const token = tokens.issue('session-1');
    expect(token.startsWith(HOOK_TOKEN_PREFIX)).toBe(true);
    expect(token.length).toBe(HOOK_TOKEN_PREFIX.length + 64);
    expect(tokens.issue('session-2')).not.toBe(token);
    const r = await post(token, permission);
    expect(r.status).toBe(204);
    expect(reports).toEqual([{ sessionId: 'session-1', report: { state: 'waiting-approval', detail: 'Claude needs your permission to use Bash' } }]);
    expect((await post(token, JSON.stringify({ hook_event_name: 'SessionEnd' }))).status).toBe(204);
    expect(reports).toHaveLength(1);
  });

  it('refuses a missing, wrong, revoked or proxy stand-in token with 401 and reports nothing', async () => {
    const token = tokens.issue('session-1');
    expect((await post(null, permission)).status).toBe(401);
    const wrong = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    expect((await post(wrong, permission)).status).toBe(401);
    expect((await post(env.token, permission)).status).toBe(401);
    tokens.revoke('session-1');
    const r = await post(token, permission);
    expect(r.status).toBe(401);
    expect(await r.text()).toContain('revoked');
    expect(reports).toEqual([]);
    // The hook token opens no provider route either (407; fetch turns a 407 into a network error).
    expect(env.proxy.sessionOfToken(tokens.issue('session-1'))).toBeNull();
  });

  it('refuses bodies that are too large, not JSON or not a hook event', async () => {
    const token = tokens.issue('session-1');
    expect((await post(token, JSON.stringify({ hook_event_name: 'Stop', pad: 'x'.repeat(MAX_HOOK_BODY_BYTES) }))).status).toBe(413);
    expect((await post(token, 'not json')).status).toBe(400);
    expect((await post(token, JSON.stringify({ message: 'no event' }))).status).toBe(400);
    expect((await fetch(`${env.base}${HOOK_PATH}`, { headers: { [HOOK_TOKEN_HEADER]: token } })).status).toBe(405);
    expect(reports).toEqual([]);
  });
});
