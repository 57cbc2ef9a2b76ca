/**
 * Live git status of every live session whose worktree is on the host: ahead / behind its base branch,
 * uncommitted changes, the number of changed files, and overlaps (two sessions of one repository
 * changing the same file). Shown on session cards and in `berth list`.
 *
 * Driven by file-system events, never by polling each session: the worktree's folders and its git dir
 * (index, HEAD) are watched per session, and the repository's refs folders once per repository (a
 * commit on the base branch in the main checkout refreshes every session based on it). Events are
 * coalesced (a refresh starts at least DEBOUNCE_MS after the first event and at most once per
 * MIN_INTERVAL_MS per session), and all git calls of one repository run one at a time (GitLanes).
 * The only timer is a slow safety rescan, one per repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LIVE_STATES, type SessionDto, type SessionGitDto } from '../../src-shared/dto.js';
import { DisposableStore, toDisposable, type Disposable, type Event } from '../../src-shared/lifecycle.js';
import { ignoreBackgroundErrors, type BackgroundErrorSink } from '../metrics/faults.js';
import { DirWatcher } from './dir-watcher.js';
import { GitLanes } from './git-lanes.js';
import { gitDirsOf, ignoredDirs, readWorktreeStatus, resolveBaseRef, type WorktreeStatus } from './worktree-status.js';

/** Quiet time after a change before the refresh: an agent writing several files triggers one refresh. */
const DEBOUNCE_MS = 300;
/** At most one refresh per session this often, however busy its worktree is. */
const MIN_INTERVAL_MS = 1_000;
/** Safety rescan of every session of a repository, in case an event was missed (one timer per repository). */
const RESCAN_MS = 5 * 60_000;
/** Folders watched per worktree at most (inotify watches are a per-user system resource). */
const MAX_DIRS_PER_WORKTREE = 1_000;
/** Files named per overlap at most (the DTO stays small when two sessions rewrite a whole tree). */
const MAX_OVERLAP_FILES = 100;

/** The part of the session service the tracker follows and updates. */
export interface TrackedSessions {
  readonly onDidUpdate: Event<SessionDto>;
  readonly onDidRemove: Event<string>;
  liveSessions(): SessionDto[];
  /** Sets the computed git status on the session (not stored) and announces it. */
  setGit(id: string, git: SessionGitDto | null): void;
}

export interface GitStatusTrackerOptions {
  onError?: BackgroundErrorSink;
  timing?: { debounceMs?: number; minIntervalMs?: number; rescanMs?: number };
}

interface Tracked {
  session: SessionDto;
  readonly store: DisposableStore;
  timer: NodeJS.Timeout | null;
  running: boolean;
  again: boolean;
  lastRun: number;
  status: WorktreeStatus | null;
  /** The base as a full ref (`refs/heads/main`), resolved when tracking starts. */
  baseRef: string;
  watcher: DirWatcher | null;
  /** What was last set on the session, as JSON (nothing is announced when it didn't change). */
  shown: string;
}

interface RepoTrack {
  readonly sessions: Set<string>;
  readonly store: DisposableStore;
  commonDir: string | null;
  readonly refDirs: Set<string>;
}

export class GitStatusTracker implements Disposable {
  /** The per-repository lanes (tests read `maxConcurrent`). */
  readonly lanes = new GitLanes();
  private readonly store = new DisposableStore('git-status-tracker');
  private readonly tracked = new Map<string, Tracked>();
  private readonly repos = new Map<string, RepoTrack>();
  private readonly abort = new AbortController();
  private readonly debounceMs: number;
  private readonly minIntervalMs: number;
  private readonly rescanMs: number;
  private readonly onError: BackgroundErrorSink;

  constructor(
    private readonly sessions: TrackedSessions,
    options: GitStatusTrackerOptions = {},
  ) {
    this.debounceMs = options.timing?.debounceMs ?? DEBOUNCE_MS;
    this.minIntervalMs = options.timing?.minIntervalMs ?? MIN_INTERVAL_MS;
    this.rescanMs = options.timing?.rescanMs ?? RESCAN_MS;
    this.onError = options.onError ?? ignoreBackgroundErrors;
    this.store.add(sessions.onDidUpdate((s) => this.consider(s)));
    this.store.add(sessions.onDidRemove((id) => this.untrack(id, false)));
    for (const s of sessions.liveSessions()) this.consider(s);
  }

  /** Folders watched now across sessions (for tests and diagnostics). */
  get watchedDirs(): number {
    let n = 0;
    for (const t of this.tracked.values()) n += t.watcher?.size ?? 0;
    return n;
  }

  dispose(): void {
    this.abort.abort();
    for (const id of [...this.tracked.keys()]) this.untrack(id, false);
    this.store.dispose();
  }

  /** Starts or stops tracking a session as its state and worktree allow. */
  private consider(s: SessionDto): void {
    if (this.store.isDisposed) return;
    const t = this.tracked.get(s.id);
    const live = LIVE_STATES.includes(s.state) && !s.archived;
    if (t) {
      t.session = s;
      if (!live) this.untrack(s.id, true);
      return;
    }
    if (live && fs.existsSync(s.worktreePath)) this.track(s);
  }

  private track(s: SessionDto): void {
    const t: Tracked = { session: s, store: new DisposableStore(`git-status ${s.name}`), timer: null, running: false, again: false, lastRun: 0, status: null, baseRef: `refs/heads/${s.baseBranch}`, watcher: null, shown: 'null' };
    this.tracked.set(s.id, t);
    t.store.add(toDisposable(() => t.timer && clearTimeout(t.timer)));
    const repo = this.repoTrack(s.repoPath);
    repo.sessions.add(s.id);
    void this.startWatching(t, repo).catch((e: unknown) => this.onError('git-status', e));
  }

  private async startWatching(t: Tracked, repo: RepoTrack): Promise<void> {
    const s = t.session;
    const signal = this.abort.signal;
    const dirs = await gitDirsOf(this.lanes, s, signal);
    t.baseRef = await resolveBaseRef(this.lanes, s, signal);
    if (t.store.isDisposed) return;
    if (dirs.ok) {
      if (repo.commonDir === null) repo.commonDir = dirs.value.commonDir;
      this.watchRefs(repo, t);
    }
    const watcher = (t.watcher = t.store.add(
      new DirWatcher({
        root: s.worktreePath,
        maxDirs: MAX_DIRS_PER_WORKTREE,
        extraDirs: dirs.ok ? [dirs.value.gitDir] : [],
        onChange: () => this.schedule(t),
        ignored: async (rel) => {
          const r = await ignoredDirs(this.lanes, t.session, rel, signal);
          return r.ok ? r.value : new Set();
        },
      }),
    ));
    await watcher.start();
    if (!t.store.isDisposed) void this.refresh(t);
  }

  /** The repository's shared state, made with its first session. */
  private repoTrack(repoPath: string): RepoTrack {
    let repo = this.repos.get(repoPath);
    if (repo) return repo;
    repo = { sessions: new Set(), store: new DisposableStore(`git-status repo ${path.basename(repoPath)}`), commonDir: null, refDirs: new Set() };
    this.repos.set(repoPath, repo);
    const r = repo;
    const rescan = setInterval(() => {
      for (const id of r.sessions) {
        const t = this.tracked.get(id);
        if (t) this.schedule(t);
      }
    }, this.rescanMs);
    rescan.unref();
    repo.store.add(toDisposable(() => clearInterval(rescan)));
    return repo;
  }

  /**
   * Watches the folders holding the session's branch ref and its base branch's ref, and the common
   * dir (packed-refs): a ref moving refreshes the sessions it concerns.
   */
  private watchRefs(repo: RepoTrack, t: Tracked): void {
    const common = repo.commonDir!;
    const heads = path.join(common, 'refs', 'heads');
    const folders = [common, heads, path.dirname(path.join(heads, t.session.branch))];
    if (t.baseRef.startsWith('refs/')) folders.push(path.dirname(path.join(common, t.baseRef)));
    for (const dir of folders) {
      if (repo.refDirs.has(dir)) continue;
      let w: fs.FSWatcher;
      try {
        w = fs.watch(dir, { persistent: false }, (_e, filename) => this.onRefEvent(repo, dir, filename?.toString() ?? null));
      } catch {
        continue; // no such folder (every ref packed): packed-refs in the common dir covers it
      }
      w.on('error', () => w.close());
      repo.refDirs.add(dir);
      repo.store.add(toDisposable(() => w.close()));
    }
  }

  private onRefEvent(repo: RepoTrack, dir: string, filename: string | null): void {
    const common = repo.commonDir!;
    const all = () => {
      for (const id of repo.sessions) {
        const t = this.tracked.get(id);
        if (t) this.schedule(t);
      }
    };
    if (filename === null) return all();
    if (dir === common) {
      if (filename === 'packed-refs') all();
      return;
    }
    const rel = path.relative(common, path.join(dir, filename)).split(path.sep).join('/');
    const ref = rel.endsWith('.lock') ? rel.slice(0, -'.lock'.length) : rel;
    for (const id of repo.sessions) {
      const t = this.tracked.get(id);
      if (t && (`refs/heads/${t.session.branch}` === ref || t.baseRef === ref)) this.schedule(t);
    }
  }

  /** A refresh soon: coalesces bursts of events, and keeps each session to one refresh per interval. */
  private schedule(t: Tracked): void {
    if (t.store.isDisposed || t.timer) return;
    if (t.running) {
      t.again = true;
      return;
    }
    const wait = Math.max(this.debounceMs, t.lastRun + this.minIntervalMs - Date.now());
    t.timer = setTimeout(() => {
      t.timer = null;
      void this.refresh(t);
    }, wait);
  }

  private async refresh(t: Tracked): Promise<void> {
    if (t.running || t.store.isDisposed) return;
    t.running = true;
    t.lastRun = Date.now();
    const r = await readWorktreeStatus(this.lanes, t.session, t.baseRef, this.abort.signal).catch((e: unknown) => {
      this.onError('git-status', e);
      return null;
    });
    t.running = false;
    if (t.store.isDisposed) return;
    // git can't tell (the base branch was deleted, the worktree is gone): nothing is shown rather than a guess.
    t.status = r?.ok ? r.value : null;
    this.publish(t.session.repoPath);
    if (t.again) {
      t.again = false;
      this.schedule(t);
    }
  }

  /** Computes every tracked session of the repository's status with overlaps; announces what changed. */
  private publish(repoPath: string): void {
    const repo = this.repos.get(repoPath);
    if (!repo) return;
    const members = [...repo.sessions].flatMap((id) => {
      const t = this.tracked.get(id);
      return t ? [t] : [];
    });
    for (const t of members) {
      let git: SessionGitDto | null = null;
      if (t.status) {
        const overlaps: SessionGitDto['overlaps'] = [];
        for (const o of members) {
          if (o === t || !o.status) continue;
          const files = [...t.status.paths].filter((p) => o.status!.paths.has(p)).sort();
          if (files.length > 0) overlaps.push({ sessionId: o.session.id, name: o.session.name, files: files.slice(0, MAX_OVERLAP_FILES) });
        }
        overlaps.sort((a, b) => a.name.localeCompare(b.name));
        const { ahead, behind, dirty, paths } = t.status;
        git = { ahead, behind, dirty, changedFiles: paths.size, overlaps };
      }
      this.show(t, git);
    }
  }

  private show(t: Tracked, git: SessionGitDto | null): void {
    const json = JSON.stringify(git);
    if (json === t.shown) return;
    t.shown = json;
    this.sessions.setGit(t.session.id, git);
  }

  /** Stops tracking: watchers closed, timers cleared; the others of its repository lose their overlap with it. */
  private untrack(id: string, clear: boolean): void {
    const t = this.tracked.get(id);
    if (!t) return;
    this.tracked.delete(id);
    t.store.dispose();
    if (clear && !this.store.isDisposed) this.show(t, null);
    const repoPath = t.session.repoPath;
    const repo = this.repos.get(repoPath);
    if (!repo) return;
    repo.sessions.delete(id);
    if (repo.sessions.size === 0) {
      repo.store.dispose();
      this.repos.delete(repoPath);
    } else if (!this.store.isDisposed) {
      this.publish(repoPath);
    }
  }
}
