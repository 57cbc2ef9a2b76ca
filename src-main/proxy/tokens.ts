/**
 * Per-session stand-in tokens: 128 bits of randomness, bound to one session, revoked when it ends.
 *
 * Presented tokens are looked up by their SHA-256, so checking one never compares secrets byte by byte
 * (no timing signal about how much of a guess was right).
 */
import crypto from 'node:crypto';

/** Random bytes per token (128 bits). */
const TOKEN_BYTES = 16;
/** Stand-ins start with this, so they are recognisable in a session's env and never mistaken for a real key. */
export const TOKEN_PREFIX = 'berth-';

const digest = (token: string) => crypto.createHash('sha256').update(token).digest('base64url');

export class SessionTokens {
  private readonly bySession = new Map<string, { token: string; digest: string }>();
  private readonly byDigest = new Map<string, string>();

  /** The session's token, made on first use; the same until revoked. */
  issue(sessionId: string): string {
    const existing = this.bySession.get(sessionId);
    if (existing) return existing.token;
    const token = TOKEN_PREFIX + crypto.randomBytes(TOKEN_BYTES).toString('hex');
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
    if (!candidate.startsWith(TOKEN_PREFIX)) return null;
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
