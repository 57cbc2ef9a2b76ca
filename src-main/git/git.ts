/**
 * Git plumbing for sessions: inspect repositories, add and remove worktrees.
 *
 * Git runs through the shared process runner (no shell, a timeout that kills its process group) with
 * hooks and fsmonitor disabled, so a repository's own configuration cannot run code on Berth's behalf.
 */
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { RepoInfoDto } from '../../src-shared/dto.js';
import { describeFailure, runChecked, runProcess, type ProcessOutput } from '../process/run.js';
import { statusPaths } from './changes-parse.js';
import { inRepoQueue } from './repo-queue.js';

/** Longest any one git command may run. */
const GIT_TIMEOUT_MS = 60_000;
/** Output cap for one git command. */
const GIT_MAX_BUFFER = 16 * 1024 * 1024;

/** `-c` options on every call: no hooks, no fsmonitor daemon, no pager, no credential prompts. */
export const GIT_SAFE_CONFIG: readonly string[] = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'core.pager=cat'];

/**
 * `-c safe.directory=<dir>` for git run in a session worktree: it is Berth's own, and may belong to a
 * container's uid (a root host user's Docker sessions), which git would otherwise refuse as of
 * "dubious ownership".
 */
export function trustDir(dir: string): string[] {
  return ['-c', `safe.directory=${dir}`];
}

/** Environment of every git Berth runs: no prompts, no optional locks, untranslated messages. */
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

export type GitOutput = ProcessOutput;

/**
 * Runs git in `cwd`; a non-zero exit is an error value carrying git's own message. `maxOutputBytes`
 * raises the output cap for a listing that may be long (every ignored file of a repository).
 */
export function git(cwd: string, args: string[], signal?: AbortSignal, maxOutputBytes = GIT_MAX_BUFFER): Promise<Result<GitOutput>> {
  return runChecked('git', [...GIT_SAFE_CONFIG, ...args], {
    cwd,
    env: gitEnv(),
    timeoutMs: GIT_TIMEOUT_MS,
    maxOutputBytes,
    signal,
    label: `git ${args[0]}`,
    errorCode: 'git_failed',
  });
}

/** Options of `gitWith`: stdin text, exit codes that are not failures, an output cap. */
export interface GitCallOptions {
  signal?: AbortSignal;
  /** Written to git's stdin (a patch for `git apply -`, a message for `git commit -F -`). */
  input?: string;
  /** Exit codes besides 0 that mean success (`git diff --no-index` exits 1 when the files differ). */
  okCodes?: readonly number[];
  maxOutputBytes?: number;
}

/** Like `git`, with stdin and extra success codes; the value carries the exit code. */
export async function gitWith(cwd: string, args: string[], options: GitCallOptions = {}): Promise<Result<GitOutput & { code: number }>> {
  const outcome = await runProcess('git', [...GIT_SAFE_CONFIG, ...args], {
    cwd,
    env: gitEnv(),
    timeoutMs: GIT_TIMEOUT_MS,
    maxOutputBytes: options.maxOutputBytes ?? GIT_MAX_BUFFER,
    signal: options.signal,
    input: options.input,
  });
  if (outcome.kind === 'exit' && (outcome.code === 0 || options.okCodes?.includes(outcome.code))) {
    return ok({ stdout: outcome.stdout, stderr: outcome.stderr, code: outcome.code });
  }
  return err('git_failed', `git ${subcommand(args)} failed: ${describeFailure(outcome)}`);
}

/** The subcommand of a git argument list (after `-c name=value` pairs and global options). */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') i++;
    else if (!args[i]!.startsWith('-')) return args[i]!;
  }
  return args[0] ?? '';
}

/** Resolves `input` to the top of a git work tree and describes it. */
export async function inspectRepo(input: string): Promise<Result<RepoInfoDto>> {
  const abs = path.resolve(input);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    return err('not_a_repo', `${abs} does not exist`);
  }
  if (!stat.isDirectory()) return err('not_a_repo', `${abs} is not a folder`);
  const top = await git(abs, ['rev-parse', '--show-toplevel']);
  if (!top.ok) return err('not_a_repo', `${abs} is not a git repository (git init it, or pick its folder)`);
  const root = fs.realpathSync(top.value.stdout.trim());
  const head = await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  const branches = await git(root, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/']);
  return ok({
    path: root,
    name: path.basename(root),
    currentBranch: head.ok ? head.value.stdout.trim() : null,
    branches: branches.ok ? branches.value.stdout.split('\n').filter((b) => b.length > 0) : [],
  });
}

/** Whether `ref` names a commit in the repository. */
export async function resolveCommit(repo: string, ref: string): Promise<Result<string>> {
  const r = await git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!r.ok) return err('bad_request', `base branch "${ref}" does not exist in ${repo}`);
  return ok(r.value.stdout.trim());
}

/** Creates `dir` as a worktree of `repo` on a new branch `branch` starting at `base`. */
export async function addWorktree(repo: string, dir: string, branch: string, base: string): Promise<Result<void>> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const r = await inRepoQueue(repo, () => git(repo, ['worktree', 'add', '--quiet', '-b', branch, dir, base]));
  return r.ok ? ok() : r;
}

/**
 * Checks a new branch out into an existing worktree that has nothing checked out (a warm-pool slot,
 * added detached with `--no-checkout`): `-f` fills the empty index and working tree from `base`.
 */
export async function checkoutNewBranch(repo: string, dir: string, branch: string, base: string): Promise<Result<void>> {
  // The slot may belong to the container's uid already (a root host user's sessions run as another
  // uid); it is Berth's own, nothing ran in it yet, so git is told to trust it.
  // The new branch is a ref of the shared repository: git checks no other worktree has it checked out.
  const r = await inRepoQueue(repo, () => git(dir, [...trustDir(dir), 'checkout', '--quiet', '-f', '-b', branch, base]));
  return r.ok ? ok() : r;
}

/** Paths with uncommitted changes (staged, unstaged, untracked) in the work tree at `dir`. */
export async function dirtyPaths(dir: string): Promise<Result<string[]>> {
  const r = await git(dir, [...trustDir(dir), 'status', '--porcelain=v2', '-z', '--untracked-files=all']);
  return r.ok ? ok(statusPaths(r.value.stdout)) : r;
}

/**
 * Removes the worktree and its branch when the branch has nothing that isn't already in `base`
 * (an unmerged branch is kept so committed work is never lost; `git branch -D` is the user's call).
 */
export async function removeWorktree(
  repo: string,
  dir: string,
  branch: string,
  force: boolean,
): Promise<Result<{ branchKept: boolean }>> {
  return inRepoQueue(repo, () => removeWorktreeNow(repo, dir, branch, force));
}

async function removeWorktreeNow(repo: string, dir: string, branch: string, force: boolean): Promise<Result<{ branchKept: boolean }>> {
  if (fs.existsSync(dir)) {
    const r = await git(repo, ['worktree', 'remove', ...(force ? ['--force', '--force'] : []), dir]);
    if (!r.ok) return r;
  } else {
    await git(repo, ['worktree', 'prune']);
  }
  const del = await git(repo, ['branch', '-d', branch]);
  return ok({ branchKept: !del.ok });
}
