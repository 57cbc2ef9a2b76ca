/**
 * What contained sessions need and leave behind, on an engine of its own (the test removes and adds
 * the relay image, which the shared engine's other tests rely on): without the relay image (and no
 * registry to build it from) a create fails with the reason and the fix, and `berth doctor` says so;
 * an open network that can't be used fails the create too, never starting without the proxy; with the
 * image, sessions run; a session's network goes with it; networks an earlier run left unused are
 * removed, and spare ones go when the orchestrator closes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureBusyboxImage, startPrivateDockerd, tagImage, type PrivateDockerd } from '../../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';
import { LABEL_INSTANCE, LABEL_KIND, LABEL_SESSION } from './labels.js';
import { RELAY_BASE_ENV, RELAY_IMAGE } from './relay-image.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** Not the harness's default tag: that one is also tagged as the relay image. */
const IMAGE = 'berth-egress-setup-busybox:latest';
/** A base for the relay build on a loopback registry nobody runs: the build fails at once, and nothing leaves this machine. */
const UNREACHABLE_BASE = '127.0.0.1:1/busybox:absent';

describe.runIf(available)('contained sessions: relay image, failures, leftovers (own engine)', () => {
  let engine: PrivateDockerd;
  let t: TestOrchestrator;
  let closed = false;
  let repo: string;

  beforeAll(async () => {
    engine = await startPrivateDockerd();
    await ensureBusyboxImage(engine.endpoint, IMAGE);
    t = await startTestOrchestrator(undefined, { ...process.env, [RELAY_BASE_ENV]: UNREACHABLE_BASE });
    await t.must('settings.update', { docker: { endpoint: engine.endpoint, defaultImage: IMAGE, pullPolicy: 'Never', caches: [] } });
    repo = makeRepo();
  }, 120_000);
  afterAll(async () => {
    if (!closed) await t?.close();
    await engine?.stop();
  });

  const ended = (id: string) =>
    waitFor(async () => {
      const s = await t.must('sessions.get', { ref: id });
      return s.state === 'failed' || s.state === 'working' ? s : null;
    }, `${id} started or failed`, 120_000);
  const engineObjects = async () => {
    const d = await engine.client();
    const instance = (c: { Labels?: Record<string, string> | null }) => c.Labels?.[LABEL_INSTANCE];
    const containers = await d.listContainers({ all: true });
    return {
      networks: (await d.listNetworks({ filters: { label: [`${LABEL_KIND}=net`] } })).map((n) => ({ name: n.Name, instance: instance(n) })),
      holders: containers.filter((c) => c.Labels?.[LABEL_KIND] === 'netns').map((c) => ({ id: c.Id, instance: instance(c) })),
      relays: containers.filter((c) => c.Labels?.[LABEL_KIND] === 'relay'),
      sessions: (id: string) => containers.filter((c) => c.Labels?.[LABEL_SESSION] === id),
    };
  };

  it('without the relay image a contained create fails with the reason and its fix, and doctor warns', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh' });
    const failed = await ended(s.id);
    expect(failed.state).toBe('failed');
    expect(failed.reason).toContain(`the egress relay image ${RELAY_IMAGE} is missing and could not be built`);
    expect(failed.reason).toContain(`docker build -t ${RELAY_IMAGE} resources/docker/relay`);
    const objects = await engineObjects();
    expect(objects.sessions(s.id)).toEqual([]);
    expect(objects.relays).toEqual([]);

    const relay = (await t.must('doctor.run', {})).checks.find((c) => c.id === 'docker.relay');
    expect(relay).toMatchObject({ status: 'warn' });
    expect(relay!.fix).toContain(`docker build -t ${RELAY_IMAGE}`);
    await t.must('sessions.delete', { ref: s.id, force: true });
  }, 180_000);

  it('an open network the proxy cannot be offered on fails the create; nothing starts without the proxy', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh', docker: { networkMode: 'no-such-network' } });
    const failed = await ended(s.id);
    expect(failed.state).toBe('failed');
    expect(failed.reason).toContain('no-such-network');
    expect((await engineObjects()).sessions(s.id)).toEqual([]);
    await t.must('sessions.delete', { ref: s.id, force: true });
  }, 120_000);

  it("with the image, sessions run contained; a session's network goes with it; unused leftovers and spares are removed", async () => {
    await tagImage(engine.endpoint, IMAGE, RELAY_IMAGE);
    expect((await t.must('doctor.run', {})).checks.find((c) => c.id === 'docker.relay')).toMatchObject({ status: 'ok' });

    // Leftovers of an earlier run of this instance: a network and its holder that no session uses.
    const first = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: `sh -c 'echo up; exec sleep 300'` });
    expect((await ended(first.id)).state).toBe('working');
    const instance = (await engineObjects()).holders[0]!.instance!;
    const d = await engine.client();
    await d.createNetwork({ Name: 'berth-net-leftover', Internal: true, Labels: { [LABEL_KIND]: 'net', [LABEL_INSTANCE]: instance } });
    const orphan = await d.createContainer({
      name: 'berth-netns-leftover',
      Image: IMAGE,
      Cmd: ['sleep', '600'],
      Labels: { [LABEL_KIND]: 'netns', [LABEL_INSTANCE]: instance, 'berth.network': 'berth-net-leftover' },
      HostConfig: { NetworkMode: 'berth-net-leftover' },
    });
    await orphan.start();

    // A second create triggers the background refill, whose first pass sweeps what no container uses.
    const second = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: `sh -c 'echo up; exec sleep 300'` });
    expect((await ended(second.id)).state).toBe('working');
    await waitFor(async () => !(await engineObjects()).networks.some((n) => n.name === 'berth-net-leftover'), 'the leftover network swept', 60_000);
    expect((await engineObjects()).holders.some((h) => h.id === orphan.id)).toBe(false);

    // Deleting a session removes its network and the holder of its namespace with its container.
    const container = (await engineObjects()).sessions(first.id)[0]!;
    const holderId = /^container:(.+)$/.exec(container.HostConfig.NetworkMode ?? '')![1]!;
    const network = (await d.getContainer(holderId).inspect()).Config.Labels['berth.network']!;
    expect((await engineObjects()).networks.map((n) => n.name)).toContain(network);
    await t.must('sessions.delete', { ref: first.id, force: true });
    const after = await engineObjects();
    expect(after.sessions(first.id)).toEqual([]);
    expect(after.holders.map((h) => h.id)).not.toContain(holderId);
    expect(after.networks.map((n) => n.name)).not.toContain(network);

    // Closing the orchestrator removes the spare networks (made ahead for cold creates); the relay stays,
    // for sessions that outlive it.
    await t.must('sessions.delete', { ref: second.id, force: true });
    closed = true;
    await t.close();
    const left = await engineObjects();
    expect(left.networks).toEqual([]);
    expect(left.holders).toEqual([]);
    expect(left.relays).toHaveLength(1);
  }, 300_000);
});
