import { describe, expect, it } from 'vitest';
import { EventLoopDelayDto } from '../../src-shared/metrics.js';
import { assertNoLeaks } from '../testing/fixtures.js';
import { EventLoopMonitor } from './event-loop.js';
import { MetricsRegistry } from './registry.js';

/** How long the test blocks the loop; the monitor must see a delay of the same order. */
const BLOCK_MS = 200;

describe('EventLoopMonitor', () => {
  it('reports a blocked event loop in its readings and as gauges', async () => {
    const registry = new MetricsRegistry({ autoTick: false });
    const monitor = new EventLoopMonitor({ registry, intervalMs: 60_000 });
    const fired: EventLoopDelayDto[] = [];
    const sub = monitor.onDidUpdate((r) => fired.push(r));
    try {
      expect(monitor.latest).toBeNull();
      expect(registry.snapshot().gauges).toEqual([]);
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      while (Date.now() - t0 < BLOCK_MS) {
        // Busy-wait: the loop can't run its timers.
      }
      await new Promise((r) => setTimeout(r, 30));
      const reading = EventLoopDelayDto.parse(monitor.sample());
      expect(reading.maxMs).toBeGreaterThan(BLOCK_MS / 2);
      expect(reading.p50Ms).toBeLessThanOrEqual(reading.maxMs);
      expect(fired).toEqual([reading]);
      expect(monitor.history()).toEqual([reading]);
      const gauges = registry.snapshot().gauges;
      expect(gauges.map((g) => g.labels.stat)).toEqual(['p50', 'p99', 'max']);
      expect(gauges[2]!.value).toBe(reading.maxMs);
      expect(registry.toPrometheus()).toContain(`event_loop_delay_ms{stat="max"} ${reading.maxMs}\n`);
      // The histogram is reset each interval: a calm interval reports a small delay again.
      await new Promise((r) => setTimeout(r, 50));
      expect(monitor.sample().maxMs).toBeLessThan(BLOCK_MS / 2);
    } finally {
      sub.dispose();
      monitor.dispose();
      registry.dispose();
    }
    expect(registry.snapshot().gauges).toEqual([]);
    await assertNoLeaks();
  });
});
