/**
 * Watches a worktree's folders for changes, one non-recursive `fs.watch` (an inotify watch) per folder:
 * Node 20 has no recursive `fs.watch` on Linux. Folders git ignores (node_modules, build output) and
 * `.git` are not entered, and at most `maxDirs` folders are watched (shallowest first), so a huge tree
 * can't exhaust the system's inotify watches; changes deeper than that are seen by the tracker's slow
 * safety rescan. New folders are watched as they appear (after asking git whether they are ignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../../src-shared/lifecycle.js';

/** Folder names never entered, whatever .gitignore says: git's own, and dependency trees. */
const ALWAYS_SKIPPED: ReadonlySet<string> = new Set(['.git', 'node_modules']);
/** How long new folders are collected before one git call asks which of them are ignored. */
const NEW_DIR_BATCH_MS = 100;

export interface DirWatcherOptions {
  /** The worktree. */
  root: string;
  /** Most folders watched (the worktree's and `extraDirs` together). */
  maxDirs: number;
  /** More folders watched as they are (a worktree's git dir: index, HEAD), not entered. */
  extraDirs?: readonly string[];
  /** Something changed (coalescing is the caller's). */
  onChange: () => void;
  /**
   * Which of these worktree-relative folders git ignores (entries end in `/`); an empty list asks about
   * the whole worktree.
   */
  ignored: (relDirs: readonly string[]) => Promise<Set<string>>;
}

export class DirWatcher implements Disposable {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private newDirs = new Set<string>();
  private batchTimer: NodeJS.Timeout | null = null;
  private disposed = false;
  /** Folders left unwatched because of `maxDirs`. */
  skipped = 0;

  constructor(private readonly options: DirWatcherOptions) {}

  /** Number of folders watched now. */
  get size(): number {
    return this.watchers.size;
  }

  /** Watches the extra folders and the worktree's tree; resolves once the first walk is done. */
  async start(): Promise<void> {
    for (const dir of this.options.extraDirs ?? []) this.watch(dir, false);
    const ignored = await this.options.ignored([]);
    await this.walk(this.options.root, ignored);
  }

  dispose(): void {
    this.disposed = true;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** Breadth-first from `top`, watching each folder not ignored, until `maxDirs`. */
  private async walk(top: string, ignored: ReadonlySet<string>): Promise<void> {
    let level = [top];
    while (level.length > 0 && !this.disposed) {
      const next: string[] = [];
      for (const dir of level) {
        if (this.disposed) return;
        if (!this.watch(dir, true)) return;
        let entries: fs.Dirent[];
        try {
          entries = await fs.promises.readdir(dir, { withFileTypes: true });
        } catch {
          continue; // removed meanwhile
        }
        for (const e of entries) {
          if (!e.isDirectory() || ALWAYS_SKIPPED.has(e.name)) continue;
          const abs = path.join(dir, e.name);
          if (ignored.has(`${this.rel(abs)}/`)) continue;
          next.push(abs);
        }
      }
      level = next;
    }
  }

  /** Starts watching `dir`; false once the budget is spent. `tree`: events may name new folders to enter. */
  private watch(dir: string, tree: boolean): boolean {
    if (this.watchers.has(dir)) return true;
    if (this.watchers.size >= this.options.maxDirs) {
      this.skipped++;
      return false;
    }
    let w: fs.FSWatcher;
    try {
      w = fs.watch(dir, { persistent: false }, (_event, filename) => this.onEvent(dir, tree, filename));
    } catch {
      return true; // gone or unreadable: nothing to watch there
    }
    // The folder was removed (or the watch failed): forget it; its parent's watch reports the removal.
    w.on('error', () => this.unwatch(dir));
    this.watchers.set(dir, w);
    return true;
  }

  private unwatch(dir: string): void {
    const w = this.watchers.get(dir);
    if (!w) return;
    w.close();
    this.watchers.delete(dir);
  }

  private onEvent(dir: string, tree: boolean, filename: string | Buffer | null): void {
    if (this.disposed) return;
    this.options.onChange();
    if (!tree || filename === null) return;
    const name = filename.toString();
    if (ALWAYS_SKIPPED.has(name)) return;
    const abs = path.join(dir, name);
    // A folder of this name was watched and is gone: its watch goes too.
    if (this.watchers.has(abs) && !fs.existsSync(abs)) {
      for (const d of [...this.watchers.keys()]) if (d === abs || d.startsWith(`${abs}${path.sep}`)) this.unwatch(d);
      return;
    }
    if (this.watchers.has(abs)) return;
    this.newDirs.add(abs);
    this.batchTimer ??= setTimeout(() => void this.enterNewDirs(), NEW_DIR_BATCH_MS);
  }

  /** Watches the folders that appeared since the last batch, unless git ignores them. */
  private async enterNewDirs(): Promise<void> {
    this.batchTimer = null;
    const candidates = [...this.newDirs].filter((d) => {
      try {
        return fs.lstatSync(d).isDirectory();
      } catch {
        return false;
      }
    });
    this.newDirs = new Set();
    if (candidates.length === 0 || this.disposed) return;
    let ignored: Set<string>;
    try {
      ignored = await this.options.ignored(candidates.map((d) => this.rel(d)));
    } catch {
      ignored = new Set();
    }
    for (const d of candidates) {
      if (this.disposed) return;
      if (!ignored.has(`${this.rel(d)}/`)) await this.walk(d, ignored);
    }
  }

  /** `abs` relative to the worktree, `/`-separated (as git prints it). */
  private rel(abs: string): string {
    return path.relative(this.options.root, abs).split(path.sep).join('/');
  }
}
