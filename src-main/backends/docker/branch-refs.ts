/**
 * A Docker session writes only its own branch.
 *
 * Git writes a loose ref by creating `<ref>.lock` in the ref's directory and renaming it over the ref,
 * so whoever may move one branch in `refs/heads/berth/` may move them all. A container therefore never
 * gets the repository's refs: each worktree has a *ref cell* outside `refs/`, two directories mounted
 * into its container over `refs/heads/berth` and `logs/refs/heads/berth`:
 *
 *   <common>/berth-refs/<worktree admin name>/heads/<name>   the branch (the only ref the container can write)
 *   <common>/berth-refs/<worktree admin name>/logs/<name>    its reflog, as the container writes it
 *   <common>/berth-refs/<worktree admin name>/linked         host-only: which branch is linked, its value then
 *
 * While a container runs, the host's loose ref `refs/heads/berth/<name>` is a relative symlink into the
 * cell (git reads a symlinked loose ref that doesn't look like a ref name as the file it points at), so
 * a commit in the container is on the branch on the host at once. When the container ends, the ref
 * becomes a plain file again (with the container's reflog lines appended to the host's), so nothing
 * outside a run depends on the layout. The rest of `.git` stays read-only in the container: `main`,
 * other branches, tags, `packed-refs`, `refs/stash` (shared by the whole repository, so `git stash`
 * fails in a Docker session) and config.
 *
 * A warm-pool container is made before its session's branch exists: its slot worktree's cell is
 * mounted empty, and the branch is linked into it at claim, before the agent starts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { git } from '../../git/git.js';

/** Where the cells of a repository live, inside its common git dir (read-only in every container). */
const CELLS_DIR = 'berth-refs';
/** The ref directory a session's branch lives in (branches are `berth/<name>`). */
const BRANCH_DIR = 'refs/heads/berth';
/** Its reflog directory. */
const BRANCH_LOG_DIR = 'logs/refs/heads/berth';
/** A loose ref holds a hex object id (SHA-1 or SHA-256) and a newline; anything longer is not a ref. */
const MAX_REF_BYTES = 100;
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** One reflog line: old id, new id, then who, when and why. */
const REFLOG_LINE = /^(?:[0-9a-f]{40}|[0-9a-f]{64}) (?:[0-9a-f]{40}|[0-9a-f]{64}) [^\n]*$/;
/** Most reflog bytes carried back from a cell (a runaway agent can't fill the host's disk through it). */
const MAX_REFLOG_BYTES = 1024 * 1024;
/** A session branch's own name: one path component git accepts. */
const BRANCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Mode of the cell directories the container writes. */
const CELL_DIR_MODE = 0o755;
/** Object directories a root host user shares with its containers' group: rwx for both, sticky. */
const SHARED_OBJECT_DIR_MODE = 0o1775;

/** One worktree's ref cell. */
export interface RefCell {
  /** The repository's common git dir. */
  repoGitDir: string;
  /** The worktree's admin dir name (`worktrees/<adminName>`), which names the cell. */
  adminName: string;
  dir: string;
  heads: string;
  logs: string;
}

/** What is recorded while a branch is linked into a cell. */
interface Linked {
  name: string;
  /** The branch's value when it was linked (restored if the container leaves garbage). */
  base: string;
}

/** The cell of worktree `adminName` of the repository whose common git dir is `repoGitDir`. */
export function refCell(repoGitDir: string, adminName: string): RefCell {
  const dir = path.join(repoGitDir, CELLS_DIR, adminName);
  return { repoGitDir, adminName, dir, heads: path.join(dir, 'heads'), logs: path.join(dir, 'logs') };
}

/** The cell of a worktree, from its `.git` file (null when it is not a linked worktree). */
export function worktreeCell(worktree: string): RefCell | null {
  try {
    const text = fs.readFileSync(path.join(worktree, '.git'), 'utf8');
    const m = /^gitdir: (.+)$/m.exec(text);
    if (!m) return null;
    const adminDir = path.resolve(worktree, m[1]!.trim());
    const worktreesDir = path.dirname(adminDir);
    if (path.basename(worktreesDir) !== 'worktrees') return null;
    return refCell(path.dirname(worktreesDir), path.basename(adminDir));
  } catch {
    return null;
  }
}

/**
 * A root host user's containers run as another uid, which must add objects without being able to
 * remove the repository's: the object directories become group-writable for the container's group
 * and sticky (like /tmp), so the container can create files there but delete only its own.
 */
export function shareObjectDirs(objectsDir: string, gid: number): void {
  const dirs = [objectsDir];
  for (const entry of fs.readdirSync(objectsDir, { withFileTypes: true })) if (entry.isDirectory()) dirs.push(path.join(objectsDir, entry.name));
  for (const d of dirs) {
    fs.lchownSync(d, 0, gid);
    fs.chmodSync(d, SHARED_OBJECT_DIR_MODE);
  }
}

/** The container mounts of a cell: its two directories over the branch and reflog directories. */
export function refCellMounts(cell: RefCell): { source: string; target: string }[] {
  return [
    { source: cell.heads, target: path.join(cell.repoGitDir, BRANCH_DIR) },
    { source: cell.logs, target: path.join(cell.repoGitDir, BRANCH_LOG_DIR) },
  ];
}

/**
 * A file that keeps a mount target directory from being removed: git deletes a ref's directory when its
 * last ref goes (another session deleted), and a container started later (a warm-pool container made
 * before, or one started again) would then have no mount point. Git skips names starting with a dot.
 */
const KEEP_FILE = '.berth-keep';

/**
 * Makes the cell's directories (writable by the container's uid:gid) and the mount targets in the
 * repository (a read-only mount can't have its mount points made later), kept from being removed by git.
 * Run before a container is made.
 */
export function prepareRefCell(cell: RefCell, uid: number, gid: number): void {
  for (const d of [path.join(cell.repoGitDir, BRANCH_DIR), path.join(cell.repoGitDir, BRANCH_LOG_DIR)]) {
    fs.mkdirSync(d, { recursive: true });
    fs.closeSync(fs.openSync(path.join(d, KEEP_FILE), 'a'));
  }
  for (const d of [cell.heads, cell.logs]) {
    if (fs.lstatSync(d, { throwIfNoEntry: false })?.isDirectory() !== true) {
      fs.rmSync(d, { force: true, recursive: true });
      fs.mkdirSync(d, { recursive: true, mode: CELL_DIR_MODE });
    }
    if ((process.getuid?.() ?? uid) === 0) fs.chownSync(d, uid, gid);
  }
}

/**
 * Cells are changed one operation at a time (an exit hook and a delete may overlap); a file-system
 * error becomes an error value.
 */
const queues = new Map<string, Promise<unknown>>();
function serialized<T>(cell: RefCell, work: () => Promise<Result<T>>): Promise<Result<T>> {
  const guarded = async (): Promise<Result<T>> => {
    try {
      return await work();
    } catch (e) {
      return err('git_failed', `cannot update the ref cell ${cell.dir}: ${(e as Error).message}`);
    }
  };
  const previous = queues.get(cell.dir) ?? Promise.resolve();
  const next = previous.then(guarded, guarded);
  const settled = next.catch(() => undefined);
  queues.set(cell.dir, settled);
  void settled.then(() => {
    if (queues.get(cell.dir) === settled) queues.delete(cell.dir);
  });
  return next;
}

/**
 * Links the branch checked out in the cell's worktree into the cell, so the container can move it and
 * only it. A worktree with no `berth/<name>` branch checked out (a detached slot) gets an empty cell.
 * The cell's directories must exist (prepareRefCell).
 */
export function linkBranch(cell: RefCell): Promise<Result<void>> {
  return serialized(cell, async () => {
    // A run that ended without being unlinked (the orchestrator was down): fold it in first.
    const previous = await unlinkNow(cell);
    if (!previous.ok) return previous;
    clearDir(cell.heads);
    clearDir(cell.logs);
    const name = checkedOutBranch(cell);
    if (!name) return ok();
    const hostRef = path.join(cell.repoGitDir, BRANCH_DIR, name);
    return underGitLock(hostRef, async () => {
      const value = await revParse(cell.repoGitDir, `refs/heads/berth/${name}`);
      if (!value) return err('git_failed', `branch berth/${name} does not exist`);
      writeAtomic(path.join(cell.heads, name), `${value}\n`);
      writeAtomic(path.join(cell.dir, 'linked'), JSON.stringify({ name, base: value } satisfies Linked));
      const link = `${hostRef}.berth-link`;
      fs.rmSync(link, { force: true });
      fs.symlinkSync(path.relative(path.dirname(hostRef), path.join(cell.heads, name)), link);
      fs.renameSync(link, hostRef);
      return ok();
    });
  });
}

/**
 * Ends a run: the host's ref becomes a plain file with the branch's value from the cell, and the
 * container's reflog lines join the host's. Returns a warning when the branch was also moved on the
 * host during the run and the two histories diverged (the container's tip is kept under
 * `refs/berth-diverged/`); null otherwise.
 */
export function unlinkBranch(cell: RefCell): Promise<Result<string | null>> {
  return serialized(cell, () => unlinkNow(cell));
}

/** Unlinks (if linked) and removes the cell: its worktree is going away. */
export function removeRefCell(cell: RefCell): Promise<Result<string | null>> {
  return serialized(cell, async () => {
    const r = await unlinkNow(cell);
    // A ref still pointing into the cell must keep it.
    if (r.ok) fs.rmSync(cell.dir, { recursive: true, force: true });
    return r;
  });
}

async function unlinkNow(cell: RefCell): Promise<Result<string | null>> {
  const linked = readLinked(cell);
  if (!linked) return ok(null);
  const { name, base } = linked;
  const hostRef = path.join(cell.repoGitDir, BRANCH_DIR, name);
  const cellRef = path.join(cell.heads, name);
  const r = await underGitLock(hostRef, async (): Promise<Result<string | null>> => {
    const fromCell = (await cellValue(cell, cellRef)) ?? base;
    const target = path.relative(path.dirname(hostRef), cellRef);
    const ours = fs.lstatSync(hostRef, { throwIfNoEntry: false })?.isSymbolicLink() === true && fs.readlinkSync(hostRef) === target;
    if (ours) {
      writeAtomic(hostRef, `${fromCell}\n`);
      appendReflog(cell, name);
      return ok(null);
    }
    // The host moved the branch during the run (a commit or reset there, or `git pack-refs`).
    const onHost = await revParse(cell.repoGitDir, `refs/heads/berth/${name}`);
    if (onHost === fromCell || (onHost && (await isAncestor(cell.repoGitDir, fromCell, onHost)))) return ok(null);
    if (!onHost || (await isAncestor(cell.repoGitDir, onHost, fromCell))) {
      writeAtomic(hostRef, `${fromCell}\n`);
      appendReflog(cell, name);
      return ok(null);
    }
    const kept = `refs/berth-diverged/${name}/${fromCell.slice(0, 12)}`;
    const saved = await git(cell.repoGitDir, ['--git-dir', cell.repoGitDir, 'update-ref', kept, fromCell]);
    return ok(
      saved.ok
        ? `branch berth/${name} was moved on the host while the container committed to it; the container's commits are kept at ${kept}`
        : `branch berth/${name} was moved on the host while the container committed to it (${fromCell.slice(0, 12)} could not be kept: ${saved.error.message})`,
    );
  });
  if (!r.ok) return r;
  fs.rmSync(path.join(cell.dir, 'linked'), { force: true });
  clearDir(cell.heads);
  clearDir(cell.logs);
  return r;
}

/**
 * Runs `work` holding git's own lock on a loose ref (`<ref>.lock`, created exclusively), so a git
 * command on the host can't write the ref at the same time; git itself waits or fails on it.
 */
async function underGitLock<T>(ref: string, work: () => Promise<Result<T>>): Promise<Result<T>> {
  const lock = `${ref}.lock`;
  fs.mkdirSync(path.dirname(ref), { recursive: true });
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch (e) {
    return err('git_failed', `cannot lock ${ref}: ${(e as Error).message}`);
  }
  fs.closeSync(fd);
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** The cell's value of the branch, when it is a plain file naming a commit (never following a link the container made). */
async function cellValue(cell: RefCell, file: string): Promise<string | null> {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > MAX_REF_BYTES) return null;
  const value = fs.readFileSync(file, 'utf8').trim();
  if (!OBJECT_ID.test(value)) return null;
  const type = await git(cell.repoGitDir, ['--git-dir', cell.repoGitDir, 'cat-file', '-t', value]);
  return type.ok && type.value.stdout.trim() === 'commit' ? value : null;
}

/** Appends the container's well-formed reflog lines for the branch to the host's reflog. */
function appendReflog(cell: RefCell, name: string): void {
  const file = path.join(cell.logs, name);
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size === 0) return;
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(Math.min(st.size, MAX_REFLOG_BYTES));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const lines = buf.subarray(0, n).toString('utf8').split('\n').filter((l) => REFLOG_LINE.test(l));
    if (lines.length === 0) return;
    const hostLog = path.join(cell.repoGitDir, BRANCH_LOG_DIR, name);
    if (fs.lstatSync(hostLog, { throwIfNoEntry: false })?.isSymbolicLink()) return;
    fs.mkdirSync(path.dirname(hostLog), { recursive: true });
    fs.appendFileSync(hostLog, `${lines.join('\n')}\n`);
  } finally {
    fs.closeSync(fd);
  }
}

/** The `berth/<name>` branch checked out in the cell's worktree (its admin dir's HEAD), or null. */
function checkedOutBranch(cell: RefCell): string | null {
  try {
    const head = fs.readFileSync(path.join(cell.repoGitDir, 'worktrees', cell.adminName, 'HEAD'), 'utf8').trim();
    const m = /^ref: refs\/heads\/berth\/(.+)$/.exec(head);
    return m && BRANCH_NAME.test(m[1]!) && !m[1]!.endsWith('.lock') ? m[1]! : null;
  } catch {
    return null;
  }
}

function readLinked(cell: RefCell): Linked | null {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(cell.dir, 'linked'), 'utf8')) as Partial<Linked>;
    return typeof v.name === 'string' && BRANCH_NAME.test(v.name) && typeof v.base === 'string' && OBJECT_ID.test(v.base)
      ? { name: v.name, base: v.base }
      : null;
  } catch {
    return null;
  }
}

async function revParse(repoGitDir: string, ref: string): Promise<string | null> {
  const r = await git(repoGitDir, ['--git-dir', repoGitDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return r.ok ? r.value.stdout.trim() : null;
}

async function isAncestor(repoGitDir: string, ancestor: string, of: string): Promise<boolean> {
  return (await git(repoGitDir, ['--git-dir', repoGitDir, 'merge-base', '--is-ancestor', ancestor, of])).ok;
}

/** Writes a file by renaming a fresh one over it (never writing through a link someone planted). */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.berth-tmp`;
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, text, { flag: 'wx' });
  fs.renameSync(tmp, file);
}

/** Removes every entry of a cell directory (what a container left there), keeping the directory. */
function clearDir(dir: string): void {
  if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) return;
  for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
}
