import { describe, expect, it } from 'vitest';
import { buildContainerSpec, type ContainerSpecInput } from './container-spec.js';

const base: ContainerSpecInput = {
  name: 'berth-s',
  sessionId: 's1',
  instanceId: 'i1',
  image: 'node:22',
  command: ['sh'],
  env: {},
  workspaceSource: '/wt',
  worktree: '/wt',
  volumeMode: 'bind',
  repoGitDir: null,
  gitWritable: [],
  uid: 1000,
  gid: 1000,
  limits: { cpus: null, memoryMb: null, pids: null },
  runtime: 'runc',
  networkMode: 'bridge',
  caches: [],
  cols: 80,
  rows: 24,
};

describe('container spec: session ports', () => {
  it('publishes each port on the host 127.0.0.1 at the same number on a network of its own', () => {
    const spec = buildContainerSpec({ ...base, ports: [20001, 20002] });
    expect(spec.ExposedPorts).toEqual({ '20001/tcp': {}, '20002/tcp': {} });
    expect(spec.HostConfig?.PortBindings).toEqual({
      '20001/tcp': [{ HostIp: '127.0.0.1', HostPort: '20001' }],
      '20002/tcp': [{ HostIp: '127.0.0.1', HostPort: '20002' }],
    });
  });

  it('publishes nothing in a joined namespace (contained), with no network, or without ports', () => {
    for (const networkMode of ['container:holder1', 'none']) {
      const spec = buildContainerSpec({ ...base, networkMode, ports: [20001] });
      expect(spec.ExposedPorts).toBeUndefined();
      expect(spec.HostConfig?.PortBindings).toBeUndefined();
    }
    expect(buildContainerSpec(base).HostConfig?.PortBindings).toBeUndefined();
  });
});
