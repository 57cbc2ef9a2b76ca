/**
 * Small git helpers shared by land, update, push and prune: porcelain v2 status parsing, revision
 * lookups, conflicted files, and the conflict message clients parse.
 */
import { CONFLICT_FILES_HEADER } from '../../src-shared/changes.js';
import type { SessionDto } from '../../src-shared/dto.js';
import fs from 'node:fs';
import { err, ok, type Result } from '../../src-shared/result.js';
import { git, trustDir } from './git.js';

/** The commit `ref` names (full id), or an error naming `what`. */
export async function revParse(cwd: string, ref: string, what: string): Promise<Result<string>> {
  const r = await git(cwd, [...trustDir(cwd), 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!r.ok) return err('invalid_state', `${what} (${ref}) does not exist`);
  return ok(r.value.stdout.trim());
}

/** Commits reachable from `to` and not from `from`. */
export async function countCommits(cwd: string, from: string, to: string): Promise<Result<number>> {
  const r = await git(cwd, [...trustDir(cwd), 'rev-list', '--count', `${from}..${to}`]);
  return r.ok ? ok(Number(r.value.stdout.trim())) : r;
}

/** Files with unmerged entries in the index of the work tree at `dir` (a stopped merge or rebase). */
export async function unmergedFiles(dir: string): Promise<string[]> {
  const r = await git(dir, [...trustDir(dir), 'diff', '--name-only', '-z', '--diff-filter=U']);
  if (!r.ok) return [];
  return [...new Set(r.value.stdout.split('\0').filter((p) => p.length > 0))];
}

/** The branch checked out at `dir`, or null when HEAD is detached. */
export async function currentBranch(dir: string): Promise<string | null> {
  const r = await git(dir, [...trustDir(dir), 'symbolic-ref', '--quiet', '--short', 'HEAD']);
  return r.ok ? r.value.stdout.trim() : null;
}

/**
 * The `conflict` error clients parse: a first line ending in CONFLICT_FILES_HEADER, then each file on a
 * line of its own.
 */
export function conflictError(summary: string, files: readonly string[]): Result<never> {
  return err('conflict', `${summary} ${CONFLICT_FILES_HEADER}\n${files.join('\n')}`);
}

/** "3 files" / "1 file". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** At most this many paths are named in a message; the rest are counted. */
const NAMED_PATHS = 10;

/** Up to NAMED_PATHS paths, comma separated, then "and N more". */
export function namePaths(paths: readonly string[]): string {
  const shown = paths.slice(0, NAMED_PATHS).join(', ');
  return paths.length > NAMED_PATHS ? `${shown} and ${paths.length - NAMED_PATHS} more` : shown;
}

/**
 * Whether the session's worktree holds its work: it exists, and no changes wait to be synced back from
 * the backend's own copy (a Docker volume session's), which a land, update or push would leave out.
 */
export function worktreeReady(s: Pick<SessionDto, 'name' | 'worktreePath' | 'unsynced'>): Result<void> {
  if (!fs.existsSync(s.worktreePath)) return err('invalid_state', `session "${s.name}" has no worktree (${s.worktreePath} is gone)`);
  if (s.unsynced !== null) return err('invalid_state', `session "${s.name}" has changes not synced back to its worktree (${s.unsynced}): run berth sync ${s.name} first`);
  return ok();
}
