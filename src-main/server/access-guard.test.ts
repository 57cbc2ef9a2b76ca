/**
 * The guard's bookkeeping, with a clock the test moves: unused login links are bounded in number and
 * time, browser logins end after their idle time and at their absolute lifetime, and ending one tells
 * the server (which closes its sockets).
 */
import { describe, expect, it } from 'vitest';
import { AccessGuard, BROWSER_IDLE_TIMEOUT_MS, BROWSER_MAX_AGE_MS, LOGIN_TOKEN_TTL_MS, MAX_BROWSER_LOGINS, MAX_PENDING_LOGIN_TOKENS } from './security.js';

/** A guard on a clock that only moves when told. */
function guardAt(start = 1_000_000) {
  let now = start;
  const guard = new AccessGuard({ now: () => now });
  const ended: string[] = [];
  guard.onDidEndLogin((id) => ended.push(id));
  return { guard, ended, advance: (ms: number) => (now += ms) };
}

describe('AccessGuard', () => {
  it('keeps at most a fixed number of unused login links, dropping the oldest', () => {
    const { guard } = guardAt();
    const tokens = Array.from({ length: 1_000 }, () => guard.mintLoginToken());
    expect(guard.pendingLoginTokens).toBe(MAX_PENDING_LOGIN_TOKENS);
    expect(guard.redeemLoginToken(tokens[0]!)).toBeNull();
    expect(guard.redeemLoginToken(tokens.at(-1)!)).not.toBeNull();
  });

  it('forgets login links when they expire, used or not', () => {
    const { guard, advance } = guardAt();
    const token = guard.mintLoginToken();
    guard.mintLoginToken();
    advance(LOGIN_TOKEN_TTL_MS);
    expect(guard.pendingLoginTokens).toBe(0);
    expect(guard.isLoginTokenValid(token)).toBe(false);
    expect(guard.redeemLoginToken(token)).toBeNull();
  });

  it('ends a browser login after its idle time, and use keeps it alive', () => {
    const { guard, ended, advance } = guardAt();
    const login = guard.redeemLoginToken(guard.mintLoginToken())!;
    expect(login.idleTimeoutMs).toBe(BROWSER_IDLE_TIMEOUT_MS);
    const who = guard.authenticate(login.secret);
    expect(who).toMatchObject({ kind: 'browser' });
    advance(BROWSER_IDLE_TIMEOUT_MS - 1);
    expect(guard.authenticate(login.secret)).toEqual(who);
    advance(BROWSER_IDLE_TIMEOUT_MS - 1);
    expect(guard.authenticate(login.secret)).toEqual(who);
    advance(BROWSER_IDLE_TIMEOUT_MS);
    guard.sweep();
    expect(ended).toEqual([who && who.kind === 'browser' ? who.id : '']);
    expect(guard.authenticate(login.secret)).toBeNull();
  });

  it('ends a browser login at its absolute lifetime however busy it is', () => {
    const { guard, advance } = guardAt();
    const login = guard.redeemLoginToken(guard.mintLoginToken())!;
    const step = BROWSER_IDLE_TIMEOUT_MS / 2;
    for (let t = 0; t + step < BROWSER_MAX_AGE_MS; t += step) {
      expect(guard.authenticate(login.secret)).not.toBeNull();
      advance(step);
    }
    advance(step);
    expect(guard.authenticate(login.secret)).toBeNull();
  });

  it('bounds the number of browser logins, ending the least recently used', () => {
    const { guard, ended } = guardAt();
    const secrets = Array.from({ length: MAX_BROWSER_LOGINS }, () => guard.redeemLoginToken(guard.mintLoginToken())!.secret);
    expect(guard.authenticate(secrets[0]!)).not.toBeNull(); // the first is now the most recently used
    guard.redeemLoginToken(guard.mintLoginToken());
    expect(guard.browserLogins).toBe(MAX_BROWSER_LOGINS);
    expect(ended).toHaveLength(1);
    expect(guard.authenticate(secrets[0]!)).not.toBeNull();
    expect(guard.authenticate(secrets[1]!)).toBeNull();
  });

  it('tells the API token from browser logins, and logout ends one or all of the latter', () => {
    const { guard } = guardAt();
    expect(guard.authenticate(guard.apiToken)).toEqual({ kind: 'token' });
    expect(guard.authenticate('')).toBeNull();
    expect(guard.authenticate(undefined)).toBeNull();
    const a = guard.redeemLoginToken(guard.mintLoginToken())!.secret;
    const b = guard.redeemLoginToken(guard.mintLoginToken())!.secret;
    const who = guard.authenticate(a)!;
    expect(guard.logout(who)).toBe(1);
    expect(guard.authenticate(a)).toBeNull();
    expect(guard.authenticate(b)).not.toBeNull();
    expect(guard.logout({ kind: 'token' })).toBe(1);
    expect(guard.authenticate(b)).toBeNull();
    expect(guard.authenticate(guard.apiToken)).toEqual({ kind: 'token' });
  });
});
