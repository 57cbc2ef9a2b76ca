import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../testing/fixtures.js';
import { MetricsRegistry } from './registry.js';
import { registerResourceGauges } from './resource-gauges.js';
import { ResourceSampler } from './resource-sampler.js';

describe('registerResourceGauges', () => {
  it("exposes the sampler's latest tick as gauges, read at collection time", async () => {
    const registry = new MetricsRegistry({ autoTick: false });
    const sampler = new ResourceSampler({ autoStart: false });
    try {
      registerResourceGauges(registry, sampler);
      expect(registry.snapshot().gauges).toEqual([]);
      let cpu: number | null = 42;
      sampler.addSource('session:a', async () => ({ cpuPercent: cpu, memoryBytes: 2_048 }));
      await sampler.sampleNow();
      await sampler.sampleNow();
      const gauges = registry.snapshot().gauges;
      expect(gauges.filter((g) => g.name.startsWith('resource_'))).toEqual([
        { name: 'resource_cpu_percent', labels: { subject: 'session:a' }, value: 42 },
        { name: 'resource_memory_bytes', labels: { subject: 'session:a' }, value: 2_048 },
      ]);
      expect(gauges.find((g) => g.name === 'machine_memory_bytes' && g.labels.kind === 'total')!.value).toBeGreaterThan(0);
      cpu = null;
      await sampler.sampleNow();
      const parsed = parsePrometheusTextFormat(registry.toPrometheus());
      expect(parsed.find((f) => f.name === 'resource_cpu_percent')!.metrics).toEqual([]);
      expect(parsed.find((f) => f.name === 'resource_memory_bytes')!.metrics).toEqual([{ labels: { subject: 'session:a' }, value: '2048' }]);
    } finally {
      sampler.dispose();
      registry.dispose();
    }
    await assertNoLeaks();
  });
});
