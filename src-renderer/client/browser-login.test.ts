import { describe, expect, it, vi } from 'vitest';
import { BrowserLogin, LOGIN_STORAGE_KEY, type LoginEnvironment } from './browser-login.js';

/** A page at `url` with its own storage, history and a login endpoint answering `answer`. */
function page(url: string, answer: () => Response | Promise<Response>, now = 1_000) {
  const location = new URL(url, 'http://127.0.0.1:7717');
  const history = { replaceState: vi.fn((_state: unknown, _title: string, to?: string | URL | null) => void (location.href = new URL(String(to), location).href)) };
  const posted: Array<{ url: string; init: RequestInit }> = [];
  const env: LoginEnvironment = {
    storage: window.localStorage,
    location,
    history,
    fetch: vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      // The token is out of the address bar before the exchange even starts.
      expect(location.pathname + location.search).toBe('/');
      posted.push({ url: String(input), init: init ?? {} });
      return answer();
    }) as typeof fetch,
    now: () => now,
  };
  return { login: new BrowserLogin(env), env, location, posted };
}

const granted = (secret: string, expiresAt = 10_000) =>
  new Response(JSON.stringify({ ok: true, value: { secret, idleTimeoutMs: 60_000, expiresAt } }), { status: 200, headers: { 'content-type': 'application/json' } });

describe('BrowserLogin', () => {
  it('trades the link token for a secret, keeps it in this origin’s storage and cleans the address bar', async () => {
    window.localStorage.clear();
    const { login, posted, location } = page('/login?token=tok-123', () => granted('s3cret'));
    expect(await login.completeLink()).toBe('logged-in');
    expect(location.pathname).toBe('/');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.url).toBe('/login');
    expect(posted[0]!.init).toMatchObject({ method: 'POST', credentials: 'omit' });
    expect(JSON.parse(String(posted[0]!.init.body))).toEqual({ token: 'tok-123' });
    expect(login.secret()).toBe('s3cret');
    // A reload (a new page object on the same storage) is still logged in.
    expect(page('/', () => granted('unused')).login.secret()).toBe('s3cret');
  });

  it('does nothing away from /login, and stores nothing when the link is refused', async () => {
    window.localStorage.clear();
    const away = page('/?token=tok', () => granted('x'));
    expect(await away.login.completeLink()).toBe('none');
    expect(away.posted).toHaveLength(0);
    const refused = page('/login?token=used', () => new Response('{"ok":false}', { status: 401 }));
    expect(await refused.login.completeLink()).toBe('refused');
    expect(refused.location.pathname).toBe('/');
    expect(refused.login.secret()).toBeNull();
  });

  it('forgets a login past its lifetime, and a refused secret only if it is still the stored one', async () => {
    window.localStorage.clear();
    const { login } = page('/login?token=t', () => granted('old', 5_000));
    await login.completeLink();
    expect(page('/', () => granted('x'), 6_000).login.secret()).toBeNull();
    expect(window.localStorage.getItem(LOGIN_STORAGE_KEY)).toBeNull();

    const newer = page('/login?token=t2', () => granted('newer'));
    await newer.login.completeLink();
    newer.login.clear('old'); // another tab's refusal of its stale secret
    expect(newer.login.secret()).toBe('newer');
    newer.login.clear();
    expect(newer.login.secret()).toBeNull();
  });
});
