/**
 * The Docker backend: each session's agent runs in its own hardened container, attached through one
 * long-lived TTY stream. Everything it makes is labelled with the session id, so after a restart the
 * reconciler adopts running containers instead of losing them.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type Docker from 'dockerode';
import type { CacheType, DockerSettings, NetworkMode } from '../../../src-shared/docker.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { ignoreBackgroundErrors, type BackgroundErrorSink, type BackgroundTask } from '../../metrics/faults.js';
import type { ImageProgressDto } from '../../../src-shared/docker.js';
import { SESSION_LABEL_ENV, type IBackend, type InstanceInfo, type ITerminalProcess, type KnownInstance, type StartSpec, type SyncTarget } from '../backend.js';
import { linkBranch, prepareRefCell, removeRefCell, shareObjectDirs, unlinkBranch, worktreeCell } from './branch-refs.js';
import { buildContainerSpec, CACHE_MOUNTS, FALLBACK_UID, gitWritableMounts, WORKSPACE } from './container-spec.js';
import { DockerProcess } from './docker-process.js';
import { DockerEgress, RELAY_BASE_PORT, RELAY_CONNECT_PORT, RELAY_HOST, type EgressSlot } from './egress.js';
import { DockerEngine } from './engine.js';
import { hostAddressOn, type NetworkInspect } from './network-gateway.js';
import { ensureImage } from './images.js';
import { Limiter } from './limiter.js';
import { RELAY_BASE_ENV } from './relay-image.js';
import { LABEL_CACHE, LABEL_INSTANCE, LABEL_KIND, LABEL_SESSION, LABEL_WORKTREE } from './labels.js';
import { chownMountPoints, copyIn, createWorkspaceVolume, workspaceVolumeName } from './workspace-volume.js';
import { afterExit, pendingChanges, syncBack, type WorkspaceFinder } from './workspace-sync.js';
import { launchScript, WarmPool, type WarmSlot } from './warm-pool.js';
import { runProcess } from '../../process/run.js';

/** Longest `chown -R` of a worktree may run (a large checkout on a slow disk). */
const CHOWN_TIMEOUT_MS = 120_000;

/** Engine calls in flight at once when many sessions are created together. */
const MAX_CONCURRENT_CREATES = 4;

/** How long a network's gateway address is reused before it is looked up again (off the create path). */
const GATEWAY_CACHE_MS = 60_000;

/** TTY size a pool container starts with; the claiming session resizes it. */
const DEFAULT_POOL_COLS = 120;
const DEFAULT_POOL_ROWS = 32;

/** The volume holding one cache type. */
export const cacheVolumeName = (type: CacheType) => `berth-cache-${type}`;

export type DockerStartOptions = NonNullable<StartSpec['docker']>;

export class DockerBackend implements IBackend {
  readonly id = 'docker' as const;
  readonly name = 'Docker';
  readonly description = 'Runs the agent in a hardened container (non-root, no new privileges, capabilities dropped, limits).';
  readonly capabilities = { isolation: 'container', persistsAcrossRestart: true, resourceLimits: true, egressContainment: true } as const;
  readonly engine: DockerEngine;
  private readonly instanceId: string;
  private readonly creates = new Limiter(MAX_CONCURRENT_CREATES);

  /** Started containers kept ready (Settings → Docker → warm pool). */
  readonly pool: WarmPool;
  /** Contained networks, their holders and the relay to the proxy. */
  readonly egress: DockerEgress;

  constructor(
    private readonly settings: () => DockerSettings,
    instanceId: string,
    env: NodeJS.ProcessEnv = process.env,
    /** Where warm-pool slot worktrees of a repository go (the repository's worktrees folder). */
    slotsDir: (repoPath: string) => string = (repoPath) => path.join(repoPath, '.git', 'berth-warm'),
    /** Where failures of background work (pre-pulls, warm-up, pool refills) are logged and counted. */
    private readonly onBackgroundError: BackgroundErrorSink = ignoreBackgroundErrors,
  ) {
    this.engine = new DockerEngine(() => ({ endpoint: settings().endpoint, tlsCertPath: settings().tlsCertPath }), env);
    this.instanceId = instanceId;
    this.egress = new DockerEgress({
      docker: () => this.engine.docker(),
      instanceId,
      background: (work) => this.track('pool-refill', work),
      relayBase: env[RELAY_BASE_ENV] || undefined,
    });
    this.pool = new WarmPool({
      docker: () => this.engine.docker(),
      settings,
      instanceId,
      slotsDir,
      background: (work) => this.track('pool-refill', work),
      createContainer: async (c) => {
        const docker = await this.engine.docker();
        if (!docker.ok) return docker;
        // A pool container has no session yet: only the base environment; the session's comes at claim.
        return this.creates.run(() => this.createContainer(docker.value, { ...c, sessionId: null, env: {}, cols: DEFAULT_POOL_COLS, rows: DEFAULT_POOL_ROWS }));
      },
      releaseNetwork: (networkMode) => this.egress.releaseFor(networkMode),
    });
  }

  /** Read-only host folders every session container gets (the proxy's CA), set by the orchestrator. */
  sessionMounts: { source: string; target: string }[] = [];

  /**
   * Where sessions on `networkMode` reach the credential proxy, given `expose`, which makes the proxy's
   * loopback ports reachable on a host address. Null for `none` (no network, no proxy). An open network
   * reaches the host at its gateway address; a contained one only through the relay (which reaches the
   * host at the default bridge's gateway), by the name `berth-proxy`. An error says why the container
   * can't have the proxy: the create fails with it rather than start without.
   */
  async proxyEndpoint(
    networkMode: NetworkMode,
    expose: (address: string) => Promise<{ basePort: number; connectPort: number } | null>,
  ): Promise<Result<{ host: string; basePort: number; connectPort: number } | null>> {
    if (networkMode === 'none') return ok(null);
    const network = networkMode === 'contained' ? 'bridge' : networkMode;
    const address = await this.gatewayAddress(network);
    if (!address.ok) return address;
    const ports = await expose(address.value);
    if (!ports) return err('backend_unavailable', `cannot offer the credential proxy to containers on ${address.value} (this host's address on the engine network "${network}")`);
    if (networkMode !== 'contained') return ok({ host: address.value, ...ports });
    const relay = await this.egress.ensureRelay({ host: address.value, ...ports });
    return relay.ok ? ok({ host: RELAY_HOST, basePort: RELAY_BASE_PORT, connectPort: RELAY_CONNECT_PORT }) : relay;
  }

  /** This host's address on an engine network: its IPv4 gateway (looked up again after GATEWAY_CACHE_MS). */
  private async gatewayAddress(network: string): Promise<Result<string>> {
    const cached = this.gateways.get(network);
    if (cached && cached.at > Date.now() - GATEWAY_CACHE_MS) return ok(cached.address);
    const docker = await this.engine.docker();
    if (!docker.ok) return docker;
    try {
      const address = hostAddressOn((await docker.value.getNetwork(network).inspect()) as NetworkInspect);
      if (!address) return err('backend_unavailable', `the engine network "${network}" has no IPv4 gateway, so containers can't reach the credential proxy on this host`);
      this.gateways.set(network, { address, at: Date.now() });
      return ok(address);
    } catch (e) {
      const probe = await this.engine.probe();
      return err('backend_unavailable', probe.ok ? `cannot look up the engine network "${network}": ${(e as Error).message}` : probe.error.message);
    }
  }
  private readonly gateways = new Map<string, { address: string; at: number }>();

  reserveWarm(sessionId: string, repoPath: string, options: { docker?: DockerStartOptions; ports?: number }): string | null {
    // A warm container was made before its session's ports were known: it has none published.
    if (options.ports) return null;
    return options.docker ? (this.pool.reserve(sessionId, repoPath, options.docker)?.worktree ?? null) : null;
  }

  ensureWarm(repoPath: string, options: { docker?: DockerStartOptions }): void {
    if (!options.docker) return;
    this.pool.ensure(repoPath, options.docker);
    // Spare contained networks for the next cold creates, made now that this one has printed.
    if (options.docker.info.networkMode === 'contained') this.egress.refill();
  }

  async probe(): Promise<Result<void>> {
    const r = await this.engine.probe();
    return r.ok ? ok() : r;
  }

  async validate(options: { docker?: DockerStartOptions }): Promise<Result<void>> {
    const o = options.docker;
    if (!o) return ok();
    const probe = await this.engine.probe();
    if (!probe.ok) return probe;
    if (!probe.value.runtimes.includes(o.info.runtime)) {
      return err('bad_request', `the engine has no runtime "${o.info.runtime}" (it has: ${probe.value.runtimes.join(', ')})`);
    }
    if (o.pullPolicy === 'Never') {
      const docker = await this.engine.docker();
      if (!docker.ok) return docker;
      const present = await docker.value
        .getImage(o.info.image)
        .inspect()
        .then(() => true, () => false);
      if (!present) return err('backend_unavailable', `image ${o.info.image} is not present locally (pull policy: Never)`);
    }
    return ok();
  }

  /** Pulls the image per policy (the create phase `image`). */
  async prepare(spec: StartSpec, onProgress: (p: ImageProgressDto) => void, signal?: AbortSignal): Promise<Result<void>> {
    const options = spec.docker;
    if (!options) return err('bad_request', 'a Docker session needs Docker options');
    const docker = await this.engine.docker();
    if (!docker.ok) return docker;
    const pulling = async (): Promise<Result<void>> => {
      const r = await ensureImage(docker.value, options.info.image, options.pullPolicy, onProgress, signal);
      return r.ok ? ok() : r;
    };
    // A create cancelled while it waits for its turn leaves the queue at once.
    return this.creates.run(pulling, signal ? { signal, aborted: () => err('bad_request', `pull of ${options.info.image} cancelled`) } : undefined);
  }

  /**
   * Pulls the images the user keeps warm, when missing (at start-up, in the background, never on a
   * create's critical path). What could not be pulled shows when a session needs the image.
   */
  prepull(images: readonly string[]): void {
    this.track('prepull', this.pullAll(images));
  }

  /**
   * Work started off any request (pre-pulls, warm-up, pool refills): awaited by `shutdown()` before the
   * store closes, and its failure logged and counted, never unhandled.
   */
  track(task: BackgroundTask, work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      (e: unknown) => {
        try {
          this.onBackgroundError(task, e);
        } catch {
          // a failing reporter must not become an unhandled rejection
        }
      },
    );
    this.background.add(settled);
    void settled.finally(() => this.background.delete(settled));
  }

  /**
   * Cancels background pulls and resolves once background work has finished (it reads settings, so it
   * must end before the store closes).
   */
  async shutdown(): Promise<void> {
    this.stopping.abort();
    await this.egress.close();
    while (this.background.size > 0) await Promise.all([...this.background]);
  }
  private readonly background = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  private async pullAll(images: readonly string[]): Promise<{ image: string; error: string }[]> {
    // Nothing to pull: don't even load the Docker client (it costs start-up time and memory).
    if (images.length === 0) return [];
    const docker = await this.engine.docker();
    if (!docker.ok) return [];
    if (!(await this.engine.probe()).ok) return [];
    const failures: { image: string; error: string }[] = [];
    for (const image of images) {
      if (this.stopping.signal.aborted) break;
      const r = await this.creates.run(() => ensureImage(docker.value, image, 'IfNotPresent', () => undefined, this.stopping.signal), {
        signal: this.stopping.signal,
        aborted: () => err('bad_request', `pull of ${image} cancelled`),
      });
      if (!r.ok) failures.push({ image, error: r.error.message });
    }
    return failures;
  }

  async start(spec: StartSpec): Promise<Result<ITerminalProcess>> {
    const options = spec.docker;
    if (!options) return err('bad_request', 'a Docker session needs Docker options');
    // A contained session without the proxy's address would have no way out at all: never start one silently.
    if (options.info.networkMode === 'contained' && !spec.env.HTTPS_PROXY) {
      return err('spawn_failed', 'the credential proxy is not set up for this contained container (no proxy address), so it is not started');
    }
    const docker = await this.engine.docker();
    if (!docker.ok) return docker;
    const slot = this.pool.take(spec.sessionId);
    if (slot) {
      const claimed = await this.claim(docker.value, slot, spec);
      if (claimed.ok) return claimed;
      // A pooled container that died (engine restarted, killed) is no reason to fail: start cold.
      await this.removeSessionContainers(spec.sessionId, slot.containerId);
    }
    return this.creates.run(() => this.startContainer(docker.value, spec, options));
  }

  /** Hands a ready pool container its session: attach, size the TTY, send the launcher the agent's script. */
  private async claim(docker: Docker, slot: WarmSlot, spec: StartSpec): Promise<Result<ITerminalProcess>> {
    const container = docker.getContainer(slot.containerId);
    try {
      const { uid, gid } = containerUser();
      // The branch was checked out on the host after the container was made; a root host user's files need the agent's owner.
      await this.ownForContainer(slot.worktree, uid, gid);
      // …and it goes into the slot's ref cell, the one ref the container can write, before the agent runs.
      const cell = worktreeCell(slot.worktree);
      const linked = cell ? await linkBranch(cell) : ok();
      if (!linked.ok) return linked;
      const [stream, info] = await Promise.all([
        container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }),
        container.inspect(),
        container.resize({ h: spec.rows, w: spec.cols }),
      ]);
      if (!info.State.Running) return err('spawn_failed', 'the warm container is no longer running');
      const script = launchScript(WORKSPACE, spec.command, { ...spec.env, [SESSION_LABEL_ENV]: spec.sessionId });
      stream.write(script.text);
      return ok(new DockerProcess(container, stream, info.State.Pid || null, afterExit(container, slot.worktree, 'bind')));
    } catch (e) {
      return err('spawn_failed', `cannot claim the warm container: ${(e as Error).message}`);
    }
  }

  async inspect(known: KnownInstance): Promise<InstanceInfo> {
    const containers = await this.listSessionContainers(known.sessionId, known.instanceId);
    if (!containers.ok) {
      // Backends → Docker must not say "available" from a probe made before the engine went away.
      this.engine.forgetProbe();
      return { sessionId: known.sessionId, alive: false, unreachable: containers.error.message };
    }
    return { sessionId: known.sessionId, alive: containers.value.some((c) => c.State === 'running') };
  }

  async adopt(known: KnownInstance): Promise<Result<ITerminalProcess>> {
    const docker = await this.engine.docker();
    if (!docker.ok) return docker;
    const containers = await this.listSessionContainers(known.sessionId, known.instanceId);
    if (!containers.ok) return containers;
    const running = containers.value.find((c) => c.State === 'running');
    if (!running) return err('not_found', 'no running container for this session');
    const container = docker.value.getContainer(running.Id);
    try {
      const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      const state = (await container.inspect()).State;
      const volumeMode = running.Mounts?.some((m) => m.Destination === WORKSPACE && m.Type === 'volume') ? 'volume' : 'bind';
      const worktree = running.Labels?.[LABEL_WORKTREE] ?? null;
      return ok(new DockerProcess(container, stream, state.Pid || null, worktree ? afterExit(container, worktree, volumeMode) : undefined));
    } catch (e) {
      return err('backend_unavailable', `cannot attach to container ${running.Id.slice(0, 12)}: ${(e as Error).message}`);
    }
  }

  async reclaim(known: KnownInstance): Promise<void> {
    await this.removeSessionContainers(known.sessionId, known.instanceId);
  }

  async cleanup(sessionId: string, instanceId?: string | null): Promise<void> {
    await this.pool.release(sessionId);
    // The worktree goes next: its branch becomes a plain ref again and its ref cell goes.
    const containers = await this.listSessionContainers(sessionId, instanceId);
    const worktrees = new Set(containers.ok ? containers.value.map((c) => c.Labels?.[LABEL_WORKTREE]).filter((w): w is string => !!w) : []);
    await this.removeSessionContainers(sessionId, instanceId);
    for (const w of worktrees) {
      const cell = worktreeCell(w);
      if (cell) await removeRefCell(cell);
    }
    const docker = await this.engine.docker();
    if (docker.ok) await docker.value.getVolume(workspaceVolumeName(sessionId)).remove().catch(() => undefined);
  }

  /** Copies a volume-mode session's workspace volume back to its worktree (after a failed sync). */
  syncBack(t: SyncTarget): Promise<Result<void>> {
    return syncBack(this.workspaces, t);
  }

  /** The files a sync back would change, while a volume-mode session has changes not synced back. */
  pendingChanges(t: SyncTarget): Promise<Result<string[]>> {
    return pendingChanges(this.workspaces, t);
  }

  private readonly workspaces: WorkspaceFinder = {
    docker: () => this.engine.docker(),
    containers: (sessionId, containerId) => this.listSessionContainers(sessionId, containerId),
  };

  /** Removes every container of the session, and the contained networks they used. */
  async removeSessionContainers(sessionId: string, containerId?: string | null): Promise<void> {
    const docker = await this.engine.docker();
    const containers = await this.listSessionContainers(sessionId, containerId);
    if (!docker.ok || !containers.ok) return;
    await Promise.all(
      containers.value.map(async (c) => {
        await docker.value.getContainer(c.Id).remove({ force: true, v: false }).catch(() => undefined);
        await this.egress.releaseFor(c.HostConfig?.NetworkMode);
      }),
    );
  }

  /** CPU % (of one core) and memory of the session's running container. */
  async stats(sessionId: string, instanceId?: string | null): Promise<{ cpuPercent: number; memoryBytes: number } | null> {
    const docker = await this.engine.docker();
    const containers = await this.listSessionContainers(sessionId, instanceId);
    if (!docker.ok || !containers.ok) return null;
    const running = containers.value.find((c) => c.State === 'running');
    if (!running) return null;
    try {
      const s = (await docker.value.getContainer(running.Id).stats({ stream: false })) as unknown as DockerStats;
      return { cpuPercent: cpuPercent(s), memoryBytes: Math.max(0, (s.memory_stats?.usage ?? 0) - (s.memory_stats?.stats?.cache ?? 0)) };
    } catch {
      return null;
    }
  }

  /**
   * The session's containers: by label, or, for a container claimed from the warm pool (labels are
   * fixed at creation, so it has none for the session), by the id recorded on the session.
   */
  private async listSessionContainers(sessionId: string, containerId?: string | null): Promise<Result<Docker.ContainerInfo[]>> {
    const docker = await this.engine.docker();
    if (!docker.ok) return docker;
    try {
      const labelled = await docker.value.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${sessionId}`] } });
      if (labelled.length > 0 || !containerId) return ok(labelled);
      return ok(await docker.value.listContainers({ all: true, filters: { id: [containerId], label: [`${LABEL_INSTANCE}=${this.instanceId}`] } }));
    } catch (e) {
      const probe = await this.engine.probe();
      return err('backend_unavailable', probe.ok ? (e as Error).message : probe.error.message);
    }
  }

  private async startContainer(docker: Docker, spec: StartSpec, options: DockerStartOptions): Promise<Result<ITerminalProcess>> {
    const { info } = options;
    // A restart gets a fresh container; the previous one (exited) goes. A first start has none.
    if (info.containerId) await this.removeSessionContainers(spec.sessionId, info.containerId);
    const made = await this.createContainer(docker, {
      sessionId: spec.sessionId,
      name: `berth-${spec.sessionName}-${crypto.randomBytes(3).toString('hex')}`,
      cwd: spec.cwd,
      command: spec.command,
      env: { ...spec.env, [SESSION_LABEL_ENV]: spec.sessionId },
      options,
      cols: spec.cols,
      rows: spec.rows,
      ports: spec.ports?.map((p) => p.port),
    });
    if (!made.ok) return made;
    const { container, uid, gid, slot } = made.value;
    try {
      if (info.volumeMode === 'volume') await copyIn(container, spec.cwd, uid, gid);
      const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      await container.start();
      const state = (await container.inspect()).State;
      return ok(new DockerProcess(container, stream, state.Pid || null, afterExit(container, spec.cwd, info.volumeMode)));
    } catch (e) {
      await container.remove({ force: true }).catch(() => undefined);
      const cell = worktreeCell(spec.cwd);
      if (cell) await unlinkBranch(cell);
      if (slot) await this.egress.release(slot);
      return err('spawn_failed', `cannot start the container: ${(e as Error).message}`);
    }
  }

  /**
   * Creates (does not start) a hardened container on a worktree: the user it runs as, the worktree's
   * git metadata, cache volumes, limits. Sessions and warm-pool containers are made the same way.
   */
  async createContainer(docker: Docker, c: ContainerInput): Promise<Result<{ container: Docker.Container; uid: number; gid: number; slot: EgressSlot | null }>> {
    const { info } = c.options;
    const { uid, gid } = containerUser();
    const cell = worktreeCell(c.cwd);
    await this.ownForContainer(c.cwd, uid, gid);
    if (cell) {
      // The branch checked out in the worktree (none yet in a warm-pool slot) is the only ref it can write.
      try {
        prepareRefCell(cell, uid, gid);
      } catch (e) {
        return err('spawn_failed', `cannot prepare the branch for the container: ${(e as Error).message}`);
      }
      const linked = await linkBranch(cell);
      if (!linked.ok) return linked;
    }
    const caches: { volume: string; target: string }[] = [];
    for (const type of info.caches) {
      const volume = cacheVolumeName(type);
      await docker
        .createVolume({ Name: volume, Labels: { [LABEL_KIND]: 'cache', [LABEL_CACHE]: type, [LABEL_INSTANCE]: this.instanceId } })
        .catch(() => undefined);
      for (const target of CACHE_MOUNTS[type]) caches.push({ volume, target });
    }
    const workspaceSource = info.volumeMode === 'volume' && c.sessionId ? await createWorkspaceVolume(docker, c.sessionId, this.instanceId) : c.cwd;
    // Contained: the container joins a slot's network namespace (a spare one for a session; a new one for the pool).
    let slot: EgressSlot | null = null;
    if (info.networkMode === 'contained') {
      const taken = c.sessionId ? await this.egress.take() : await this.egress.make();
      if (!taken.ok) {
        if (cell) await unlinkBranch(cell);
        return err('spawn_failed', taken.error.message);
      }
      slot = taken.value;
    }
    const drop = async (container?: Docker.Container) => {
      await container?.remove({ force: true }).catch(() => undefined);
      if (slot) await this.egress.release(slot);
    };
    let container: Docker.Container;
    try {
      container = await docker.createContainer(
        buildContainerSpec({
          name: c.name,
          sessionId: c.sessionId,
          instanceId: this.instanceId,
          image: info.image,
          command: c.command,
          env: c.env,
          workspaceSource,
          worktree: c.cwd,
          volumeMode: info.volumeMode,
          repoGitDir: cell?.repoGitDir ?? null,
          gitWritable: cell ? gitWritableMounts(cell) : [],
          uid,
          gid,
          limits: info.limits,
          runtime: info.runtime,
          networkMode: slot ? `container:${slot.holderId}` : info.networkMode,
          caches,
          cols: c.cols,
          rows: c.rows,
          labels: c.labels,
          extraMounts: this.sessionMounts,
          ports: c.ports,
        }),
      );
    } catch (e) {
      if (cell) await unlinkBranch(cell);
      await drop();
      return err('spawn_failed', `cannot create the container: ${(e as Error).message}`);
    }
    try {
      await chownMountPoints(container, caches.map((m) => m.target), uid, gid);
    } catch (e) {
      await drop(container);
      return err('spawn_failed', `cannot prepare the container: ${(e as Error).message}`);
    }
    return ok({ container, uid, gid, slot });
  }

  /**
   * A root host user's sessions run as a dedicated uid, which must own the worktree and its git
   * metadata, and be able to add objects (but not remove the repository's: see shareObjectDirs).
   */
  async ownForContainer(worktree: string, uid: number, gid: number): Promise<void> {
    if ((process.getuid?.() ?? FALLBACK_UID) !== 0) return;
    const cell = worktreeCell(worktree);
    const owned = [worktree, ...(cell ? [path.join(cell.repoGitDir, 'worktrees', cell.adminName)] : [])];
    await runProcess('chown', ['-R', `${uid}:${gid}`, ...owned], { timeoutMs: CHOWN_TIMEOUT_MS });
    try {
      if (cell) shareObjectDirs(path.join(cell.repoGitDir, 'objects'), gid);
    } catch {
      // Commits in the container will say what they can't write.
    }
  }
}

/** What a container is made from (a session's, or a warm-pool one's with `sessionId` null). */
export interface ContainerInput {
  sessionId: string | null;
  name: string;
  cwd: string;
  command: string[];
  env: Record<string, string>;
  options: DockerStartOptions;
  cols: number;
  rows: number;
  labels?: Record<string, string>;
  /** The session's host ports, published on 127.0.0.1 at the same numbers where its network allows. */
  ports?: number[];
}

/** The user a container runs as: the host user, never root (a root host user maps to FALLBACK_UID). */
export function containerUser(): { uid: number; gid: number } {
  const hostUid = process.getuid?.() ?? FALLBACK_UID;
  const hostGid = process.getgid?.() ?? FALLBACK_UID;
  return hostUid === 0 ? { uid: FALLBACK_UID, gid: FALLBACK_UID } : { uid: hostUid, gid: hostGid };
}

interface DockerStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: { cache?: number } };
}

/** Docker's CPU % formula (as `docker stats` computes it), in % of one core. */
export function cpuPercent(s: DockerStats): number {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus ?? 1;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}
