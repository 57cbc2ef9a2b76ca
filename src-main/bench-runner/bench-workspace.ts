/**
 * Where a `berth bench` run works: a throwaway git repository under the data dir (removed after, with
 * the worktrees Berth made for it), leaving the user's recent repositories as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../../src-shared/lifecycle.js';
import { git } from '../git/git.js';
import { repoWorktreesDir } from '../sessions/naming.js';
import type { Db } from '../store/database.js';

/** Scratch folders of runs in the data dir start with this. */
export const BENCH_DIR_PREFIX = 'bench-';
/** The repository's folder inside a scratch folder. */
export const BENCH_REPO_DIR = 'repo';
/** Files in the benchmark repository (a small project, like the repo bench's). */
const REPO_FILES = 20;
/** Lines per file. */
const LINES_PER_FILE = 50;

interface RecentRow {
  path: string;
  name: string;
  last_used_at: number;
}

/** A benchmark's repository and scratch folder; `dispose` removes both and restores recent repositories. */
export interface BenchWorkspace extends Disposable {
  /** The repository (real path, as sessions record it). */
  repo: string;
  /** A folder for the raw baselines' worktrees. */
  rawDir: string;
}

/**
 * Makes the workspace. Creating sessions on the repository records it as a recent repository (and may
 * push the oldest one out of the list): the list is put back as it was on dispose.
 */
export async function createBenchWorkspace(dataDir: string, db: Db): Promise<BenchWorkspace> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(dataDir, BENCH_DIR_PREFIX)));
  const repo = path.join(root, BENCH_REPO_DIR);
  const rawDir = path.join(root, 'raw');
  const recent = db.prepare('SELECT path, name, last_used_at FROM recent_repos').all() as RecentRow[];
  const remove = () => {
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 2 });
    fs.rmSync(repoWorktreesDir(dataDir, repo), { recursive: true, force: true, maxRetries: 2 });
    // The database is closed when the orchestrator stopped mid-run: the next start's recovery cleans up.
    if (db.open) restoreRecent(db, repo, recent);
  };
  try {
    fs.mkdirSync(repo);
    fs.mkdirSync(rawDir);
    for (let i = 0; i < REPO_FILES; i++) fs.writeFileSync(path.join(repo, `file-${i}.txt`), `content ${i}\n`.repeat(LINES_PER_FILE));
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['config', 'user.email', 'bench@berth.invalid'],
      ['config', 'user.name', 'Berth Bench'],
      ['add', '.'],
      ['commit', '-q', '-m', 'initial'],
    ]) {
      const r = await git(repo, args);
      if (!r.ok) throw new Error(r.error.message);
    }
  } catch (e) {
    remove();
    throw e;
  }
  let disposed = false;
  return {
    repo,
    rawDir,
    dispose() {
      if (disposed) return;
      disposed = true;
      remove();
    },
  };
}

/** Drops the benchmark repository from the recent list and puts back rows it pushed out. */
function restoreRecent(db: Db, repo: string, before: readonly RecentRow[]): void {
  const insert = db.prepare('INSERT OR IGNORE INTO recent_repos (path, name, last_used_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM recent_repos WHERE path = ?').run(repo);
    for (const r of before) insert.run(r.path, r.name, r.last_used_at);
  })();
}
