/**
 * The warm pool: started containers kept ready per (repository, image, limits, runtime, network,
 * caches), so a Docker create skips creating and starting a container.
 *
 * A container's mounts are fixed when it is created, and a session's container mounts its worktree and
 * its repository's git metadata. So a pooled container is made on a *slot*: a worktree added detached
 * with nothing checked out, in the repository's worktrees folder, mounted exactly as a session's would
 * be. Its first process (under docker-init) is a small launcher that waits on the TTY. A create
 * reserves a slot (the session's worktree becomes the slot's path), checks its branch out there, then
 * attaches and sends the launcher a script that `exec`s the agent: the container's main process
 * becomes the agent, so exit, stop and adoption after a restart work as for a cold container.
 *
 * Bind mode only: a volume-mode session copies its worktree in before start, which a pool can't do
 * ahead of time. Pool containers are labelled `berth.kind=pool`; leftovers from an earlier run are
 * removed at start.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { DockerSettings, WarmPoolDto } from '../../../src-shared/docker.js';
import type { Disposable } from '../../../src-shared/lifecycle.js';
import { git } from '../../git/git.js';
import { inRepoQueue } from '../../git/repo-queue.js';
import type { StartSpec } from '../backend.js';
import { removeRefCell, worktreeCell } from './branch-refs.js';
import { LABEL_INSTANCE, LABEL_KIND, LABEL_POOL, LABEL_WORKTREE } from './labels.js';

type DockerStartOptions = NonNullable<StartSpec['docker']>;

/** Label with the repository a pool container's slot worktree belongs to (to remove it later). */
export const LABEL_REPO = 'berth.repo';

/** Pools kept at once (distinct repository + options); the least recently used goes beyond this. */
const MAX_POOLS = 4;

/** Exit code of the launcher when the image has no `stty` (the pool can't hand it a script safely). */
const NO_STTY_EXIT = 86;

/**
 * The pooled container's first process. It puts the TTY in raw mode without echo (so the script it is
 * sent is neither shown nor cut at the line discipline's 4 KiB limit), reads a terminator line, then
 * the script up to that terminator, restores the TTY and runs the script, which ends in `exec`.
 */
export const LAUNCHER = [
  `command -v stty >/dev/null 2>&1 || exit ${NO_STTY_EXIT}`,
  'saved=$(stty -g); stty raw -echo',
  'IFS= read -r end',
  'script=',
  'while IFS= read -r line; do [ "$line" = "$end" ] && break; script="$script$line',
  '"; done',
  'stty "$saved"',
  'eval "$script"',
].join('\n');

/** A ready container and the slot worktree it was made on. */
export interface WarmSlot {
  containerId: string;
  worktree: string;
  repoPath: string;
  key: string;
}

interface Pool {
  key: string;
  repoPath: string;
  options: DockerStartOptions;
  ready: WarmSlot[];
  starting: number;
  lastError: string | null;
  lastUsed: number;
}

export interface WarmPoolDeps {
  docker(): Promise<{ ok: true; value: Docker } | { ok: false }>;
  settings(): DockerSettings;
  instanceId: string;
  /** Where slot worktrees of a repository go (its worktrees folder). */
  slotsDir(repoPath: string): string;
  /** Runs pool work in the background: awaited at shutdown, its failure logged and counted (default: failures ignored). */
  background?(work: Promise<unknown>): void;
  /** Creates (does not start) a pool container on a slot worktree, made like a session's. */
  createContainer(input: { name: string; cwd: string; command: string[]; options: DockerStartOptions; labels: Record<string, string> }): Promise<
    { ok: true; value: { container: Docker.Container } } | { ok: false; error: { message: string } }
  >;
  /** Removes the contained network a removed pool container used (given its NetworkMode). */
  releaseNetwork(networkMode: string | undefined): Promise<void>;
}

/** The key a pool is kept under: everything a container is created with but the session. */
export function poolKey(repoPath: string, o: DockerStartOptions): string {
  const { image, runtime, caches, limits, volumeMode } = o.info;
  return JSON.stringify([repoPath, image, runtime, [...caches].sort(), limits.cpus, limits.memoryMb, limits.pids, volumeMode, o.info.networkMode]);
}

/** The script a claimed container's launcher runs: the session's environment, then `exec` the agent. */
export function launchScript(workdir: string, command: string[], env: Record<string, string>): { terminator: string; text: string } {
  const terminator = `#berth-${crypto.randomBytes(8).toString('hex')}`;
  const lines = [
    ...Object.entries(env)
      .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      .map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `cd ${shellQuote(workdir)} || exit 1`,
    `exec ${command.map(shellQuote).join(' ')}`,
  ];
  return { terminator, text: `${terminator}\n${lines.join('\n')}\n${terminator}\n` };
}

/** POSIX single-quoting: safe for any bytes, newlines included. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export class WarmPool implements Disposable {
  private readonly pools = new Map<string, Pool>();
  private readonly reserved = new Map<string, WarmSlot>();
  /** Fills and drains under way (made or removed containers not yet settled). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private disposed = false;

  constructor(private readonly deps: WarmPoolDeps) {}

  /** Whether sessions with these options can come from the pool (and pools for them are kept). */
  eligible(o: DockerStartOptions): boolean {
    const s = this.deps.settings();
    return s.warmPoolSize > 0 && s.warmImages.includes(o.info.image) && o.info.volumeMode === 'bind';
  }

  /** Takes a ready slot for a session about to be created; null when none is ready. */
  reserve(sessionId: string, repoPath: string, o: DockerStartOptions): WarmSlot | null {
    if (!this.eligible(o)) return null;
    const pool = this.pools.get(poolKey(repoPath, o));
    const slot = pool?.ready.shift();
    if (!pool || !slot) return null;
    pool.lastUsed = Date.now();
    this.reserved.set(sessionId, slot);
    return slot;
  }

  /** The slot reserved for a session (at its start), removed from the reservations. */
  take(sessionId: string): WarmSlot | undefined {
    const slot = this.reserved.get(sessionId);
    this.reserved.delete(sessionId);
    return slot;
  }

  /** A reservation the session won't use (it failed or was deleted before starting): its container goes. */
  async release(sessionId: string): Promise<void> {
    const slot = this.take(sessionId);
    if (slot) await this.removeContainer(slot.containerId);
  }

  /** Keeps the pool for this repository and options at its target size, in the background. */
  ensure(repoPath: string, o: DockerStartOptions): void {
    if (this.disposed || !this.eligible(o)) return;
    const key = poolKey(repoPath, o);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { key, repoPath, options: o, ready: [], starting: 0, lastError: null, lastUsed: Date.now() };
      this.pools.set(key, pool);
      this.evictBeyondLimit();
    }
    this.run(this.fill(pool));
  }

  /** Settings changed: pools that are no longer wanted drain, the rest fill or shrink to the new size. */
  resize(): void {
    for (const pool of [...this.pools.values()]) {
      if (!this.eligible(pool.options)) {
        this.pools.delete(pool.key);
        this.run(this.drain(pool.ready.splice(0)));
        continue;
      }
      const extra = pool.ready.length - this.deps.settings().warmPoolSize;
      if (extra > 0) this.run(this.drain(pool.ready.splice(0, extra)));
      else this.run(this.fill(pool));
    }
  }

  /** Pool state per image, for Settings and `berth docker info`. */
  status(): WarmPoolDto[] {
    const byImage = new Map<string, WarmPoolDto>();
    const target = this.deps.settings().warmPoolSize;
    for (const image of this.deps.settings().warmImages) byImage.set(image, { image, ready: 0, starting: 0, target, lastError: null });
    for (const pool of this.pools.values()) {
      const image = pool.options.info.image;
      const dto = byImage.get(image) ?? { image, ready: 0, starting: 0, target, lastError: null };
      dto.ready += pool.ready.length;
      dto.starting += pool.starting;
      dto.lastError = pool.lastError ?? dto.lastError;
      byImage.set(image, dto);
    }
    return [...byImage.values()];
  }

  /** Removes pool containers (and their slot worktrees) left by an earlier run of this instance. */
  async removeLeftovers(): Promise<void> {
    const docker = await this.deps.docker();
    if (!docker.ok) return;
    const leftovers = await docker.value
      .listContainers({ all: true, filters: { label: [`${LABEL_KIND}=pool`, `${LABEL_INSTANCE}=${this.deps.instanceId}`] } })
      .catch(() => [] as Docker.ContainerInfo[]);
    await Promise.all(leftovers.map((c) => this.removeContainer(c.Id, c.Labels, c.HostConfig?.NetworkMode)));
  }

  /** Removes the ready containers; reserved ones belong to sessions being created and stay. */
  async close(): Promise<void> {
    this.disposed = true;
    const slots = [...this.pools.values()].flatMap((p) => p.ready.splice(0));
    this.pools.clear();
    await this.drain(slots);
  }

  dispose(): void {
    this.run(this.close());
  }

  /**
   * Resolves once no fill or drain is under way (after `resize()` to an empty pool: every pool
   * container is gone, including one that was being made when the pool was emptied).
   */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Pool work nobody awaits: handed to the owner's background runner, and tracked for `settled()`. */
  private run(work: Promise<unknown>): void {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    if (this.deps.background) this.deps.background(work);
    else work.catch(() => undefined);
  }

  private evictBeyondLimit(): void {
    while (this.pools.size > MAX_POOLS) {
      const oldest = [...this.pools.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0]!;
      this.pools.delete(oldest.key);
      this.run(this.drain(oldest.ready.splice(0)));
    }
  }

  private async fill(pool: Pool): Promise<void> {
    while (!this.disposed && this.pools.get(pool.key) === pool && pool.ready.length + pool.starting < this.deps.settings().warmPoolSize) {
      pool.starting++;
      let slot: WarmSlot | string;
      try {
        slot = await this.makeSlot(pool);
      } catch (e) {
        slot = (e as Error).message;
      } finally {
        pool.starting--;
      }
      if (typeof slot === 'string') {
        // Don't spin on a failure (image gone, engine down): the next create tries again.
        pool.lastError = slot;
        return;
      }
      pool.lastError = null;
      if (this.disposed || this.pools.get(pool.key) !== pool) await this.removeContainer(slot.containerId);
      else pool.ready.push(slot);
    }
  }

  /** One ready container: a slot worktree, a container made on it, started; or why it failed. */
  private async makeSlot(pool: Pool): Promise<WarmSlot | string> {
    const id = crypto.randomBytes(4).toString('hex');
    const worktree = path.join(this.deps.slotsDir(pool.repoPath), `warm-${id}`);
    fs.mkdirSync(path.dirname(worktree), { recursive: true });
    const added = await inRepoQueue(pool.repoPath, () => git(pool.repoPath, ['worktree', 'add', '--quiet', '--detach', '--no-checkout', worktree, 'HEAD']));
    if (!added.ok) return `cannot add a worktree for the warm pool: ${added.error.message}`;
    const made = await this.deps.createContainer({
      name: `berth-warm-${id}`,
      cwd: worktree,
      command: ['/bin/sh', '-c', LAUNCHER],
      options: pool.options,
      labels: { [LABEL_POOL]: pool.key, [LABEL_REPO]: pool.repoPath },
    });
    if (!made.ok) {
      await removeSlotWorktree(pool.repoPath, worktree);
      return made.error.message;
    }
    const container = made.value.container;
    try {
      await container.start();
      const state = (await container.inspect()).State;
      if (!state.Running) throw new Error(state.ExitCode === NO_STTY_EXIT ? `image ${pool.options.info.image} has no stty, which the warm pool needs` : `exited at once (code ${state.ExitCode})`);
    } catch (e) {
      await this.removeContainer(container.id, { [LABEL_WORKTREE]: worktree, [LABEL_REPO]: pool.repoPath });
      return `cannot start a warm container: ${(e as Error).message}`;
    }
    return { containerId: container.id, worktree, repoPath: pool.repoPath, key: pool.key };
  }

  private async drain(slots: WarmSlot[]): Promise<void> {
    await Promise.all(slots.map((s) => this.removeContainer(s.containerId, { [LABEL_WORKTREE]: s.worktree, [LABEL_REPO]: s.repoPath })));
  }

  /** Removes a pool container, its contained network and, when its labels say so, its slot worktree. */
  private async removeContainer(containerId: string, labels?: Record<string, string>, networkMode?: string): Promise<void> {
    const docker = await this.deps.docker();
    if (docker.ok) {
      const container = docker.value.getContainer(containerId);
      const mode = networkMode ?? (await container.inspect().catch(() => null))?.HostConfig.NetworkMode;
      await container.remove({ force: true }).catch(() => undefined);
      await this.deps.releaseNetwork(mode);
    }
    const worktree = labels?.[LABEL_WORKTREE];
    const repo = labels?.[LABEL_REPO];
    if (worktree && repo) await removeSlotWorktree(repo, worktree);
  }
}

/** Removes an unclaimed slot's worktree (nothing of the user's is in it: nothing was checked out) and its ref cell. */
async function removeSlotWorktree(repoPath: string, worktree: string): Promise<void> {
  const cell = worktreeCell(worktree);
  if (cell) await removeRefCell(cell);
  await inRepoQueue(repoPath, async () => {
    await git(repoPath, ['worktree', 'remove', '--force', '--force', worktree]);
    fs.rmSync(worktree, { recursive: true, force: true });
    await git(repoPath, ['worktree', 'prune']);
  });
}
