/**
 * Gauges fed from the resource sampler's latest tick, evaluated whenever the registry is read:
 * `resource_cpu_percent{subject}`, `resource_memory_bytes{subject}`, `machine_cpu_percent` and
 * `machine_memory_bytes{kind="total"|"used"}`. Subjects without a figure (first tick, gone) are left out.
 */
import type { MetricsRegistry } from './registry.js';
import type { ResourceSampler } from './resource-sampler.js';

export function registerResourceGauges(registry: MetricsRegistry, sampler: ResourceSampler): void {
  const samples = () => sampler.latest()?.samples ?? [];
  registry.gauge({
    name: 'resource_cpu_percent',
    help: 'CPU use per subject (a session, a Berth process), percent of one core.',
    labelNames: ['subject'],
    collect: () => samples().flatMap((s) => (s.cpuPercent === null ? [] : [{ labels: { subject: s.subject }, value: s.cpuPercent }])),
  });
  registry.gauge({
    name: 'resource_memory_bytes',
    help: 'Resident memory per subject (a session, a Berth process), bytes.',
    labelNames: ['subject'],
    collect: () => samples().flatMap((s) => (s.memoryBytes === null ? [] : [{ labels: { subject: s.subject }, value: s.memoryBytes }])),
  });
  registry.gauge({
    name: 'machine_cpu_percent',
    help: 'CPU use of the whole machine, percent of one core (at most 100 × cores).',
    labelNames: [],
    collect: () => {
      const cpu = sampler.latest()?.machine.cpuPercent;
      return cpu === null || cpu === undefined ? [] : [{ labels: {}, value: cpu }];
    },
  });
  registry.gauge({
    name: 'machine_memory_bytes',
    help: 'Memory of the machine: total and used (total minus available), bytes.',
    labelNames: ['kind'],
    collect: () => {
      const m = sampler.latest()?.machine;
      return m ? [{ labels: { kind: 'total' }, value: m.memoryTotalBytes }, { labels: { kind: 'used' }, value: m.memoryUsedBytes }] : [];
    },
  });
}
