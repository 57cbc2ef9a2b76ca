/**
 * Who may talk to the local API: an exact Host allowlist (DNS-rebinding defence), no foreign Origin
 * (cross-site requests and WebSockets from web pages), and a bearer token or the browser's login cookie.
 */
import crypto from 'node:crypto';
import { SESSION_COOKIE } from '../../src-shared/contract.js';

/** Bytes of randomness in the API token and the browser cookie (256 bits). */
const SECRET_BYTES = 32;
/** How long a one-time login link stays valid. */
const LOGIN_TOKEN_TTL_MS = 10 * 60 * 1000;

export function randomSecret(): string {
  return crypto.randomBytes(SECRET_BYTES).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; message: string };

export interface RequestFacts {
  host: string | undefined;
  origin: string | undefined;
  authorization: string | undefined;
  cookie: string | undefined;
}

/** Parses one cookie's value out of a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class AccessGuard {
  readonly apiToken = randomSecret();
  private readonly cookieSecret = randomSecret();
  private readonly loginTokens = new Map<string, number>();
  private allowedHosts = new Set<string>();
  private allowedOrigins = new Set<string>();

  /** Called once the port is known. */
  setPort(port: number): void {
    this.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
    this.allowedOrigins = new Set([...this.allowedHosts].map((h) => `http://${h}`));
  }

  /** Host and Origin checks, before any authentication. */
  checkHostAndOrigin(facts: RequestFacts): AccessDecision {
    if (!facts.host || !this.allowedHosts.has(facts.host.toLowerCase())) {
      return { ok: false, status: 403, message: `Host "${facts.host ?? ''}" is not allowed; use ${[...this.allowedHosts][0]}` };
    }
    if (facts.origin !== undefined && !this.allowedOrigins.has(facts.origin.toLowerCase())) {
      return { ok: false, status: 403, message: `cross-origin requests are refused (Origin "${facts.origin}")` };
    }
    return { ok: true };
  }

  authenticate(facts: RequestFacts): AccessDecision {
    const hostOrigin = this.checkHostAndOrigin(facts);
    if (!hostOrigin.ok) return hostOrigin;
    const bearer = facts.authorization?.startsWith('Bearer ') ? facts.authorization.slice('Bearer '.length).trim() : undefined;
    if (bearer !== undefined && safeEqual(bearer, this.apiToken)) return { ok: true };
    const cookie = readCookie(facts.cookie, SESSION_COOKIE);
    if (cookie !== undefined && safeEqual(cookie, this.cookieSecret)) return { ok: true };
    return { ok: false, status: 401, message: 'missing or wrong token: open the login link from `berth serve` / `berth open`, or send the token from api.json' };
  }

  mintLoginToken(): string {
    const token = randomSecret();
    this.loginTokens.set(token, Date.now() + LOGIN_TOKEN_TTL_MS);
    return token;
  }

  /** Consumes a one-time login token; on success returns the cookie header value to set. */
  redeemLoginToken(token: string): string | null {
    const expires = this.loginTokens.get(token);
    this.loginTokens.delete(token);
    for (const [t, exp] of this.loginTokens) if (exp < Date.now()) this.loginTokens.delete(t);
    if (expires === undefined || expires < Date.now()) return null;
    return `${SESSION_COOKIE}=${this.cookieSecret}; HttpOnly; SameSite=Strict; Path=/`;
  }
}
