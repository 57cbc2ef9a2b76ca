import { describe, expect, it } from 'vitest';
import { CreateSessionParams } from '../../src-shared/contract.js';
import { parseCaches, parseDockerCreateOptions, parseMemoryMb } from './commands/docker-options.js';
import { UsageError } from './context.js';

describe('berth create Docker options', () => {
  it('reads --memory as MB or with m/g suffixes', () => {
    expect(parseMemoryMb('512')).toBe(512);
    expect(parseMemoryMb('512m')).toBe(512);
    expect(parseMemoryMb('512MB')).toBe(512);
    expect(parseMemoryMb('2g')).toBe(2048);
    expect(parseMemoryMb('1.5G')).toBe(1536);
    expect(parseMemoryMb(' 64 mib ')).toBe(64);
    for (const bad of ['', 'lots', '2t', '-5', '0.5m', '1.3g']) expect(() => parseMemoryMb(bad), bad).toThrow(UsageError);
  });

  it('reads --caches as a comma-separated list of cache types', () => {
    expect(parseCaches('npm, pip,npm')).toEqual(['npm', 'pip']);
    expect(parseCaches('none')).toEqual([]);
    expect(parseCaches('')).toEqual([]);
    expect(() => parseCaches('npm,maven')).toThrow(/'maven' is not a cache type/);
  });

  it('builds the docker params, leaving out what was not given', () => {
    expect(parseDockerCreateOptions({}, 'local')).toBeUndefined();
    expect(parseDockerCreateOptions({}, 'docker')).toBeUndefined();
    const docker = parseDockerCreateOptions(
      {
        image: 'node:22',
        pullPolicy: 'Never',
        volumeMode: 'volume',
        cpus: '1.5',
        memory: '2g',
        pids: '512',
        runtime: 'runsc',
        caches: 'npm,cargo',
      },
      'docker',
    );
    expect(docker).toEqual({
      image: 'node:22',
      pullPolicy: 'Never',
      volumeMode: 'volume',
      cpus: 1.5,
      memoryMb: 2048,
      pids: 512,
      runtime: 'runsc',
      caches: ['npm', 'cargo'],
    });
    expect(CreateSessionParams.safeParse({ repoPath: '/r', agent: 'shell', backend: 'docker', docker }).success).toBe(true);
    expect(parseDockerCreateOptions({ memory: '512m' }, 'docker')).toEqual({ memoryMb: 512 });
  });

  it('refuses Docker options for other backends and values the contract rejects', () => {
    expect(() => parseDockerCreateOptions({ image: 'node:22' }, 'local')).toThrow('--image is only for --backend docker');
    expect(() => parseDockerCreateOptions({ caches: 'npm', pids: '100' }, 'tmux')).toThrow('--pids, --caches are only for --backend docker');
    expect(() => parseDockerCreateOptions({ cpus: '2000' }, 'docker')).toThrow('--cpus: must be at most 1024');
    expect(() => parseDockerCreateOptions({ pids: '8.5' }, 'docker')).toThrow('--pids: must be a whole number');
  });
});
