/**
 * The Docker backend: each session's agent runs in its own hardened container, attached through one
 * long-lived TTY stream. Everything it makes is labelled with the session id, so after a restart the
 * reconciler adopts running containers instead of losing them.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import type { CacheType, DockerSettings } from '../../../src-shared/docker.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import type { ImageProgressDto } from '../../../src-shared/docker.js';
import { SESSION_LABEL_ENV, type IBackend, type InstanceInfo, type ITerminalProcess, type StartSpec } from '../backend.js';
import { buildContainerSpec, CACHE_MOUNTS, FALLBACK_UID, gitWritablePaths, WORKSPACE } from './container-spec.js';
import { DockerProcess } from './docker-process.js';
import { DockerEngine } from './engine.js';
import { ensureImage } from './images.js';
import { LABEL_CACHE, LABEL_INSTANCE, LABEL_KIND, LABEL_SESSION, LABEL_WORKTREE } from './labels.js';
import { chownMountPoints, copyIn, copyOut, createWorkspaceVolume, workspaceVolumeName } from './workspace-volume.js';
import { Semaphore } from './semaphore.js';

const execFileAsync = promisify(execFile);

/** Engine calls in flight at once when many sessions are created together. */
const MAX_CONCURRENT_CREATES = 4;

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
  private readonly creates = new Semaphore(MAX_CONCURRENT_CREATES);

  constructor(
    private readonly settings: () => DockerSettings,
    instanceId: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.engine = new DockerEngine(() => ({ endpoint: settings().endpoint, tlsCertPath: settings().tlsCertPath }), env);
    this.instanceId = instanceId;
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
    return this.creates.run(async () => {
      const r = await ensureImage(docker.value, options.info.image, options.pullPolicy, onProgress, signal);
      return r.ok ? ok() : r;
    });
  }

  /**
   * Pulls the images the user keeps warm, when missing (at start-up, in the background, never on a
   * create's critical path). Returns what could not be pulled.
   */
  async prepull(images: readonly string[]): Promise<{ image: string; error: string }[]> {
    // Nothing to pull: don't even load the Docker client (it costs start-up time and memory).
    if (images.length === 0) return [];
    const docker = await this.engine.docker();
    if (!docker.ok) return [];
    if (!(await this.engine.probe()).ok) return [];
    const failures: { image: string; error: string }[] = [];
    for (const image of images) {
      const r = await this.creates.run(() => ensureImage(docker.value, image, 'IfNotPresent', () => undefined));
      if (!r.ok) failures.push({ image, error: r.error.message });
    }
    return failures;
  }

  async start(spec: StartSpec): Promise<Result<ITerminalProcess>> {
    const options = spec.docker;
    if (!options) return err('bad_request', 'a Docker session needs Docker options');
    const docker = await this.engine.docker();
    if (!docker.ok) return docker;
    return this.creates.run(() => this.startContainer(docker.value, spec, options));
  }

  async inspect(known: { sessionId: string; pid: number | null }): Promise<InstanceInfo> {
    const containers = await this.listSessionContainers(known.sessionId);
    if (!containers.ok) return { sessionId: known.sessionId, alive: false, unreachable: containers.error.message };
    return { sessionId: known.sessionId, alive: containers.value.some((c) => c.State === 'running') };
  }

  async adopt(known: { sessionId: string; pid: number | null }): Promise<Result<ITerminalProcess>> {
    const docker = await this.engine.docker();
    if (!docker.ok) return docker;
    const containers = await this.listSessionContainers(known.sessionId);
    if (!containers.ok) return containers;
    const running = containers.value.find((c) => c.State === 'running');
    if (!running) return err('not_found', 'no running container for this session');
    const container = docker.value.getContainer(running.Id);
    try {
      const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      const state = (await container.inspect()).State;
      const volumeMode = running.Mounts?.some((m) => m.Destination === WORKSPACE && m.Type === 'volume') ? 'volume' : 'bind';
      const worktree = running.Labels?.[LABEL_WORKTREE] ?? null;
      return ok(new DockerProcess(container, stream, state.Pid || null, worktree ? this.afterExit(container, worktree, volumeMode) : undefined));
    } catch (e) {
      return err('backend_unavailable', `cannot attach to container ${running.Id.slice(0, 12)}: ${(e as Error).message}`);
    }
  }

  async reclaim(known: { sessionId: string; pid: number | null }): Promise<void> {
    await this.removeSessionContainers(known.sessionId);
  }

  async cleanup(sessionId: string): Promise<void> {
    await this.removeSessionContainers(sessionId);
    const docker = await this.engine.docker();
    if (docker.ok) await docker.value.getVolume(workspaceVolumeName(sessionId)).remove().catch(() => undefined);
  }

  /** Volume mode: after the agent exits, its changes are copied back to the worktree. */
  private afterExit(container: Docker.Container, worktree: string, volumeMode: string): (() => Promise<string | null>) | undefined {
    if (volumeMode !== 'volume') return undefined;
    return async () => {
      try {
        await copyOut(container, worktree);
        return null;
      } catch (e) {
        return `changes could not be copied back from the workspace volume: ${(e as Error).message}`;
      }
    };
  }

  /** Removes every container of the session. */
  async removeSessionContainers(sessionId: string): Promise<void> {
    const docker = await this.engine.docker();
    const containers = await this.listSessionContainers(sessionId);
    if (!docker.ok || !containers.ok) return;
    await Promise.all(containers.value.map((c) => docker.value.getContainer(c.Id).remove({ force: true, v: false }).catch(() => undefined)));
  }

  /** CPU % (of one core) and memory of the session's running container. */
  async stats(sessionId: string): Promise<{ cpuPercent: number; memoryBytes: number } | null> {
    const docker = await this.engine.docker();
    const containers = await this.listSessionContainers(sessionId);
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

  private async listSessionContainers(sessionId: string): Promise<Result<Docker.ContainerInfo[]>> {
    const docker = await this.engine.docker();
    if (!docker.ok) return docker;
    try {
      return ok(await docker.value.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${sessionId}`] } }));
    } catch (e) {
      const probe = await this.engine.probe();
      return err('backend_unavailable', probe.ok ? (e as Error).message : probe.error.message);
    }
  }

  private async startContainer(docker: Docker, spec: StartSpec, options: DockerStartOptions): Promise<Result<ITerminalProcess>> {
    const { info } = options;
    const hostUid = process.getuid?.() ?? FALLBACK_UID;
    const hostGid = process.getgid?.() ?? FALLBACK_UID;
    // Never root in the container: a root host user's sessions run as a dedicated uid that owns the worktree.
    const uid = hostUid === 0 ? FALLBACK_UID : hostUid;
    const gid = hostUid === 0 ? FALLBACK_UID : hostGid;
    const git = readWorktreeGit(spec.cwd);
    if (hostUid === 0) {
      const owned = [spec.cwd, ...(git ? [path.join(git.repoGitDir, 'worktrees', git.adminName)] : [])];
      await execFileAsync('chown', ['-R', `${uid}:${gid}`, ...owned]).catch(() => undefined);
    }
    const caches: { volume: string; target: string }[] = [];
    for (const type of info.caches) {
      const volume = cacheVolumeName(type);
      await docker
        .createVolume({ Name: volume, Labels: { [LABEL_KIND]: 'cache', [LABEL_CACHE]: type, [LABEL_INSTANCE]: this.instanceId } })
        .catch(() => undefined);
      for (const target of CACHE_MOUNTS[type]) caches.push({ volume, target });
    }
    // A restart gets a fresh container; the previous one (exited) goes. A first start has none.
    if (info.containerId) await this.removeSessionContainers(spec.sessionId);
    const workspaceSource = info.volumeMode === 'volume' ? await createWorkspaceVolume(docker, spec.sessionId, this.instanceId) : spec.cwd;
    const name = `berth-${spec.sessionName}-${crypto.randomBytes(3).toString('hex')}`;
    let container: Docker.Container;
    try {
      container = await docker.createContainer(
        buildContainerSpec({
          name,
          sessionId: spec.sessionId,
          instanceId: this.instanceId,
          image: info.image,
          command: spec.command,
          env: { ...spec.env, [SESSION_LABEL_ENV]: spec.sessionId },
          workspaceSource,
          worktree: spec.cwd,
          volumeMode: info.volumeMode,
          repoGitDir: git?.repoGitDir ?? null,
          gitWritable: git ? gitWritablePaths(git.repoGitDir, git.adminName).filter((p) => fs.existsSync(p)) : [],
          uid,
          gid,
          limits: info.limits,
          runtime: info.runtime,
          networkMode: options.networkMode,
          caches,
          cols: spec.cols,
          rows: spec.rows,
        }),
      );
    } catch (e) {
      return err('spawn_failed', `cannot create the container: ${(e as Error).message}`);
    }
    try {
      if (info.volumeMode === 'volume') await copyIn(container, spec.cwd, uid, gid);
      await chownMountPoints(container, caches.map((c) => c.target), uid, gid);
      const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      await container.start();
      const state = (await container.inspect()).State;
      return ok(new DockerProcess(container, stream, state.Pid || null, this.afterExit(container, spec.cwd, info.volumeMode)));
    } catch (e) {
      await container.remove({ force: true }).catch(() => undefined);
      return err('spawn_failed', `cannot start the container: ${(e as Error).message}`);
    }
  }
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

/** The main repository's .git dir and this worktree's admin name, from the worktree's `.git` file. */
export function readWorktreeGit(worktree: string): { repoGitDir: string; adminName: string } | null {
  try {
    const text = fs.readFileSync(path.join(worktree, '.git'), 'utf8');
    const m = /^gitdir: (.+)$/m.exec(text);
    if (!m) return null;
    const adminDir = path.resolve(worktree, m[1]!.trim());
    const worktreesDir = path.dirname(adminDir);
    if (path.basename(worktreesDir) !== 'worktrees') return null;
    return { repoGitDir: path.dirname(worktreesDir), adminName: path.basename(adminDir) };
  } catch {
    return null;
  }
}
