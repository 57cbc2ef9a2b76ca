/**
 * The Docker test harness against a real engine: the shared private dockerd from the global setup, the
 * busybox image, bridge networking, live-restore across a restart (on a second private engine), crun.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Dockerode from 'dockerode';
import { describe, expect, inject, it } from 'vitest';
import { AGENT_UID, dockerClient, ensureBusyboxImage, findExecutable, startPrivateDockerd } from './docker-engine.js';
import type { ProvidedDocker } from './docker-global-setup.js';
import { engineAvailable } from './fixtures.js';

/** Bound on a test container's whole run. */
const RUN_TIMEOUT_MS = 20_000;
/** Restarting a private engine (and building its image) takes a few seconds at most. */
const RESTART_TEST_TIMEOUT_MS = 60_000;

/** The shared engine, or null after a loud SKIPPED (a failure under BERTH_TEST_REQUIRE_ENGINES=1). */
function requireDocker(): Extract<ProvidedDocker, { ok: true }> | null {
  const d = inject('berthDocker');
  return engineAvailable('docker', d.ok, d.ok ? '' : d.why) && d.ok ? d : null;
}

/** Runs a container to completion; returns its exit code and (tty) output, and removes it. */
async function runContainer(docker: Dockerode, opts: Dockerode.ContainerCreateOptions): Promise<{ code: number; out: string }> {
  const c = await docker.createContainer({ Tty: true, ...opts });
  try {
    await c.start();
    const res = (await Promise.race([c.wait(), new Promise((_, rej) => setTimeout(() => rej(new Error('container did not exit')), RUN_TIMEOUT_MS))])) as { StatusCode: number };
    const out = (await c.logs({ stdout: true, stderr: true, follow: false })).toString();
    return { code: res.StatusCode, out };
  } finally {
    await c.remove({ force: true });
  }
}

describe('docker test harness', () => {
  it('runs `echo hi` from the busybox image as uid 1000 and returns its output', async () => {
    const d = requireDocker();
    if (!d) return;
    const docker = await dockerClient(d.endpoint);
    const r = await runContainer(docker, { Image: d.image, User: String(AGENT_UID), Cmd: ['sh', '-c', 'echo hi; id -u; echo "home=$HOME"; ls -ld /workspace'] });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^hi\r?\n1000\r?\nhome=\/home\/agent\r?\n/);
    expect(r.out).toMatch(/agent\s+agent.*\/workspace/);
  });

  it('bridge containers reach the host at the gateway; NetworkMode none has only loopback', async () => {
    const d = requireDocker();
    if (!d) return;
    if (!d.gateway) return; // an external engine (BERTH_TEST_DOCKER_ENDPOINT): no known gateway
    const docker = await dockerClient(d.endpoint);
    const server = http.createServer((_req, res) => res.end('from-host'));
    await new Promise<void>((resolve) => server.listen(0, d.gateway!, resolve));
    try {
      // Not `wget -T`: Debian's busybox-static 1.35 segfaults on it; `timeout` bounds the request instead.
      const url = `http://${d.gateway}:${(server.address() as AddressInfo).port}/`;
      const bridged = await runContainer(docker, { Image: d.image, Cmd: ['timeout', '10', 'wget', '-q', '-O', '-', url], HostConfig: { NetworkMode: 'bridge' } });
      expect(bridged.out).toContain('from-host');
      const none = await runContainer(docker, { Image: d.image, Cmd: ['sh', '-c', 'ls /sys/class/net'], HostConfig: { NetworkMode: 'none' } });
      expect(none.out.trim()).toBe('lo');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it(
    'restart() keeps a live-restore container running (on a second private engine)',
    async () => {
      const d = requireDocker();
      if (!d) return;
      const engine = await startPrivateDockerd({ liveRestore: true });
      try {
        expect(engine.gateway).not.toBe(d.gateway); // coexists with the shared engine on its own bridge
        const docker = await engine.client();
        const image = await ensureBusyboxImage(engine.endpoint);
        const c = await docker.createContainer({ Image: image, User: String(AGENT_UID), Cmd: ['sleep', '600'] });
        await c.start();
        const before = await c.inspect();
        const oldPid = engine.pid;
        await engine.restart();
        expect(engine.pid).not.toBe(oldPid);
        const after = await c.inspect();
        expect(after.State.Running).toBe(true);
        expect(after.State.Pid).toBe(before.State.Pid);
        const exec = await c.exec({ Cmd: ['echo', 'still-here'], AttachStdout: true, Tty: true });
        const stream = await exec.start({ Tty: true });
        const chunks: Buffer[] = [];
        await new Promise<void>((resolve) => {
          stream.on('data', (b: Buffer) => chunks.push(b));
          stream.on('end', resolve);
        });
        expect(Buffer.concat(chunks).toString()).toContain('still-here');
      } finally {
        await engine.stop();
      }
      expect(fs.existsSync(engine.dir)).toBe(false);
      expect(fs.existsSync(`/sys/class/net/${engine.bridge}`)).toBe(false);
    },
    RESTART_TEST_TIMEOUT_MS,
  );

  it('runs a container under crun when crun is registered', async () => {
    const d = requireDocker();
    if (!d) return;
    const hasCrun = d.runtimes.includes('crun');
    const why = findExecutable('crun') ? 'the engine has no "crun" runtime (external engine?)' : 'crun is not installed (apt-get install crun)';
    if (!engineAvailable('crun', hasCrun, why)) return;
    const docker = await dockerClient(d.endpoint);
    const r = await runContainer(docker, {
      Image: d.image,
      User: String(AGENT_UID),
      Cmd: ['sh', '-c', 'echo crun-ok; id -u; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'],
      HostConfig: { Runtime: 'crun', Memory: 64 * 1024 * 1024 },
    });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/crun-ok\r?\n1000\r?\n67108864/);
  });
});
