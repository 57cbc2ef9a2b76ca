/**
 * Prune: worktrees and `berth/*` branches that no session (live or archived) owns any more, left by
 * deleted sessions (a delete keeps an unmerged branch; a failed or interrupted delete may keep its
 * worktree), listed with their disk use and unsaved work, and removed on request.
 *
 * Only worktrees under Berth's own worktree folder for the repository (naming.ts repoWorktreesDir) that
 * have a `berth/*` branch checked out are candidates: detached ones there are warm-pool or ready slots,
 * which their pool owns. Work that would be lost — uncommitted files in a worktree, commits on a branch
 * that no other ref reaches — is listed as `unsaved`, and such an item is removed only when the caller
 * confirms it by id.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PruneItemDto, PruneRunDto } from '../../src-shared/changes.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { ok, type Result } from '../../src-shared/result.js';
import { repoWorktreesDir } from '../sessions/naming.js';
import { plural } from './branch-ops.js';
import { dirtyPaths, git, gitWith } from './git.js';
import { inRepoQueue } from './repo-queue.js';

/** The branch namespace of session branches. */
const BRANCH_PREFIX = 'refs/heads/berth/';
/** Uncommitted files named one by one in an item's `unsaved`; more are counted. */
const NAMED_UNSAVED_FILES = 50;
/** Hex characters of an item id. */
const ID_CHARS = 16;
/** Bytes per block in `stat.blocks`. */
const STAT_BLOCK_BYTES = 512;

export interface PruneDeps {
  dataDir: string;
  /** Every repository Berth knows: recent ones and sessions'. */
  repos: () => string[];
  /** Every session, live or archived: what they own is never listed. */
  sessions: () => SessionDto[];
}

interface WorktreeEntry {
  path: string;
  branch: string | null;
}

/** `git worktree list --porcelain -z` as entries. */
async function listWorktrees(repo: string): Promise<Result<WorktreeEntry[]>> {
  const r = await git(repo, ['worktree', 'list', '--porcelain', '-z']);
  if (!r.ok) return r;
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of r.value.stdout.split('\0')) {
    if (field.startsWith('worktree ')) {
      current = { path: field.slice('worktree '.length), branch: null };
      entries.push(current);
    } else if (field.startsWith('branch ') && current) current.branch = field.slice('branch '.length);
  }
  return ok(entries);
}

/** Disk used by the files under `dir` (allocated blocks; symlinks not followed). */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let names: fs.Dirent[];
    try {
      names = await fs.promises.readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of names) {
      const p = path.join(d, e.name);
      try {
        const st = await fs.promises.lstat(p);
        total += st.blocks * STAT_BLOCK_BYTES;
        if (e.isDirectory()) stack.push(p);
      } catch {
        // gone meanwhile
      }
    }
  }
  return total;
}

/** Commits on `ref` that no other ref of the repository reaches. */
async function unreachableCommits(repo: string, ref: string): Promise<number> {
  const refs = await git(repo, ['for-each-ref', '--format=%(refname)', 'refs/']);
  if (!refs.ok) return 0;
  const others = refs.value.stdout.split('\n').filter((r) => r.length > 0 && r !== ref);
  const r = await gitWith(repo, ['rev-list', '--count', '--stdin'], { input: [ref, ...others.map((o) => `^${o}`)].join('\n') + '\n' });
  return r.ok ? Number(r.value.stdout.trim()) : 0;
}

function itemId(kind: PruneItemDto['kind'], repo: string, what: string): string {
  return crypto.createHash('sha256').update(`${kind}\0${repo}\0${what}`).digest('hex').slice(0, ID_CHARS);
}

function isUnder(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel.length > 0 && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Lists what prune would remove (see the file comment). */
export async function listPrunable(deps: PruneDeps): Promise<PruneItemDto[]> {
  const sessions = deps.sessions();
  const ownedPaths = new Set(sessions.map((s) => path.resolve(s.worktreePath)));
  const repos = [...new Set([...deps.repos(), ...sessions.map((s) => s.repoPath)])].filter((r) => fs.existsSync(r));
  const items: PruneItemDto[] = [];
  for (const repo of repos) items.push(...(await listRepo(deps.dataDir, repo, ownedPaths, sessions)));
  return items;
}

async function listRepo(dataDir: string, repo: string, ownedPaths: Set<string>, sessions: SessionDto[]): Promise<PruneItemDto[]> {
  const ownedBranches = new Set(sessions.filter((s) => s.repoPath === repo).map((s) => `refs/heads/${s.branch}`));
  const worktrees = await listWorktrees(repo);
  if (!worktrees.ok) return [];
  const folder = repoWorktreesDir(dataDir, repo);
  const items: PruneItemDto[] = [];
  const checkedOut = new Set(worktrees.value.map((w) => w.branch).filter((b): b is string => b !== null));

  for (const w of worktrees.value) {
    const dir = path.resolve(w.path);
    if (!isUnder(dir, folder) || ownedPaths.has(dir) || !w.branch?.startsWith(BRANCH_PREFIX) || ownedBranches.has(w.branch)) continue;
    if (!fs.existsSync(dir)) continue; // its branch is listed on its own below, once git forgets the folder
    const branch = w.branch.slice('refs/heads/'.length);
    const unsaved: string[] = [];
    const dirty = await dirtyPaths(dir);
    if (dirty.ok) {
      for (const p of dirty.value.slice(0, NAMED_UNSAVED_FILES)) unsaved.push(`uncommitted: ${p}`);
      if (dirty.value.length > NAMED_UNSAVED_FILES) unsaved.push(`and ${plural(dirty.value.length - NAMED_UNSAVED_FILES, 'more uncommitted file')}`);
    }
    const commits = await unreachableCommits(repo, w.branch);
    if (commits > 0) unsaved.push(`${plural(commits, 'commit')} on ${branch} not on any other branch`);
    items.push({ id: itemId('worktree', repo, dir), kind: 'worktree', repoPath: repo, path: dir, branch, bytes: await diskUsage(dir), unsaved });
  }

  const branches = await git(repo, ['for-each-ref', '--format=%(refname)', BRANCH_PREFIX]);
  if (!branches.ok) return items;
  const inExistingWorktree = new Set(worktrees.value.filter((w) => fs.existsSync(w.path)).map((w) => w.branch));
  for (const ref of branches.value.stdout.split('\n').filter((r) => r.length > 0)) {
    if (ownedBranches.has(ref) || (checkedOut.has(ref) && inExistingWorktree.has(ref))) continue;
    const branch = ref.slice('refs/heads/'.length);
    const commits = await unreachableCommits(repo, ref);
    const unsaved = commits > 0 ? [`${plural(commits, 'commit')} on ${branch} not on any other branch`] : [];
    items.push({ id: itemId('branch', repo, ref), kind: 'branch', repoPath: repo, path: null, branch, bytes: 0, unsaved });
  }
  return items;
}

/** Removes the items named by `ids` (see PruneRunParams); unknown ids and unconfirmed unsaved work are kept with the reason. */
export async function runPrune(deps: PruneDeps, ids: readonly string[], confirmUnsaved: readonly string[] = []): Promise<PruneRunDto> {
  const byId = new Map((await listPrunable(deps)).map((i) => [i.id, i]));
  const confirmed = new Set(confirmUnsaved);
  const removed: string[] = [];
  const kept: PruneRunDto['kept'] = [];
  for (const id of new Set(ids)) {
    const item = byId.get(id);
    if (!item) {
      kept.push({ id, reason: 'no such item (already removed, or now owned by a session): list again' });
      continue;
    }
    if (item.unsaved.length > 0 && !confirmed.has(id)) {
      kept.push({ id, reason: `it has unsaved work (${item.unsaved.join('; ')}): confirm to remove it anyway` });
      continue;
    }
    const r = await inRepoQueue(item.repoPath, () => removeItem(item));
    if (r.ok) removed.push(id);
    else kept.push({ id, reason: r.error.message });
  }
  return { removed, kept };
}

async function removeItem(item: PruneItemDto): Promise<Result<void>> {
  if (item.kind === 'worktree' && item.path) {
    const r = await git(item.repoPath, ['worktree', 'remove', '--force', '--force', item.path]);
    if (!r.ok) return r;
  } else {
    await git(item.repoPath, ['worktree', 'prune']);
  }
  if (item.branch) {
    const r = await git(item.repoPath, ['branch', '-D', item.branch]);
    if (!r.ok) return r;
  }
  return ok();
}
