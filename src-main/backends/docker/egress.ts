/**
 * Egress containment for Docker sessions: a contained session's only way out is Berth's proxy.
 *
 * Each contained container gets a *slot*: its own Docker network, `internal` with no IPv4 address on the
 * host side of its bridge (`inhibit_ipv4`) and no IPv6, and a small *holder* container on it that owns
 * the network namespace; the session's container joins that namespace (`container:<holder>`). On that
 * network are only the holder and Berth's *relay* (one per data directory), which forwards two ports to
 * the credential proxy with busybox `nc` and sits on the engine's default bridge to reach it. So a
 * direct connection to the host, another session or the internet finds no address to talk to (the
 * default route's gateway does not exist), DNS has no reachable resolver (the container's resolver is
 * an address no contained network routes to), and no iptables rule is needed: it holds on engines run
 * with `--iptables=false` too. Sessions reach the proxy by a fixed name, `berth-proxy`, that the holder's
 * /etc/hosts gives the relay's address on every slot network.
 *
 * Joining a running namespace costs a container nothing at start (no network to set up), so a create
 * that finds a spare slot is faster than one on the default bridge; spares are made ahead, off the
 * create's critical path. Networks, holders and the relay are labelled with the instance; `sweep()`
 * removes what no container uses (an earlier run's spares, a crash's leftovers).
 */
import crypto from 'node:crypto';
import type Docker from 'dockerode';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { LABEL_INSTANCE, LABEL_KIND, LABEL_NETWORK, LABEL_RELAY_TARGET } from './labels.js';
import { ensureRelayImage, RELAY_IMAGE } from './relay-image.js';

/** The name contained sessions reach the proxy by (the holder's /etc/hosts maps it to the relay). */
export const RELAY_HOST = 'berth-proxy';
/** The relay's port for the base-URL proxy (providers' base URLs)… */
export const RELAY_BASE_PORT = 8080;
/** …and for the CONNECT proxy (HTTPS_PROXY / HTTP_PROXY). */
export const RELAY_CONNECT_PORT = 3128;

/** Session networks are /28s in 198.18.0.0/15 (RFC 2544's benchmarking range: nobody routes it). */
const SUBNET_BASE = 198 * 2 ** 24 + 18 * 2 ** 16;
/** /28s in a /15. */
const SUBNET_COUNT = 2 ** 17 / 16;
/** Addresses per session network (a /28). */
const SUBNET_SIZE = 16;
/** Random subnets tried when the engine says one overlaps another network. */
const SUBNET_ATTEMPTS = 8;
/** Slots kept made ahead for cold creates. */
const SPARE_SLOTS = 2;
/** How long a relay found running is trusted before it is looked at again (a create asks each time). */
const RELAY_RECHECK_MS = 10_000;
/** The resolver contained containers are given: TEST-NET-1 (RFC 5737), which no contained network routes to. */
const NO_RESOLVER = '192.0.2.1';
/** Processes in a holder (docker-init and `sleep`) and in the relay (one `nc` per open connection). */
const HOLDER_PIDS = 16;
const RELAY_PIDS = 2048;
/** The longest `sleep` busybox takes: the holder waits until it is removed. */
const HOLD_SECONDS = '2147483647';
/** The user holder and relay run as (nobody). */
const NOBODY = '65534:65534';
/** Bridge driver option: no IPv4 address on the host's side of the bridge. */
const INHIBIT_IPV4 = 'com.docker.network.bridge.inhibit_ipv4';

/** Where the relay forwards: the host address containers on the default bridge reach, and the proxy's ports there. */
export interface RelayTarget {
  host: string;
  basePort: number;
  connectPort: number;
}

/** A contained network and the container holding its namespace. */
export interface EgressSlot {
  network: string;
  holderId: string;
}

export interface EgressDeps {
  docker(): Promise<Result<Docker>>;
  instanceId: string;
  /** Runs background work (refills): awaited before shutdown completes, its failure logged and counted. */
  background(work: Promise<unknown>): void;
  /** Another base image to build the relay image from (BERTH_RELAY_BASE: a busybox mirror). */
  relayBase?: string;
}

/** The gateway (never assigned), relay and holder addresses of a session subnet `a.b.c.d/28`. */
export function slotAddresses(subnet: string): { gateway: string; relay: string; holder: string } {
  const base = subnet.split('/')[0]!.split('.').map(Number);
  const at = (n: number) => [...base.slice(0, 3), base[3]! + n].join('.');
  return { gateway: at(1), relay: at(2), holder: at(3) };
}

/** A random session subnet in 198.18.0.0/15. */
export function randomSubnet(): string {
  const n = SUBNET_BASE + crypto.randomInt(SUBNET_COUNT) * SUBNET_SIZE;
  return `${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')}/28`;
}

/** The relay's command: one listener per proxy port, each connection piped to the proxy by its own `nc`. */
export function relayScript(t: RelayTarget): string {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(t.host)) throw new Error(`the relay target ${t.host} is not an IPv4 address`);
  // If a listener ends, the whole container does, and the engine restarts it (restart policy).
  const listen = (port: number, targetPort: number) => `(nc -ll -p ${port} -e nc ${t.host} ${targetPort}; kill 0) &`;
  return `${listen(RELAY_BASE_PORT, t.basePort)} ${listen(RELAY_CONNECT_PORT, t.connectPort)} wait`;
}

const targetKey = (t: RelayTarget) => `${t.host}:${t.basePort}:${t.connectPort}`;
const message = (e: unknown) => (e as Error).message?.trim() ?? String(e);
/** The holder a container's NetworkMode `container:<id>` names, if any. */
export const holderOf = (networkMode: string | undefined) => /^container:(.+)$/.exec(networkMode ?? '')?.[1] ?? null;

/** Hardening shared by holder and relay: nobody, no capabilities, no new privileges, read-only root. */
const HARDENED = { CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'], ReadonlyRootfs: true, Init: true, Privileged: false };

export class DockerEgress {
  private relay: { id: string; target: string; checkedAt: number } | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly spare: EgressSlot[] = [];
  /**
   * Holders and networks this process made (or is making), until it removes them: never swept. A sweep
   * lists containers, then networks; a slot made between the two has a holder the first list lacks, so
   * its network must be known as ours by name, not by its holder.
   */
  private readonly made = new Set<string>();
  private readonly madeNetworks = new Set<string>();
  private filling = false;
  /** A refill was asked for while one ran: it makes one more pass (sweep included) when done. */
  private again = false;
  private closed = false;
  /** Why the last refill stopped (shown nowhere yet; kept for diagnosis). */
  lastError: string | null = null;

  constructor(private readonly deps: EgressDeps) {}

  /**
   * Makes sure the relay runs and forwards to `target` (created, or replaced when it is missing, stopped
   * or aimed at an earlier run's ports), joined to every contained network of this instance.
   */
  async ensureRelay(target: RelayTarget): Promise<Result<void>> {
    const key = targetKey(target);
    const current = this.relay;
    if (current?.target === key && Date.now() - current.checkedAt < RELAY_RECHECK_MS) return ok();
    return this.exclusive(() => this.placeRelay(target, key));
  }

  /** A slot for a session's container: a spare one, else one made now. */
  async take(): Promise<Result<EgressSlot>> {
    const slot = this.spare.shift();
    return slot ? ok(slot) : this.makeSlot();
  }

  /** A new slot (for a warm-pool container, made in the background anyway: spares stay for cold creates). */
  make(): Promise<Result<EgressSlot>> {
    return this.makeSlot();
  }

  /**
   * Keeps SPARE_SLOTS made ahead, after removing what no container uses; runs in the background, after
   * a create has printed (never on its path).
   */
  refill(): void {
    if (this.closed) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = true;
    this.deps.background(
      (async () => {
        try {
          do {
            this.again = false;
            await this.refillOnce();
          } while (this.again && !this.closed);
        } catch (e) {
          this.lastError = message(e);
        } finally {
          this.filling = false;
        }
      })(),
    );
  }

  private async refillOnce(): Promise<void> {
    await this.sweep();
    while (!this.closed && this.spare.length < SPARE_SLOTS) {
      const made = await this.makeSlot();
      if (!made.ok) {
        // Don't spin on a failure (engine down, image gone): the next create tries again.
        this.lastError = made.error.message;
        this.again = false;
        return;
      }
      if (this.closed) return void (await this.release(made.value));
      this.spare.push(made.value);
    }
  }

  /** Removes a slot: its holder and network. */
  async release(slot: EgressSlot): Promise<void> {
    const docker = await this.deps.docker();
    if (docker.ok) await this.removeSlot(docker.value, slot.holderId, slot.network);
  }

  /** Removes the slot a removed container used (its NetworkMode `container:<holder>`), if it is this instance's. */
  async releaseFor(networkMode: string | undefined): Promise<void> {
    const holderId = holderOf(networkMode);
    const docker = await this.deps.docker();
    if (!holderId || !docker.ok) return;
    const info = await docker.value
      .getContainer(holderId)
      .inspect()
      .catch(() => null);
    const labels = info?.Config.Labels ?? {};
    if (!info || labels[LABEL_KIND] !== 'netns' || labels[LABEL_INSTANCE] !== this.deps.instanceId) return;
    await this.removeSlot(docker.value, info.Id, labels[LABEL_NETWORK] ?? null);
  }

  /** Removes holders and networks of this instance that no container uses and this process didn't make. */
  async sweep(): Promise<void> {
    const docker = await this.deps.docker();
    if (!docker.ok) return;
    const mine = { label: [`${LABEL_INSTANCE}=${this.deps.instanceId}`] };
    const all = await docker.value.listContainers({ all: true, filters: mine }).catch(() => null);
    if (!all) return;
    const used = new Set(all.map((c) => holderOf(c.HostConfig?.NetworkMode)));
    const kept = new Set<string>();
    for (const h of all.filter((c) => c.Labels?.[LABEL_KIND] === 'netns')) {
      const network = h.Labels[LABEL_NETWORK] ?? null;
      if (used.has(h.Id) || this.made.has(h.Id)) {
        if (network) kept.add(network);
      } else {
        await this.removeSlot(docker.value, h.Id, network);
      }
    }
    const networks = await docker.value.listNetworks({ filters: { label: [`${LABEL_KIND}=net`, ...mine.label] } }).catch(() => []);
    for (const n of networks) if (!kept.has(n.Name) && !this.madeNetworks.has(n.Name)) await this.removeSlot(docker.value, null, n.Name);
  }

  /** Spare slots go; slots of running sessions and the relay stay (sessions outlive the orchestrator). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.spare.splice(0).map((s) => this.release(s)));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async placeRelay(target: RelayTarget, key: string): Promise<Result<void>> {
    const docker = await this.deps.docker();
    if (!docker.ok) return docker;
    const image = await ensureRelayImage(docker.value, this.deps.relayBase);
    if (!image.ok) return image;
    const d = docker.value;
    try {
      const found = await d.listContainers({ all: true, filters: { label: [`${LABEL_KIND}=relay`, `${LABEL_INSTANCE}=${this.deps.instanceId}`] } });
      const same = found.find((c) => c.Labels?.[LABEL_RELAY_TARGET] === key && c.State === 'running');
      if (same) {
        this.relay = { id: same.Id, target: key, checkedAt: Date.now() };
        return ok();
      }
      this.relay = null;
      await Promise.all(found.map((c) => d.getContainer(c.Id).remove({ force: true })));
      const relay = await d.createContainer({
        name: `berth-relay-${this.deps.instanceId}`,
        Image: RELAY_IMAGE,
        Cmd: ['sh', '-c', relayScript(target)],
        User: NOBODY,
        Labels: { [LABEL_KIND]: 'relay', [LABEL_INSTANCE]: this.deps.instanceId, [LABEL_RELAY_TARGET]: key },
        HostConfig: { ...HARDENED, NetworkMode: 'bridge', PidsLimit: RELAY_PIDS, RestartPolicy: { Name: 'unless-stopped' } },
      });
      await relay.start();
      this.relay = { id: relay.id, target: key, checkedAt: Date.now() };
      // Contained networks of sessions that outlived an earlier relay, and spares: the new relay joins them all.
      const networks = await d.listNetworks({ filters: { label: [`${LABEL_KIND}=net`, `${LABEL_INSTANCE}=${this.deps.instanceId}`] } });
      await Promise.all(networks.map((n) => this.connectRelay(d, n.Name, n.IPAM?.Config?.[0]?.Subnet ?? null).catch(() => undefined)));
      return ok();
    } catch (e) {
      return err('backend_unavailable', `cannot start the egress relay (the contained network's way to the proxy): ${message(e)}`);
    }
  }

  /** Joins the relay to a session network at the address the holder's /etc/hosts names (idempotent). */
  private async connectRelay(d: Docker, network: string, subnet: string | null): Promise<void> {
    const relay = this.relay;
    if (!relay || !subnet) return;
    try {
      await d.getNetwork(network).connect({ Container: relay.id, EndpointConfig: { IPAMConfig: { IPv4Address: slotAddresses(subnet).relay } } });
    } catch (e) {
      if (!/already exists|already attached/i.test(message(e))) throw e;
    }
  }

  private async makeSlot(): Promise<Result<EgressSlot>> {
    const docker = await this.deps.docker();
    if (!docker.ok) return docker;
    const image = await ensureRelayImage(docker.value, this.deps.relayBase);
    if (!image.ok) return image;
    const d = docker.value;
    let network: { name: string; subnet: string } | null = null;
    let why = 'no free subnet';
    for (let i = 0; i < SUBNET_ATTEMPTS && !network; i++) {
      const candidate = { name: `berth-net-${crypto.randomBytes(6).toString('hex')}`, subnet: randomSubnet() };
      this.madeNetworks.add(candidate.name);
      try {
        await d.createNetwork(this.networkSpec(candidate.name, candidate.subnet));
        network = candidate;
      } catch (e) {
        this.madeNetworks.delete(candidate.name);
        why = message(e);
        if (!/overlap/i.test(why)) break;
      }
    }
    if (!network) return err('backend_unavailable', `cannot create the session's contained network: ${why}`);
    let holderId: string | null = null;
    try {
      const holder = await d.createContainer(this.holderSpec(network.name, network.subnet));
      holderId = holder.id;
      this.made.add(holder.id);
      await holder.start();
      const net = network;
      await this.exclusive(() => this.connectRelay(d, net.name, net.subnet));
      return ok({ network: network.name, holderId: holder.id });
    } catch (e) {
      await this.removeSlot(d, holderId, network.name);
      return err('backend_unavailable', `cannot set up the session's contained network: ${message(e)}`);
    }
  }

  private networkSpec(name: string, subnet: string): Docker.NetworkCreateOptions {
    return {
      Name: name,
      Driver: 'bridge',
      Internal: true,
      EnableIPv6: false,
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: slotAddresses(subnet).gateway }] },
      Options: { [INHIBIT_IPV4]: 'true' },
      Labels: { [LABEL_KIND]: 'net', [LABEL_INSTANCE]: this.deps.instanceId },
    };
  }

  private holderSpec(network: string, subnet: string): Docker.ContainerCreateOptions {
    const at = slotAddresses(subnet);
    return {
      name: network.replace(/^berth-net-/, 'berth-netns-'),
      Image: RELAY_IMAGE,
      Cmd: ['sleep', HOLD_SECONDS],
      User: NOBODY,
      Labels: { [LABEL_KIND]: 'netns', [LABEL_INSTANCE]: this.deps.instanceId, [LABEL_NETWORK]: network },
      HostConfig: { ...HARDENED, NetworkMode: network, PidsLimit: HOLDER_PIDS, ExtraHosts: [`${RELAY_HOST}:${at.relay}`], Dns: [NO_RESOLVER] },
      NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: at.holder } } } },
    };
  }

  /** Removes a holder (if given) and a network (every endpoint on it disconnected first). */
  private async removeSlot(d: Docker, holderId: string | null, network: string | null): Promise<void> {
    if (holderId) {
      await d
        .getContainer(holderId)
        .remove({ force: true })
        .catch(() => undefined);
      this.made.delete(holderId);
    }
    if (!network) return;
    this.madeNetworks.delete(network);
    const net = d.getNetwork(network);
    const info = (await net.inspect().catch(() => null)) as { Containers?: Record<string, unknown> } | null;
    if (!info) return;
    await Promise.all(Object.keys(info.Containers ?? {}).map((id) => net.disconnect({ Container: id, Force: true }).catch(() => undefined)));
    await net.remove().catch(() => undefined);
  }
}
