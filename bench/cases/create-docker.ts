/**
 * `create.docker`: a Docker session from the create request to its first output byte, against the raw
 * work it wraps: creating, attaching and starting a container of the same image and command with the
 * engine API (what `docker run -it` does), in this process. Both use a private engine started here
 * with a locally built busybox image (no registry is reachable).
 */
import type Dockerode from 'dockerode';
import { callHttp, connectWebSocket } from '../../src-main/client/node-client.js';
import { dockerAvailable, ensureBusyboxImage, startPrivateDockerd } from '../../src-main/testing/docker-engine.js';
import { makeRepo, startOrchestratorProcess } from '../harness.js';
import { figure, msSince, type Figure } from '../stats.js';

const COMMAND = ['sh', '-c', 'echo ready; sleep 30'];

async function baselineRun(docker: Dockerode, image: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const container = await docker.createContainer({ Image: image, Cmd: COMMAND, Tty: true, OpenStdin: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, User: '1000:1000' });
  const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
  const first = new Promise<void>((resolve) => stream.once('data', () => resolve()));
  await container.start();
  await first;
  const ms = msSince(t0);
  await container.remove({ force: true });
  return ms;
}

export async function benchCreateDocker(runs: number): Promise<Figure[]> {
  const avail = dockerAvailable();
  if (!avail.ok) {
    console.error(`bench: create.docker skipped: ${avail.why}`);
    return [];
  }
  const engine = await startPrivateDockerd();
  try {
    const image = await ensureBusyboxImage(engine.endpoint);
    const docker = await engine.client();
    const repo = makeRepo();
    const orch = await startOrchestratorProcess();
    const client = await connectWebSocket(orch.api);
    if (!client.ok) throw new Error(client.error.message);
    await callHttp(orch.api, 'settings.update', { docker: { endpoint: engine.endpoint, defaultImage: image, pullPolicy: 'Never', caches: [] } });
    const firstOutput = new Map<string, () => void>();
    client.value.onDidEvent((e) => {
      if (e.event === 'session.progress' && e.progress.phase === 'first-output' && e.progress.status === 'done') firstOutput.get(e.progress.sessionId)?.();
    });
    const berth: number[] = [];
    const raw: number[] = [];
    const command = COMMAND.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ');
    try {
      for (let i = -1; i < runs; i++) {
        const r = await baselineRun(docker, image);
        if (i >= 0) raw.push(r);
        const t0 = process.hrtime.bigint();
        let seen!: () => void;
        const done = new Promise<void>((resolve) => (seen = resolve));
        const created = await callHttp(orch.api, 'sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command, name: `bench-docker-${i + 1}` });
        if (!created.ok) throw new Error(created.error.message);
        firstOutput.set(created.value.id, seen);
        await done;
        if (i >= 0) berth.push(msSince(t0));
        await callHttp(orch.api, 'sessions.delete', { ref: created.value.id, force: true });
      }
    } finally {
      client.value.dispose();
      await orch.stop();
    }
    return [figure('create.docker', 'ms', berth, raw, 'cold create → first output vs create+attach+start of the same container')];
  } finally {
    await engine.stop();
  }
}
