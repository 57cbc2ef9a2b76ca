/**
 * `.worktreeinclude`: the main checkout's ignored files a new worktree needs (`.env`, local config,
 * installed dependencies), copied into each new session worktree right after `git worktree add`.
 *
 * The file is in gitignore syntax (the convention Claude Code, Codex and Conductor share), and only
 * files that match it AND that git ignores are copied: a tracked file or an untracked file git does not
 * ignore is never copied. git does the matching, both ways, so nested `.gitignore` files, negations
 * (`!.env.example`) and directory patterns (`node_modules/`) mean exactly what they mean to git:
 *   A = untracked files matching `.worktreeinclude` (`ls-files --others --ignored --exclude-from`),
 *   B = untracked files git ignores (`ls-files --others --ignored --exclude-standard`),
 * and A ∩ B is copied. Both listings are NUL-separated (`-z`), so any path (spaces, newlines, unicode,
 * leading dashes) is one entry.
 *
 * Files are copied with copy-on-write where the filesystem supports it (`COPYFILE_FICLONE`, i.e.
 * `cp --reflink=auto`), never over an existing file (the worktree's own tracked file wins), symlinks as
 * symlinks (never followed), and never through a worktree directory that resolves outside the worktree.
 */
import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { err, ok, type Result } from '../../src-shared/result.js';
import { git } from './git.js';

/** The file's name at the repository root. */
export const WORKTREE_INCLUDE_FILE = '.worktreeinclude';

/** Files copied at once: enough to keep the disk busy, few enough not to run out of descriptors. */
const COPY_CONCURRENCY = 32;
/** Output cap of one listing: every ignored file of a large repository (a `node_modules` of 500k files). */
const LISTING_MAX_BYTES = 256 * 1024 * 1024;

/** What was copied. */
export interface IncludeResult {
  /** Files and symlinks copied. */
  copied: number;
  /** Matches left alone: the worktree already had them (tracked there) or their folder leads out of it. */
  skipped: number;
}

/** Whether a `.worktreeinclude` has any pattern (blank lines and `#` comments are not patterns). */
function hasPatterns(text: string): boolean {
  return text.split('\n').some((line) => {
    const t = line.trim();
    return t.length > 0 && !t.startsWith('#');
  });
}

/** Splits `-z` output into paths. */
function splitZ(out: string): string[] {
  return out.split('\0').filter((p) => p.length > 0);
}

/**
 * The main checkout's paths (relative, `/`-separated) that `.worktreeinclude` names and git ignores;
 * null when the repository has no `.worktreeinclude` (or one without patterns).
 */
export async function listWorktreeIncludes(repo: string, signal?: AbortSignal): Promise<Result<string[] | null>> {
  const file = path.join(repo, WORKTREE_INCLUDE_FILE);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return ok(null); // no file: nothing to copy
  }
  if (!hasPatterns(text)) return ok(null);
  const [named, ignored] = await Promise.all([
    git(repo, ['ls-files', '-z', '--others', '--ignored', `--exclude-from=${file}`], signal, LISTING_MAX_BYTES),
    git(repo, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], signal, LISTING_MAX_BYTES),
  ]);
  if (!named.ok) return named;
  if (!ignored.ok) return ignored;
  const ignoredSet = new Set(splitZ(ignored.value.stdout));
  return ok(splitZ(named.value.stdout).filter((p) => ignoredSet.has(p)));
}

/** Copies the main checkout's `.worktreeinclude` matches into `worktree`; null when there is no such file. */
export async function copyWorktreeIncludes(repo: string, worktree: string, signal?: AbortSignal): Promise<Result<IncludeResult | null>> {
  const listed = await listWorktreeIncludes(repo, signal);
  if (!listed.ok) return listed;
  if (listed.value === null) return ok(null);
  const limit = pLimit(COPY_CONCURRENCY);
  let copier: IncludeCopier;
  try {
    copier = new IncludeCopier(repo, await fs.promises.realpath(worktree));
    await Promise.all(listed.value.map((rel) => limit(() => (signal?.aborted ? undefined : copier.copy(rel)))));
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    return err('internal', `copying the ${WORKTREE_INCLUDE_FILE} matches failed: ${error.path ?? ''} ${error.code ?? error.message}`.replace(/\s+/g, ' '));
  }
  return ok({ copied: copier.copied, skipped: copier.skipped });
}

/** Copies single entries from the main checkout into the worktree; see the file comment for the rules. */
class IncludeCopier {
  copied = 0;
  skipped = 0;
  /** Worktree folders made (or found) and checked to lie inside it, by path: whether they are usable. */
  private readonly folders = new Map<string, Promise<boolean>>();

  constructor(
    private readonly repo: string,
    private readonly worktree: string,
  ) {}

  async copy(rel: string): Promise<void> {
    // A nested repository is listed as a folder (`dir/`): its whole content goes.
    const entry = rel.endsWith('/') ? rel.slice(0, -1) : rel;
    const done = await this.copyEntry(path.join(this.repo, entry), path.join(this.worktree, entry));
    if (done) this.copied++;
    else this.skipped++;
  }

  /** Copies one file, symlink or folder; false when it was left alone. */
  private async copyEntry(src: string, dst: string): Promise<boolean> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.lstat(src);
    } catch {
      return false; // gone since it was listed
    }
    if (!(await this.folder(path.dirname(dst)))) return false;
    try {
      if (stat.isSymbolicLink()) {
        await fs.promises.symlink(await fs.promises.readlink(src), dst);
      } else if (stat.isDirectory()) {
        await fs.promises.mkdir(dst);
        for (const child of await fs.promises.readdir(src)) await this.copyEntry(path.join(src, child), path.join(dst, child));
      } else if (stat.isFile()) {
        // EXCL: a file the worktree has (tracked on its branch) is never overwritten.
        await fs.promises.copyFile(src, dst, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
      } else {
        return false; // sockets, fifos, devices
      }
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  /**
   * Makes `dir` (inside the worktree) one level at a time and says whether it is a real folder there:
   * a component that is a symlink (tracked on the worktree's branch) may lead out, so nothing goes
   * through it.
   */
  private folder(dir: string): Promise<boolean> {
    if (dir === this.worktree) return Promise.resolve(true);
    let made = this.folders.get(dir);
    if (!made) {
      made = (async () => {
        if (!dir.startsWith(this.worktree + path.sep) || !(await this.folder(path.dirname(dir)))) return false;
        try {
          await fs.promises.mkdir(dir);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        return (await fs.promises.lstat(dir)).isDirectory();
      })();
      this.folders.set(dir, made);
    }
    return made;
  }
}
