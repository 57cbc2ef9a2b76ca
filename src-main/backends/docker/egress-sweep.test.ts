/**
 * The background sweep (removes contained networks no container uses) against slots being made at the
 * same time, on a real engine: a sweep lists containers, then networks; a slot made between the two has
 * a holder the first list lacks, and its network must survive anyway (the bench's Docker run hit a
 * create whose network vanished: "network berth-net-… not found").
 */
import crypto from 'node:crypto';
import type Dockerode from 'dockerode';
import { describe, expect, inject, it } from 'vitest';
import { ok } from '../../../src-shared/result.js';
import { dockerClient } from '../../testing/docker-engine.js';
import { engineAvailable } from '../../testing/fixtures.js';
import { DockerEgress } from './egress.js';
import { LABEL_INSTANCE, LABEL_KIND } from './labels.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

describe.runIf(available)('contained networks and the sweep', () => {
  it('a sweep that listed containers before a slot was made does not remove that slot’s network', async () => {
    if (!docker.ok) return;
    const client = await dockerClient(docker.endpoint);
    const instanceId = `sweep-${crypto.randomBytes(4).toString('hex')}`;
    // The interleaving, made certain: the slot's holder is created only after the sweep listed the
    // containers, and the sweep lists networks only after the slot is made.
    let madeSlot!: () => void;
    const slotMade = new Promise<void>((r) => (madeSlot = r));
    let listed!: () => void;
    const containersListed = new Promise<void>((r) => (listed = r));
    const gated = Object.create(client) as Dockerode;
    gated.listContainers = (async (opts?: Dockerode.ContainerListOptions) => {
      const list = await client.listContainers(opts);
      listed();
      return list;
    }) as Dockerode['listContainers'];
    gated.createContainer = (async (opts: Dockerode.ContainerCreateOptions) => {
      await containersListed;
      return client.createContainer(opts);
    }) as Dockerode['createContainer'];
    gated.listNetworks = (async (opts?: Dockerode.NetworkListOptions) => {
      await slotMade;
      return client.listNetworks(opts);
    }) as Dockerode['listNetworks'];
    const egress = new DockerEgress({ docker: async () => ok(gated), instanceId, background: () => undefined });
    try {
      const sweep = egress.sweep();
      const made = await egress.make();
      expect(made.ok).toBe(true);
      madeSlot();
      await sweep;
      const networks = await client.listNetworks({ filters: { label: [`${LABEL_KIND}=net`, `${LABEL_INSTANCE}=${instanceId}`] } });
      expect(networks.map((n) => n.Name)).toEqual([made.ok && made.value.network]);
      if (made.ok) await egress.release(made.value);
    } finally {
      madeSlot();
      await egress.close();
      await egress.sweep();
    }
    expect(await client.listNetworks({ filters: { label: [`${LABEL_INSTANCE}=${instanceId}`] } })).toEqual([]);
  }, 120_000);
});
