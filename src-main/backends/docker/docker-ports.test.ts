/**
 * A Docker session's ports against a real engine: on a network of its own each is published on the
 * host's 127.0.0.1 at the same number, so `http://localhost:N` reaches the agent's server; a contained
 * session gets the numbers in its env but nothing published (its only way out is the proxy).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerClient } from '../../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';
import { LABEL_SESSION } from './labels.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** The agent: serves one line on $PORT with busybox httpd. */
const SERVE = `sh -c 'mkdir -p /tmp/www && echo "served-$PORT-$BERTH_PORT_API" > /tmp/www/index.html && echo serving && exec httpd -f -p "$PORT" -h /tmp/www'`;

describe.runIf(available)('Docker session ports (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;
  let repo: string;

  beforeAll(async () => {
    const first = 43_000 + (process.pid % 4_000);
    t = await startTestOrchestrator(tempDir('berth-home-'), { ...process.env, BERTH_PORT_RANGE: `${first}-${first + 99}` });
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [], warmImages: [], warmPoolSize: 0 } });
    repo = makeRepo();
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ ports: ['web', 'api'] }));
  });
  afterAll(async () => t?.close());

  it('publishes each port on the host 127.0.0.1 at the same number: the host reaches the agent at http://localhost:PORT', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'dports', command: SERVE, docker: { networkMode: 'bridge' } });
    const [web, api] = s.ports;
    await waitFor(async () => {
      const r = await t.call('terminal.text', { ref: s.id });
      return r.ok && r.value.text.includes('serving');
    }, 'the agent serves', 30_000);
    const body = await waitFor(async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${web!.port}/`);
        return res.ok ? await res.text() : null;
      } catch {
        return null;
      }
    }, 'the published port answers', 15_000);
    expect(body).toBe(`served-${web!.port}-${api!.port}\n`);
    const [container] = await (await dockerClient(d.endpoint)).listContainers({ filters: { label: [`${LABEL_SESSION}=${s.id}`] } });
    expect(container?.Ports.filter((p) => p.IP === '127.0.0.1').map((p) => p.PublicPort).sort()).toEqual([web!.port, api!.port].sort());
    await t.must('sessions.delete', { ref: s.id, force: true });
  });

  it('a contained session gets its port numbers in the env but nothing published', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'dcontained', command: `sh -c 'echo "port=$PORT"; exec sleep 600'` });
    expect(s.docker?.networkMode).toBe('contained');
    await waitFor(async () => {
      const r = await t.call('terminal.text', { ref: s.id });
      return r.ok && r.value.text.includes(`port=${s.ports[0]!.port}`);
    }, 'the agent sees PORT', 30_000);
    const [container] = await (await dockerClient(d.endpoint)).listContainers({ filters: { label: [`${LABEL_SESSION}=${s.id}`] } });
    expect(container?.Ports ?? []).toEqual([]);
    await t.must('sessions.delete', { ref: s.id, force: true });
  });
});
