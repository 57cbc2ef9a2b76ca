/**
 * Per-session tokens: random, bound to one session, revoked when it ends. The proxy's stand-in keys
 * (128 bits) and the attention hooks' tokens (256 bits, src-main/attention/hook-tokens.ts) are two
 * separate registries of this kind.
 *
 * Presented tokens are looked up by their SHA-256, so checking one never compares secrets byte by byte
 * (no timing signal about how much of a guess was right); a digest that matches is the token, so no
 * second comparison is needed on the proxy's per-request path.
 */
import crypto from 'node:crypto';

/** Random bytes per token (128 bits). */
const TOKEN_BYTES = 16;
/** Stand-ins start with this, so they are recognisable in a session's env and never mistaken for a real key. */
export const TOKEN_PREFIX = 'berth-';

const digest = (token: string) => crypto.createHash('sha256').update(token).digest('base64url');

/** How one registry's tokens look. */
export interface SessionTokenShape {
  /** Random bytes per token. */
  bytes: number;
  /** Every token starts with this. */
  prefix: string;
}

export class SessionTokens {
  constructor(private readonly shape: SessionTokenShape = { bytes: TOKEN_BYTES, prefix: TOKEN_PREFIX }) {}

  private readonly bySession = new Map<string, { token: string; digest: string }>();
  private readonly byDigest = new Map<string, string>();

  /** The session's token, made on first use; the same until revoked. */
  issue(sessionId: string): string {
    const existing = this.bySession.get(sessionId);
    if (existing) return existing.token;
    const token = this.shape.prefix + crypto.randomBytes(this.shape.bytes).toString('hex');
    const d = digest(token);
    this.bySession.set(sessionId, { token, digest: d });
    this.byDigest.set(d, sessionId);
    return token;
  }

  /** Invalidates the session's token; a later issue() makes a new one. */
  revoke(sessionId: string): void {
    const entry = this.bySession.get(sessionId);
    if (!entry) return;
    this.bySession.delete(sessionId);
    this.byDigest.delete(entry.digest);
  }

  /** The session a presented token belongs to, or null. */
  sessionOf(candidate: string): string | null {
    if (!candidate.startsWith(this.shape.prefix)) return null;
    return this.byDigest.get(digest(candidate)) ?? null;
  }

  has(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  clear(): void {
    this.bySession.clear();
    this.byDigest.clear();
  }
}
