/**
 * Reading a session worktree's changes: the file lists (committed since the base, staged, unstaged,
 * untracked) and unified diff text, from git's porcelain v2 / `-z` output.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_DIFF_LINES, type ChangedFileDto, type DiffArea } from '../../src-shared/changes.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { gitWith, trustDir, type GitCallOptions } from './git.js';
import { parseNameStatus, parseNumstat, parseStatusV2, statusOfLetter, withCounts, type StatusEntry } from './changes-parse.js';

/** A session worktree as the changes code works on it. */
export interface Worktree {
  dir: string;
  /** The base branch (or commit) the session branch started from. */
  base: string;
}

/** Largest diff output read from git (then cut at MAX_DIFF_LINES lines). */
const DIFF_MAX_BYTES = 64 * 1024 * 1024;
/** Untracked files larger than this are not read to count their lines. */
const COUNT_MAX_BYTES = 4 * 1024 * 1024;
/** Bytes git looks at to decide a file is binary (a NUL in them); the same here. */
const BINARY_SNIFF_BYTES = 8000;
/** Context lines of a diff when the caller does not say (git's default). */
export const DEFAULT_CONTEXT = 3;

/**
 * Runs git in the worktree: trusted even when a container's uid owns it (it is Berth's own), pathspecs
 * taken literally (a file named `*` or `:x` is that file), paths in diff headers left unescaped unicode.
 */
export function wtGit(wt: Worktree, args: string[], options?: GitCallOptions) {
  return gitWith(wt.dir, [...trustDir(wt.dir), '-c', 'core.quotePath=false', '--literal-pathspecs', ...args], options);
}

/** The worktree's status entries. */
export async function statusEntries(wt: Worktree): Promise<Result<StatusEntry[]>> {
  const r = await wtGit(wt, ['status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignore-submodules=dirty']);
  return r.ok ? ok(parseStatusV2(r.value.stdout)) : r;
}

/** Staged and unstaged (with untracked) files, with line counts. */
export async function worktreeFiles(wt: Worktree, entries: StatusEntry[]): Promise<Result<{ staged: ChangedFileDto[]; unstaged: ChangedFileDto[] }>> {
  const [stagedNum, unstagedNum] = await Promise.all([
    wtGit(wt, ['diff', '--cached', '--numstat', '-z', '-M', '--no-ext-diff', '--no-textconv']),
    wtGit(wt, ['diff', '--numstat', '-z', '--no-ext-diff', '--no-textconv']),
  ]);
  if (!stagedNum.ok) return stagedNum;
  if (!unstagedNum.ok) return unstagedNum;
  const stagedStats = parseNumstat(stagedNum.value.stdout);
  const unstagedStats = parseNumstat(unstagedNum.value.stdout);
  const staged: ChangedFileDto[] = [];
  const unstaged: (ChangedFileDto | Promise<ChangedFileDto>)[] = [];
  for (const e of entries) {
    if (e.index === '?') unstaged.push(untrackedFile(wt, e.path));
    else if (e.conflicted) unstaged.push(withCounts(e.path, null, 'conflicted', unstagedStats));
    else {
      if (e.index !== '.') staged.push(withCounts(e.path, e.oldPath, statusOfLetter(e.index), stagedStats));
      if (e.worktree !== '.') {
        const oldPath = e.worktree === 'R' || e.worktree === 'C' ? e.oldPath : null;
        unstaged.push(withCounts(e.path, oldPath, statusOfLetter(e.worktree), unstagedStats));
      }
    }
  }
  // Untracked files are read (to count their lines) side by side.
  return ok({ staged, unstaged: await Promise.all(unstaged) });
}

/** An untracked file with its lines counted (null for a binary or very large one). */
async function untrackedFile(wt: Worktree, rel: string): Promise<ChangedFileDto> {
  const file: ChangedFileDto = { path: rel, oldPath: null, status: 'untracked', additions: null, deletions: 0, binary: false };
  try {
    const abs = path.join(wt.dir, rel);
    const st = await fs.lstat(abs);
    if (st.isSymbolicLink()) return { ...file, additions: 1 };
    if (!st.isFile() || st.size > COUNT_MAX_BYTES) return file;
    const data = await fs.readFile(abs);
    if (data.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { ...file, binary: true };
    let lines = 0;
    for (const byte of data) if (byte === 0x0a) lines++;
    if (data.length > 0 && data[data.length - 1] !== 0x0a) lines++;
    return { ...file, additions: lines };
  } catch {
    return file;
  }
}

/** The files a diff of `revs` (and `--cached`, or nothing: the working tree) changes, with counts. */
export async function diffFiles(wt: Worktree, revs: string[]): Promise<Result<ChangedFileDto[]>> {
  const common = ['-z', '-M', '--no-ext-diff', '--no-textconv', ...revs, '--'];
  const [names, nums] = await Promise.all([wtGit(wt, ['diff', '--name-status', ...common]), wtGit(wt, ['diff', '--numstat', ...common])]);
  if (!names.ok) return names;
  if (!nums.ok) return nums;
  const stats = parseNumstat(nums.value.stdout);
  return ok(parseNameStatus(names.value.stdout).map((n) => withCounts(n.path, n.oldPath, n.status, stats)));
}

/** `base...HEAD` as git reads it: the branch's changes since its merge base with the base. */
export function sinceBase(wt: Worktree): string {
  return `${wt.base}...HEAD`;
}

/** Commits on the session branch not in the base (ahead) and in the base not on the branch (behind). */
export async function aheadBehind(wt: Worktree): Promise<Result<{ ahead: number; behind: number }>> {
  const r = await wtGit(wt, ['rev-list', '--left-right', '--count', sinceBase(wt), '--']);
  if (!r.ok) return r;
  const [behind, ahead] = r.value.stdout.trim().split(/\s+/).map(Number);
  return ok({ ahead: ahead ?? 0, behind: behind ?? 0 });
}

/** Whether the base still names a commit (a deleted base branch makes the committed area empty). */
export async function baseExists(wt: Worktree): Promise<boolean> {
  const r = await wtGit(wt, ['rev-parse', '--verify', '--quiet', `${wt.base}^{commit}`]);
  return r.ok;
}

/** The merge base of the base and HEAD: what `all` compares the working tree with. */
export async function mergeBase(wt: Worktree): Promise<Result<string>> {
  const r = await wtGit(wt, ['merge-base', wt.base, 'HEAD']);
  if (!r.ok) return err('not_found', `the base "${wt.base}" of this session no longer exists or shares no history with it`);
  return ok(r.value.stdout.trim());
}

/** The remotes of the repository. */
export async function remotes(wt: Worktree): Promise<string[]> {
  const r = await wtGit(wt, ['remote']);
  return r.ok ? r.value.stdout.split('\n').filter((l) => l.length > 0) : [];
}

/** Options of `diffText`. */
export interface DiffTextOptions {
  area: DiffArea;
  paths: string[];
  context: number;
  /** Untracked files (for `unstaged` and `all`), each shown as a whole new file. */
  untracked: string[];
}

/** Unified diff text of an area (optionally of some paths), cut at MAX_DIFF_LINES lines. */
export async function diffText(wt: Worktree, o: DiffTextOptions): Promise<Result<{ diff: string; truncated: boolean }>> {
  const flags = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', `-U${o.context}`];
  let revs: string[];
  switch (o.area) {
    case 'committed':
      revs = [sinceBase(wt)];
      break;
    case 'staged':
      revs = ['--cached'];
      break;
    case 'unstaged':
      revs = [];
      break;
    case 'all': {
      const mb = await mergeBase(wt);
      if (!mb.ok) return mb;
      revs = [mb.value];
      break;
    }
  }
  // `all` with tracked paths only: an untracked path alone would make git diff everything.
  const tracked = o.paths.filter((p) => !o.untracked.includes(p));
  const parts: string[] = [];
  let lines = 0;
  if (o.paths.length === 0 || tracked.length > 0) {
    const r = await wtGit(wt, [...flags, ...revs, '--', ...tracked], { maxOutputBytes: DIFF_MAX_BYTES });
    if (!r.ok) return r.error.message.includes('printed more than') ? err('bad_request', 'the diff is too large to show; name one file') : r;
    parts.push(r.value.stdout);
    lines += countLines(r.value.stdout);
  }
  for (const file of o.untracked) {
    if (lines >= MAX_DIFF_LINES) break;
    // A nested repository is listed as its folder (`sub/`): git has no diff of a folder against nothing.
    if (file.endsWith('/')) continue;
    const r = await wtGit(wt, [...flags, '--no-index', '--', '/dev/null', file], { okCodes: [1], maxOutputBytes: DIFF_MAX_BYTES });
    if (!r.ok) return r;
    parts.push(r.value.stdout);
    lines += countLines(r.value.stdout);
  }
  return ok(cutLines(parts.join(''), MAX_DIFF_LINES));
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The first `max` lines of `text`, and whether anything was cut. */
export function cutLines(text: string, max: number): { diff: string; truncated: boolean } {
  let at = -1;
  for (let n = 0; n < max; n++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return { diff: text, truncated: false };
  }
  return at + 1 >= text.length ? { diff: text, truncated: false } : { diff: text.slice(0, at + 1), truncated: true };
}
