/**
 * The browser's login to a headless orchestrator (never used on the desktop, whose window talks over a
 * MessagePort).
 *
 * The one-time login link opens this app at `/login?token=…`; the page posts the token to `POST /login`
 * and keeps the login secret it gets in its own origin's localStorage: pages from other origins, other
 * 127.0.0.1 ports included, can't read it, and unlike a cookie the browser never sends it on its own.
 * The transports send it as `Authorization: Bearer` and as a WebSocket subprotocol. A reload or a second
 * tab finds it there; logout and a refusal by the orchestrator remove it.
 */
import { z } from 'zod';
import { LOGIN_PATH, LoginResponse } from '../../src-shared/contract.js';

/** localStorage key of the login (shared by the tabs of this origin). */
export const LOGIN_STORAGE_KEY = 'berth.login';

/** What is stored: the secret and when the orchestrator will stop accepting it anyway. */
const StoredLogin = LoginResponse.pick({ secret: true, expiresAt: true });

/** How opening the page went: no link in the URL, a link that logged in, or one that was refused. */
export type LinkOutcome = 'none' | 'logged-in' | 'refused';

/** The slices of window the login needs (a test passes its own). */
export interface LoginEnvironment {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  location: Pick<Location, 'pathname' | 'search'>;
  history: Pick<History, 'replaceState'>;
  fetch: typeof fetch;
  now?: () => number;
}

export class BrowserLogin {
  constructor(private readonly env: LoginEnvironment) {}

  /** The stored login secret, or null when there is none (or it is past its absolute lifetime). */
  secret(): string | null {
    const login = this.stored();
    if (login && login.expiresAt > (this.env.now ?? Date.now)()) return login.secret;
    if (this.env.storage.getItem(LOGIN_STORAGE_KEY) !== null) this.clear();
    return null;
  }

  private stored(): z.infer<typeof StoredLogin> | null {
    const raw = this.env.storage.getItem(LOGIN_STORAGE_KEY);
    if (raw === null) return null;
    try {
      const result = StoredLogin.safeParse(JSON.parse(raw));
      return result.success ? result.data : null;
    } catch {
      return null;
    }
  }

  /**
   * Forgets the login (logout). With `secret`, only when that is still the stored one: the orchestrator
   * refused it, and another tab may have stored a newer login meanwhile.
   */
  clear(secret?: string): void {
    if (secret !== undefined && this.stored()?.secret !== secret) return;
    this.env.storage.removeItem(LOGIN_STORAGE_KEY);
  }

  /**
   * When the page was opened from a login link: takes the token out of the address bar and history
   * first, then trades it for a login secret and stores it.
   */
  async completeLink(): Promise<LinkOutcome> {
    if (this.env.location.pathname !== LOGIN_PATH) return 'none';
    const token = new URLSearchParams(this.env.location.search).get('token');
    this.env.history.replaceState(null, '', '/');
    if (!token) return 'refused';
    try {
      const response = await this.env.fetch(LOGIN_PATH, {
        method: 'POST',
        credentials: 'omit',
        cache: 'no-store',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      if (!response.ok) return 'refused';
      const body = z.object({ ok: z.literal(true), value: LoginResponse }).safeParse(await response.json());
      if (!body.success) return 'refused';
      const { secret, expiresAt } = body.data.value;
      this.env.storage.setItem(LOGIN_STORAGE_KEY, JSON.stringify({ secret, expiresAt }));
      return 'logged-in';
    } catch {
      return 'refused';
    }
  }
}
