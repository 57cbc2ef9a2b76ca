/**
 * Ready worktrees: per repository, a few worktrees made ahead of time — checked out at the base branch's
 * head, `.worktreeinclude` copied, the setup command run — so a create claims one instead of waiting for
 * `git worktree add` and an `npm install`.
 *
 * A claim renames the slot into the session's place (`git worktree move`), creates the session branch
 * there, and only if the base moved since brings it forward (the checkout of the new head), re-running
 * setup when a file it depends on changed (`ready.refreshOn`, by default the usual lockfiles and
 * `.berth.json`). Refills run in the background, one slot at a time for the whole orchestrator, off
 * every create's path. Slots live in `<repo worktrees>/.ready/` with a JSON record each, so they are
 * found again after a restart.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ReadyStatusDto } from '../../src-shared/berth-config.js';
import type { SetupLogDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { inBackground, type BackgroundErrorSink } from '../metrics/faults.js';
import { git } from './git.js';
import type { ProjectConfig } from './project-config.js';
import { outputTail, runProjectScript, SETUP_TIMEOUT_MS } from './project-scripts.js';
import { diskUsage } from './prune.js';
import { inRepoQueue } from './repo-queue.js';
import { copyWorktreeIncludes } from './worktree-include.js';

/** Folder under a repository's worktrees folder that holds its ready slots. */
export const READY_DIR = '.ready';
/** The session name a slot's setup sees (`BERTH_SESSION_NAME`) before it belongs to a session. */
const SLOT_SESSION_NAME = 'ready';

/** A ready worktree, as recorded beside it. */
export interface ReadySlot {
  id: string;
  repo: string;
  baseBranch: string;
  /** The commit it is checked out at. */
  commit: string;
  dir: string;
  /** Its setup's log; null when the repository has no setup command. */
  setup: SetupLogDto | null;
  madeAt: number;
  /** Disk it used when it was made (checkout, includes, what setup installed), in bytes. */
  bytes: number;
}

/** What a claim did, for the session's create phases and setup log. */
export interface Claimed {
  slot: ReadySlot;
  /** The base moved since the slot was made: it was brought forward. */
  broughtForward: boolean;
  /** Files `refreshOn` names changed on the way: the caller re-runs setup. */
  setupStale: boolean;
}

export interface ReadyWorktreesDeps {
  /** The folder of `repo`'s worktrees (the slots go in its READY_DIR). */
  worktreesDir(repo: string): string;
  /** Where background failures are logged and counted. */
  onBackgroundError: BackgroundErrorSink;
}

/** Files whose change makes a slot's setup stale when `ready.refreshOn` is not given. */
export const DEFAULT_REFRESH_ON = [
  '.berth.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'Gemfile.lock',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'Cargo.lock',
  'go.sum',
  'composer.lock',
];

interface RepoPool {
  repo: string;
  baseBranch: string;
  config: ProjectConfig;
  slots: ReadySlot[];
  lastError: string | null;
}

export class ReadyWorktrees {
  private readonly pools = new Map<string, RepoPool>();
  /** One slot is made at a time across all repositories: the refill's CPU and disk stay bounded. */
  private fillChain: Promise<void> = Promise.resolve();
  private filling = new Set<string>();
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly deps: ReadyWorktreesDeps) {}

  private slotsDir(repo: string): string {
    return path.join(this.deps.worktreesDir(repo), READY_DIR);
  }

  /**
   * The pool of `repo`, made (with the slots an earlier run left, found on disk) when there is none or
   * when it was for another base branch (the old one's slots are removed).
   */
  private poolFor(repo: string, baseBranch: string, config: ProjectConfig): RepoPool {
    const key = path.resolve(repo);
    let pool = this.pools.get(key);
    if (!pool || pool.baseBranch !== baseBranch) {
      const old = pool;
      pool = { repo: key, baseBranch, config, slots: this.adopt(key, baseBranch), lastError: null };
      this.pools.set(key, pool);
      if (old) for (const s of old.slots.splice(0)) inBackground('ready-drain', this.removeSlot(s), this.deps.onBackgroundError);
    }
    pool.config = config;
    return pool;
  }

  /**
   * Takes a ready slot of `repo` made from `baseBranch`, moves it to `dir` and creates `branch` there at
   * the base's current head. Null when there is none (the caller adds a worktree the usual way); an error
   * only when a slot was taken and could not be made the session's (the slot is removed, nothing else changed).
   */
  async claim(repo: string, baseBranch: string, dir: string, branch: string, config: ProjectConfig): Promise<Result<Claimed | null>> {
    const pool = this.poolFor(repo, baseBranch, config);
    const slot = pool.slots.shift();
    if (!slot) return ok(null);
    fs.rmSync(this.recordFile(slot), { force: true });
    const claimed = await inRepoQueue(repo, async (): Promise<Result<Claimed>> => {
      const head = await git(repo, ['rev-parse', '--verify', '--quiet', `${baseBranch}^{commit}`]);
      if (!head.ok) return err('bad_request', `base branch "${baseBranch}" does not exist in ${repo}`);
      const commit = head.value.stdout.trim();
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      const moved = await git(repo, ['worktree', 'move', slot.dir, dir]);
      if (!moved.ok) return moved;
      if (commit === slot.commit) {
        // Nothing to check out: the branch is made at the slot's commit and HEAD pointed at it, without
        // the index refresh a `checkout -b` does over every file.
        const made = await git(repo, ['update-ref', `refs/heads/${branch}`, commit, '']);
        if (!made.ok) return made;
        const head = await git(dir, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
        if (!head.ok) return head;
      } else {
        const checkout = await git(dir, ['checkout', '--quiet', '-b', branch, commit]);
        if (!checkout.ok) return checkout;
      }
      let setupStale = false;
      if (commit !== slot.commit) {
        const changed = await git(repo, ['diff', '--name-only', '-z', slot.commit, commit, '--', ...refreshOn(pool.config)]);
        setupStale = !changed.ok || changed.value.stdout.length > 0;
      }
      return ok({ slot: { ...slot, dir }, broughtForward: commit !== slot.commit, setupStale });
    });
    if (!claimed.ok) {
      await this.removeSlotDir(repo, fs.existsSync(dir) ? dir : slot.dir);
      return claimed;
    }
    return claimed;
  }

  /**
   * Keeps `config.ready.count` slots of `repo` at `baseBranch` (a later call with another base branch
   * replaces the pool). Runs in the background; returns at once.
   */
  refill(repo: string, baseBranch: string, config: ProjectConfig): void {
    if (this.closed) return;
    const key = path.resolve(repo);
    const pool = this.poolFor(repo, baseBranch, config);
    const wanted = config.ready.count;
    while (pool.slots.length > wanted) {
      const extra = pool.slots.pop()!;
      inBackground('ready-drain', this.removeSlot(extra), this.deps.onBackgroundError);
    }
    if (pool.slots.length >= wanted || this.filling.has(key)) return;
    this.filling.add(key);
    const target = pool;
    const run = this.fillChain.then(() => this.fill(target));
    this.fillChain = run.catch(() => undefined);
    inBackground('ready-refill', run.finally(() => this.filling.delete(key)), this.deps.onBackgroundError);
  }

  /** Per repository: how many slots are wanted and ready, and their disk use. */
  status(): ReadyStatusDto[] {
    return [...this.pools.values()].map((p) => ({
      repo: p.repo,
      wanted: p.config.ready.count,
      ready: p.slots.length,
      filling: this.filling.has(p.repo),
      bytes: p.slots.reduce((sum, s) => sum + (s.bytes ?? 0), 0),
      lastError: p.lastError,
    }));
  }

  /** Waits for the refills queued so far (tests, bench). */
  async settled(): Promise<void> {
    let chain: Promise<void>;
    do {
      chain = this.fillChain;
      await chain;
    } while (chain !== this.fillChain);
  }

  /** Stops refilling; ready slots stay on disk for the next start. A setup in progress is stopped and its slot removed. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.fillChain;
  }

  private async fill(pool: RepoPool): Promise<void> {
    while (!this.closed && this.pools.get(pool.repo) === pool && pool.slots.length < pool.config.ready.count) {
      const made = await this.makeSlot(pool);
      if (!made.ok) {
        pool.lastError = made.error.message;
        return;
      }
      pool.lastError = null;
      if (this.closed || this.pools.get(pool.repo) !== pool) return void (await this.removeSlot(made.value));
      pool.slots.push(made.value);
    }
  }

  private async makeSlot(pool: RepoPool): Promise<Result<ReadySlot>> {
    const id = crypto.randomBytes(6).toString('hex');
    const dir = path.join(this.slotsDir(pool.repo), id);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const head = await git(pool.repo, ['rev-parse', '--verify', '--quiet', `${pool.baseBranch}^{commit}`]);
    if (!head.ok) return err('bad_request', `base branch "${pool.baseBranch}" does not exist in ${pool.repo}`);
    const commit = head.value.stdout.trim();
    const added = await inRepoQueue(pool.repo, () => git(pool.repo, ['worktree', 'add', '--quiet', '--detach', dir, commit]));
    if (!added.ok) return added;
    const slot: ReadySlot = { id, repo: pool.repo, baseBranch: pool.baseBranch, commit, dir, setup: null, madeAt: Date.now(), bytes: 0 };
    const copied = await copyWorktreeIncludes(pool.repo, dir, this.abort.signal);
    if (!copied.ok) {
      await this.removeSlot(slot);
      return copied;
    }
    const command = pool.config.setup;
    if (command) {
      const startedAt = Date.now();
      const target = { root: pool.repo, worktree: dir, sessionName: SLOT_SESSION_NAME, baseBranch: pool.baseBranch };
      const run = await runProjectScript(command, pool.config, target, SETUP_TIMEOUT_MS, this.abort.signal);
      slot.setup = { source: pool.config.source, command, status: run.ok ? 'succeeded' : 'failed', exitCode: run.exitCode, failure: run.failure, startedAt, ms: run.ms, output: run.output };
      if (!run.ok) {
        await this.removeSlot(slot);
        return err('spawn_failed', `setup (${pool.config.source}) of a ready worktree failed: ${run.failure}; its output ended with:\n${outputTail(run.output)}`);
      }
    }
    // Measured once, here: status() is asked often and a slot's node_modules can hold many files.
    slot.bytes = await diskUsage(dir);
    fs.writeFileSync(this.recordFile(slot), JSON.stringify(slot));
    return ok(slot);
  }

  private recordFile(slot: Pick<ReadySlot, 'dir'>): string {
    return `${slot.dir}.json`;
  }

  /** Slots an earlier run left for `repo` at `baseBranch` (records whose worktree is still git's); the rest are removed. */
  private adopt(repo: string, baseBranch: string): ReadySlot[] {
    const dir = this.slotsDir(repo);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    const adopted: ReadySlot[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      let slot: ReadySlot | null = null;
      try {
        slot = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as ReadySlot;
      } catch {
        slot = null;
      }
      const usable = slot && slot.repo === repo && slot.dir === path.join(dir, name.slice(0, -'.json'.length)) && fs.existsSync(path.join(slot.dir, '.git'));
      if (usable && slot!.baseBranch === baseBranch) adopted.push(slot!);
      else {
        fs.rmSync(path.join(dir, name), { force: true });
        if (slot && usable) inBackground('ready-drain', this.removeSlot(slot), this.deps.onBackgroundError);
      }
    }
    return adopted;
  }

  private async removeSlot(slot: ReadySlot): Promise<void> {
    fs.rmSync(this.recordFile(slot), { force: true });
    await this.removeSlotDir(slot.repo, slot.dir);
  }

  private async removeSlotDir(repo: string, dir: string): Promise<void> {
    await inRepoQueue(repo, async () => {
      await git(repo, ['worktree', 'remove', '--force', '--force', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
      await git(repo, ['worktree', 'prune']);
    });
  }
}

/** The files whose change makes a slot's setup stale. */
function refreshOn(config: ProjectConfig): string[] {
  return config.ready.refreshOn ?? DEFAULT_REFRESH_ON;
}
