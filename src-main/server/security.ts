/**
 * Who may talk to the local API, and with which credential.
 *
 * Two credentials, neither of which any other web page can read or make a browser send:
 * - the API token (256 bits, in the 0600 api.json), sent by the CLI as `Authorization: Bearer`;
 * - a browser login: a one-time login link (minted for `berth serve` / `berth open`, 10 minutes) is
 *   exchanged by the page it opens for a login secret that the page keeps in its own origin's storage
 *   and sends as `Authorization: Bearer` or as a WebSocket subprotocol. A login ends after an idle time,
 *   at an absolute lifetime, on logout, or when the orchestrator stops (logins live in memory only).
 * Cookies are never a credential: they are not scoped by port, so every web server on 127.0.0.1 gets
 * them. Host/Origin/fetch-metadata checks are in request-gate.ts.
 */
import crypto from 'node:crypto';
import { Emitter, type Disposable } from '../../src-shared/lifecycle.js';

/** Bytes of randomness in the API token, login tokens and login secrets (256 bits). */
const SECRET_BYTES = 32;
/** How long a one-time login link stays valid. */
export const LOGIN_TOKEN_TTL_MS = 10 * 60 * 1000;
/** Unused login links kept at most; minting more drops the oldest (a loop can't grow memory). */
export const MAX_PENDING_LOGIN_TOKENS = 16;
/** A browser login ends after this long without a request or WebSocket frame. */
export const BROWSER_IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** A browser login ends this long after it began, whatever happens. */
export const BROWSER_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Browser logins kept at most; a new one beyond that ends the least recently used. */
export const MAX_BROWSER_LOGINS = 32;

export function randomSecret(): string {
  return crypto.randomBytes(SECRET_BYTES).toString('base64url');
}

/** Map key of a secret: its SHA-256, so a lookup's timing says nothing about the secret itself. */
function digest(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * Who made a call: the CLI (API token), a browser login (its id), or an in-process caller (the desktop
 * window's MessagePort, the benchmark) when absent.
 */
export type Principal = { kind: 'token' } | { kind: 'browser'; id: string };

/** A browser login as the guard keeps it. */
interface BrowserLogin {
  readonly createdAt: number;
  lastSeenAt: number;
}

/** A login secret handed to the page, with its limits. */
export interface IssuedLogin {
  secret: string;
  idleTimeoutMs: number;
  expiresAt: number;
}

export interface AccessGuardOptions {
  /** Clock (tests move it instead of waiting). */
  now?: () => number;
  idleTimeoutMs?: number;
  maxAgeMs?: number;
}

export class AccessGuard implements Disposable {
  readonly apiToken = randomSecret();
  /** Pending login tokens (digest → expiry), oldest first. */
  private readonly loginTokens = new Map<string, number>();
  /** Browser logins by id (the digest of their secret), least recently used first. */
  private readonly logins = new Map<string, BrowserLogin>();
  private readonly onDidEndLoginEmitter = new Emitter<string>();
  /** A browser login ended (logout, expiry, eviction): its id. Its sockets must close. */
  readonly onDidEndLogin = this.onDidEndLoginEmitter.event;
  private readonly now: () => number;
  private readonly idleTimeoutMs: number;
  private readonly maxAgeMs: number;

  constructor(options: AccessGuardOptions = {}) {
    this.now = options.now ?? Date.now;
    this.idleTimeoutMs = options.idleTimeoutMs ?? BROWSER_IDLE_TIMEOUT_MS;
    this.maxAgeMs = options.maxAgeMs ?? BROWSER_MAX_AGE_MS;
  }

  /** Number of unused, unexpired login links (bounded by MAX_PENDING_LOGIN_TOKENS). */
  get pendingLoginTokens(): number {
    this.sweep();
    return this.loginTokens.size;
  }

  /** Number of live browser logins. */
  get browserLogins(): number {
    this.sweep();
    return this.logins.size;
  }

  /**
   * The caller behind `Authorization: Bearer <secret>` or a WebSocket login subprotocol, or null.
   * A browser login counts as used (its idle timer restarts).
   */
  authenticate(secret: string | undefined): Principal | null {
    if (!secret) return null;
    if (safeEqual(secret, this.apiToken)) return { kind: 'token' };
    const id = digest(secret);
    return this.touch(id) ? { kind: 'browser', id } : null;
  }

  /** Marks browser login `id` as used; false (and the login ends) when it has expired or is unknown. */
  touch(id: string): boolean {
    const login = this.logins.get(id);
    if (!login) return false;
    const now = this.now();
    if (this.expired(login, now)) {
      this.end(id);
      return false;
    }
    login.lastSeenAt = now;
    // Re-insert: the map stays in least-recently-used order for eviction.
    this.logins.delete(id);
    this.logins.set(id, login);
    return true;
  }

  /** A fresh one-time login token (for a login link). */
  mintLoginToken(): string {
    this.sweep();
    while (this.loginTokens.size >= MAX_PENDING_LOGIN_TOKENS) this.loginTokens.delete(this.loginTokens.keys().next().value!);
    const token = randomSecret();
    this.loginTokens.set(digest(token), this.now() + LOGIN_TOKEN_TTL_MS);
    return token;
  }

  /** Whether `token` is an unused, unexpired login token (without using it). */
  isLoginTokenValid(token: string): boolean {
    const expires = this.loginTokens.get(digest(token));
    return expires !== undefined && expires > this.now();
  }

  /** Uses a one-time login token up; on success a new browser login begins and its secret is returned. */
  redeemLoginToken(token: string): IssuedLogin | null {
    const key = digest(token);
    const expires = this.loginTokens.get(key);
    this.loginTokens.delete(key);
    this.sweep();
    const now = this.now();
    if (expires === undefined || expires <= now) return null;
    while (this.logins.size >= MAX_BROWSER_LOGINS) this.end(this.logins.keys().next().value!);
    const secret = randomSecret();
    this.logins.set(digest(secret), { createdAt: now, lastSeenAt: now });
    return { secret, idleTimeoutMs: this.idleTimeoutMs, expiresAt: now + this.maxAgeMs };
  }

  /** Ends one browser login (`principal` a browser) or all of them (the CLI, the desktop app). */
  logout(principal: Principal | undefined): number {
    if (principal?.kind === 'browser') return this.end(principal.id) ? 1 : 0;
    let ended = 0;
    for (const id of [...this.logins.keys()]) if (this.end(id)) ended++;
    return ended;
  }

  /** Drops expired login tokens and ends expired browser logins. */
  sweep(): void {
    const now = this.now();
    for (const [key, expires] of this.loginTokens) if (expires <= now) this.loginTokens.delete(key);
    for (const [id, login] of this.logins) if (this.expired(login, now)) this.end(id);
  }

  dispose(): void {
    this.loginTokens.clear();
    this.logins.clear();
    this.onDidEndLoginEmitter.dispose();
  }

  private expired(login: BrowserLogin, now: number): boolean {
    return now - login.lastSeenAt >= this.idleTimeoutMs || now - login.createdAt >= this.maxAgeMs;
  }

  private end(id: string): boolean {
    if (!this.logins.delete(id)) return false;
    this.onDidEndLoginEmitter.fire(id);
    return true;
  }
}
