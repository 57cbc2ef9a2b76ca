/**
 * Circuit breaker per upstream: after `failureThreshold` consecutive failures (connect errors,
 * timeouts, 5xx) it opens and requests are refused at once; after `coolDownMs` one probe request is let
 * through (half-open): its success closes the circuit, its failure opens it again.
 */
import type { ProviderStatus } from '../../src-shared/proxy.js';

/** Consecutive failures that open the circuit. */
export const DEFAULT_FAILURE_THRESHOLD = 5;
/** How long an open circuit refuses requests before a probe. */
export const DEFAULT_COOL_DOWN_MS = 30_000;

export interface CircuitBreakerOptions {
  failureThreshold?: number;
  coolDownMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

type State = 'closed' | 'open' | 'half-open';

/** Whether a request may go upstream now. */
export type Admission = { ok: true; probe: boolean } | { ok: false; retryAfterMs: number };

export class CircuitBreaker {
  private state: State = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private lastErrorText: string | null = null;
  private readonly threshold: number;
  private readonly coolDownMs: number;
  private readonly now: () => number;

  constructor(
    options: CircuitBreakerOptions = {},
    private readonly onChange: () => void = () => undefined,
  ) {
    this.threshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.coolDownMs = options.coolDownMs ?? DEFAULT_COOL_DOWN_MS;
    this.now = options.now ?? Date.now;
  }

  /** Status for the providers list. */
  get status(): ProviderStatus {
    if (this.state === 'open' && this.now() - this.openedAt < this.coolDownMs) return 'open-circuit';
    return this.state === 'closed' && this.failures === 0 ? 'ok' : 'degraded';
  }

  get lastError(): string | null {
    return this.lastErrorText;
  }

  /** Asks to send one request; a granted probe must be settled with success() or failure(). */
  admit(): Admission {
    if (this.state === 'closed') return { ok: true, probe: false };
    const waited = this.now() - this.openedAt;
    if (this.state === 'open' && waited < this.coolDownMs) return { ok: false, retryAfterMs: this.coolDownMs - waited };
    // Cool-down over: one probe at a time.
    if (this.probing) return { ok: false, retryAfterMs: Math.min(this.coolDownMs, 1_000) };
    this.set('half-open');
    this.probing = true;
    return { ok: true, probe: true };
  }

  /** The upstream answered without a server error. */
  success(): void {
    this.probing = false;
    const changed = this.failures > 0 || this.state !== 'closed';
    this.failures = 0;
    this.lastErrorText = null;
    if (this.state !== 'closed') this.set('closed');
    else if (changed) this.onChange();
  }

  /** A connect error, timeout or 5xx. */
  failure(reason: string): void {
    this.probing = false;
    this.failures++;
    this.lastErrorText = reason;
    if (this.state === 'half-open' || this.failures >= this.threshold) {
      this.openedAt = this.now();
      this.set('open');
    } else {
      this.onChange();
    }
  }

  /** A request that neither succeeded nor failed upstream (client went away) releases a probe. */
  release(): void {
    this.probing = false;
  }

  private set(state: State): void {
    this.state = state;
    this.onChange();
  }
}
