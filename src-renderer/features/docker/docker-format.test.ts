import { describe, expect, it } from 'vitest';
import { formatBytes, formatCpuPercent, formatImageProgress, formatLimits, shortId } from './docker-format.js';

describe('docker formatting', () => {
  it('formats byte sizes in decimal units like Docker', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(4_200_000)).toBe('4.2 MB');
    expect(formatBytes(45_000_000)).toBe('45 MB');
    expect(formatBytes(120_400_000)).toBe('120 MB');
    expect(formatBytes(999_700)).toBe('1.0 MB');
    expect(formatBytes(1_300_000_000)).toBe('1.3 GB');
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });

  it('formats image pull progress with layers and bytes', () => {
    expect(formatImageProgress({ layersDone: 3, layersTotal: 7, bytesDone: 45_000_000, bytesTotal: 120_000_000 })).toBe(
      'Pulling image: 3/7 layers, 45 MB / 120 MB',
    );
    expect(formatImageProgress({ layersDone: 1, layersTotal: 2, bytesDone: 0, bytesTotal: 0 })).toBe('Pulling image: 1/2 layers');
    expect(formatImageProgress({ layersDone: 0, layersTotal: 0, bytesDone: 0, bytesTotal: 0 })).toBe('Pulling image…');
    expect(formatImageProgress(null)).toBe('Preparing image…');
  });

  it('formats limits, CPU shares and container ids', () => {
    expect(formatLimits({ cpus: 2, memoryMb: 2048, pids: 4096 })).toBe('2 CPUs · 2048 MB · 4096 pids');
    expect(formatLimits({ cpus: 1, memoryMb: null, pids: null })).toBe('1 CPU');
    expect(formatLimits({ cpus: null, memoryMb: null, pids: null })).toBe('no limits');
    expect(formatCpuPercent(12.345)).toBe('12.3%');
    expect(formatCpuPercent(250.4)).toBe('250%');
    expect(shortId('sha256:0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortId('abc')).toBe('abc');
  });
});
