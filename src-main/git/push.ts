/**
 * Push: a session branch to a remote of its repository, under the same name (`berth/<name>`).
 *
 * The remote is the one asked for, else the branch's upstream remote, else `origin`, else the only
 * remote. git runs with prompts off (GIT_TERMINAL_PROMPT=0), so a remote that needs credentials git has
 * no helper for fails with git's own message instead of waiting for input.
 */
import type { PushDto } from '../../src-shared/changes.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { git } from './git.js';

/** Remotes of the repository at `repo`, in git's order. */
export async function listRemotes(repo: string): Promise<Result<string[]>> {
  const r = await git(repo, ['remote']);
  return r.ok ? ok(r.value.stdout.split('\n').filter((l) => l.length > 0)) : r;
}

/** The remote a push of `branch` goes to when none is named (see the file comment). */
export async function defaultRemote(repo: string, branch: string, remotes: readonly string[]): Promise<Result<string>> {
  const upstream = await git(repo, ['config', '--get', `branch.${branch}.remote`]);
  if (upstream.ok) {
    const name = upstream.value.stdout.trim();
    if (remotes.includes(name)) return ok(name);
  }
  if (remotes.includes('origin')) return ok('origin');
  if (remotes.length === 1) return ok(remotes[0]!);
  if (remotes.length === 0) return err('invalid_state', `${repo} has no remote to push to: add one (git remote add origin <url>), then push again`);
  return err('bad_request', `${repo} has several remotes (${remotes.join(', ')}) and none is origin: name one (--remote <name>)`);
}

/** Pushes `s`'s branch to `remote` (or the default one). */
export async function pushSession(s: Pick<SessionDto, 'repoPath' | 'branch'>, remote?: string): Promise<Result<PushDto>> {
  const remotes = await listRemotes(s.repoPath);
  if (!remotes.ok) return remotes;
  if (remote !== undefined && !remotes.value.includes(remote)) {
    const known = remotes.value.length > 0 ? `its remotes are ${remotes.value.join(', ')}` : 'it has none';
    return err('bad_request', `${s.repoPath} has no remote "${remote}" (${known})`);
  }
  const target = remote !== undefined ? ok(remote) : await defaultRemote(s.repoPath, s.branch, remotes.value);
  if (!target.ok) return target;
  const ref = `refs/heads/${s.branch}`;
  // Without advice hints, git's last lines are the rejection and its reason (non-fast-forward, …).
  const r = await git(s.repoPath, ['-c', 'advice.pushUpdateRejected=false', 'push', '--', target.value, `${ref}:${ref}`]);
  if (!r.ok) return err('git_failed', `pushing ${s.branch} to ${target.value} failed: ${r.error.message.replace(/^git push failed: /, '')}`);
  return ok({ remote: target.value, branch: s.branch });
}
