/**
 * Parsers for the machine formats the Changes view reads: `status --porcelain=v2 -z`, `diff --numstat -z` and
 * `diff --name-status -z`. Paths come out exactly as stored (NUL-separated, never quoted).
 */
import type { ChangedFileDto, FileStatus } from '../../src-shared/changes.js';

/** One entry of `git status --porcelain=v2 -z`. */
export interface StatusEntry {
  path: string;
  /** The path before a rename or copy. */
  oldPath: string | null;
  /** The index's status letter against HEAD ('.' unchanged), or '?' for untracked. */
  index: string;
  /** The working tree's status letter against the index ('.' unchanged), or '?' for untracked. */
  worktree: string;
  conflicted: boolean;
}

/** Fields before the path in an ordinary (`1`), renamed (`2`) and unmerged (`u`) entry. */
const ORDINARY_FIELDS = 8;
const RENAMED_FIELDS = 9;
const UNMERGED_FIELDS = 10;

/** Splits `line` into `count` space-separated fields and the rest (the path, which may hold spaces). */
function fields(line: string, count: number): { head: string[]; rest: string } {
  const head: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const next = line.indexOf(' ', at);
    if (next < 0) return { head, rest: '' };
    head.push(line.slice(at, next));
    at = next + 1;
  }
  return { head, rest: line.slice(at) };
}

/** Parses `git status --porcelain=v2 -z` output (without `--branch` headers, which are skipped anyway). */
export function parseStatusV2(out: string): StatusEntry[] {
  const records = out.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    if (rec.length === 0 || rec.startsWith('#') || rec.startsWith('!')) continue;
    const kind = rec[0];
    if (kind === '?') {
      entries.push({ path: rec.slice(2), oldPath: null, index: '?', worktree: '?', conflicted: false });
    } else if (kind === '1') {
      const { head, rest } = fields(rec, ORDINARY_FIELDS);
      const xy = head[1] ?? '..';
      entries.push({ path: rest, oldPath: null, index: xy[0] ?? '.', worktree: xy[1] ?? '.', conflicted: false });
    } else if (kind === '2') {
      const { head, rest } = fields(rec, RENAMED_FIELDS);
      const xy = head[1] ?? '..';
      // With -z the original path is the next NUL-separated record.
      const oldPath = records[++i] ?? null;
      entries.push({ path: rest, oldPath, index: xy[0] ?? '.', worktree: xy[1] ?? '.', conflicted: false });
    } else if (kind === 'u') {
      const { head, rest } = fields(rec, UNMERGED_FIELDS);
      const xy = head[1] ?? 'UU';
      entries.push({ path: rest, oldPath: null, index: xy[0] ?? 'U', worktree: xy[1] ?? 'U', conflicted: true });
    }
  }
  return entries;
}

/**
 * Every path `git status --porcelain=v2 -z` names: changed, unmerged and untracked entries, and a
 * rename's or copy's original path too (both sides of it are touched).
 */
export function statusPaths(out: string): string[] {
  return parseStatusV2(out).flatMap((e) => (e.oldPath === null ? [e.path] : [e.path, e.oldPath]));
}

/** Added and deleted line counts per path; null counts for a binary file. */
export interface NumStat {
  additions: number | null;
  deletions: number | null;
}

/** Parses `git diff --numstat -z` (renames: the counts, an empty path, then old and new path records). */
export function parseNumstat(out: string): Map<string, NumStat> {
  const stats = new Map<string, NumStat>();
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    if (rec.length === 0) continue;
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(rec);
    if (!m) continue;
    let path = m[3]!;
    if (path === '') {
      i++; // the old path
      path = records[++i] ?? '';
    }
    const count = (s: string): number | null => (s === '-' ? null : Number(s));
    stats.set(path, { additions: count(m[1]!), deletions: count(m[2]!) });
  }
  return stats;
}

/** A `--name-status` entry. */
export interface NameStatus {
  path: string;
  oldPath: string | null;
  status: FileStatus;
}

/** Parses `git diff --name-status -z` (a status record, then one path, or two for R and C). */
export function parseNameStatus(out: string): NameStatus[] {
  const records = out.split('\0');
  const entries: NameStatus[] = [];
  for (let i = 0; i < records.length; i++) {
    const code = records[i]!;
    if (code.length === 0) continue;
    const letter = code[0]!;
    if (letter === 'R' || letter === 'C') {
      const oldPath = records[++i] ?? '';
      const path = records[++i] ?? '';
      entries.push({ path, oldPath, status: statusOfLetter(letter) });
    } else {
      entries.push({ path: records[++i] ?? '', oldPath: null, status: statusOfLetter(letter) });
    }
  }
  return entries;
}

/** git's one-letter change status as a FileStatus. */
export function statusOfLetter(letter: string): FileStatus {
  switch (letter) {
    case 'A':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return 'renamed';
    case 'C':
      return 'copied';
    case 'T':
      return 'type-changed';
    case 'U':
      return 'conflicted';
    case '?':
      return 'untracked';
    default:
      return 'modified';
  }
}

/** A changed file with its counts from `stats` (binary when git printed `-` for both). */
export function withCounts(path: string, oldPath: string | null, status: FileStatus, stats: Map<string, NumStat>): ChangedFileDto {
  const s = stats.get(path);
  const binary = s !== undefined && s.additions === null;
  return { path, oldPath, status, additions: s ? s.additions : 0, deletions: s ? s.deletions : 0, binary };
}
