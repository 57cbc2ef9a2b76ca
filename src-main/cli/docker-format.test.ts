import { describe, expect, it } from 'vitest';
import type { DockerInfoDto } from '../../src-shared/docker.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { dockerStatusFields, formatBytes, formatCacheTable, formatDockerInfo } from './docker-format.js';
import { formatStatus } from './format.js';

const NOW = 1_700_000_000_000;

describe('docker output', () => {
  it('formats sizes like Docker', () => {
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(4_200_000)).toBe('4.2MB');
    expect(formatBytes(250_000_000)).toBe('250MB');
    expect(formatBytes(999_900)).toBe('1.0MB');
    expect(formatBytes(null)).toBe('-');
  });

  it('prints the cache size table', () => {
    const table = formatCacheTable([
      { type: 'npm', volume: 'berth-cache-npm', mountPath: '/root/.npm', sizeBytes: 250_000_000, exists: true },
      { type: 'go', volume: 'berth-cache-go', mountPath: '/go/pkg/mod, /root/.cache/go-build', sizeBytes: null, exists: false },
    ]);
    expect(table.split('\n')).toEqual([
      'TYPE  VOLUME           SIZE   MOUNT',
      'npm   berth-cache-npm  250MB  /root/.npm',
      'go    berth-cache-go   -      /go/pkg/mod, /root/.cache/go-build',
    ]);
  });

  it('prints docker info, reachable or not', () => {
    const up: DockerInfoDto = {
      available: true,
      reason: null,
      endpoint: 'unix:///run/docker.sock',
      version: '27.1.0',
      runtimes: ['runc', 'runsc'],
      defaultRuntime: 'runc',
      images: [{ ref: 'node:22', id: 'sha256:0123456789abcdef', sizeBytes: 1_100_000_000, createdAt: NOW - 86_400_000 * 3, lastUsedAt: null }],
      pool: [{ image: 'node:22', ready: 1, starting: 1, target: 2, lastError: null }],
    };
    const text = formatDockerInfo(up, NOW);
    expect(text).toMatch(/^endpoint:\s+unix:\/\/\/run\/docker\.sock$/m);
    expect(text).toMatch(/^engine:\s+Docker 27\.1\.0$/m);
    expect(text).toMatch(/^runtimes:\s+runc, runsc \(default runc\)$/m);
    expect(text).toMatch(/^ {2}REF\s+ID\s+SIZE\s+CREATED\s+LAST USED$/m);
    expect(text).toMatch(/^ {2}node:22\s+0123456789ab\s+1\.1GB\s+3d ago\s+never$/m);
    expect(text).toMatch(/^ {2}node:22: 1\/2 ready, 1 starting$/m);

    const down = formatDockerInfo({ ...up, available: false, reason: 'Docker is not reachable at unix:///x.sock', images: [], pool: [] }, NOW);
    expect(down).toBe('endpoint:  unix:///run/docker.sock\nengine:    unavailable: Docker is not reachable at unix:///x.sock');
  });

  it('adds Docker details and resource use to status', () => {
    const session = {
      id: 'id-1',
      name: 'dock',
      repoPath: '/repo',
      worktreePath: '/w/dock',
      branch: 'berth/dock',
      baseBranch: 'main',
      agent: 'shell',
      backend: 'docker',
      prompt: '',
      model: null,
      command: ['bash'],
      state: 'working',
      exitCode: null,
      reason: null,
      unsynced: null,
      conversationId: null,
      archived: false,
      createdAt: NOW - 60_000,
      updatedAt: NOW - 60_000,
      cols: 80,
      rows: 24,
      pid: null,
      phases: { worktreeMs: 10, startMs: 200, firstOutputMs: 300 },
      docker: {
        image: 'node:22',
        containerId: 'abcdef0123456789abcdef',
        volumeMode: 'bind',
        runtime: 'runc',
        caches: ['npm', 'pip'],
        limits: { cpus: 2, memoryMb: null, pids: 4096 },
        warm: true,
        networkMode: 'contained',
      },
      stats: { cpuPercent: 12.34, memoryBytes: 45_000_000, at: NOW - 2_000 },
      ports: [],
      git: null,
      attention: { detail: null, source: 'activity', since: 0, unread: false },
    } satisfies SessionDto;
    expect(dockerStatusFields({ ...session, docker: null, stats: null })).toEqual([]);
    const text = formatStatus(session, [], NOW);
    expect(text).toMatch(/^image:\s+node:22 \(from the warm pool\)$/m);
    expect(text).toMatch(/^container:\s+abcdef012345$/m);
    expect(text).toMatch(/^runtime:\s+runc$/m);
    expect(text).toMatch(/^volume mode:\s+bind$/m);
    expect(text).toMatch(/^caches:\s+npm, pip$/m);
    expect(text).toMatch(/^network:\s+contained \(only the proxy is reachable\)$/m);
    expect(formatStatus({ ...session, docker: { ...session.docker, networkMode: 'bridge' } }, [], NOW)).toMatch(/^network:\s+bridge: egress not contained /m);
    expect(text).toMatch(/^limits:\s+cpus 2, memory unlimited, pids 4096$/m);
    expect(text).toMatch(/^usage:\s+cpu 12\.3%, memory 45MB \(sampled 2s ago\)$/m);
  });
});
