import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after K consecutive failures, refuses during the cool-down, lets one probe through, closes on success', () => {
    let now = 1_000;
    let changes = 0;
    const b = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 10_000, now: () => now }, () => changes++);
    expect(b.status).toBe('ok');
    b.failure('HTTP 500');
    b.success();
    // A success resets the count: only consecutive failures count.
    b.failure('HTTP 500');
    b.failure('ECONNREFUSED');
    expect(b.status).toBe('degraded');
    expect(b.admit().ok).toBe(true);
    b.failure('ECONNREFUSED');
    expect(b.status).toBe('open-circuit');
    expect(b.lastError).toBe('ECONNREFUSED');
    const refused = b.admit();
    expect(refused).toEqual({ ok: false, retryAfterMs: 10_000 });
    now += 10_000;
    expect(b.status).toBe('degraded');
    expect(b.admit()).toEqual({ ok: true, probe: true });
    // One probe at a time.
    expect(b.admit().ok).toBe(false);
    b.success();
    expect(b.status).toBe('ok');
    expect(b.admit()).toEqual({ ok: true, probe: false });
    expect(changes).toBeGreaterThanOrEqual(4);
  });

  it('a failed probe opens the circuit again; a released probe frees the slot', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 100, now: () => now });
    b.failure('HTTP 503');
    now = 100;
    expect(b.admit().ok).toBe(true);
    b.failure('HTTP 503');
    expect(b.status).toBe('open-circuit');
    expect(b.admit().ok).toBe(false);
    now = 200;
    expect(b.admit().ok).toBe(true);
    b.release();
    expect(b.admit().ok).toBe(true);
  });
});
