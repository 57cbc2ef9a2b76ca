/**
 * The review backend: a session's changes (list, diff), staging of files and hunks, discarding, and
 * commits, in the session's worktree on the host.
 *
 * Every operation on one worktree runs after the previous one has finished (a queue keyed by the
 * worktree path), so a stage never races a commit. git runs with hooks and fsmonitor off (GIT_SAFE_CONFIG).
 */
import fs from 'node:fs';
import path from 'node:path';
import type {
  Availability,
  ChangedFileDto,
  ChangesDto,
  CommitDto,
  DiffDto,
  DiffParams,
  HunkParams,
  PathsParams,
  CommitParams,
  DiffArea,
} from '../../src-shared/changes.js';
import type { z } from 'zod';
import type { SessionDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { findExecutable } from '../process/find-executable.js';
import { inRepoQueue } from './repo-queue.js';
import {
  aheadBehind,
  baseExists,
  DEFAULT_CONTEXT,
  diffFiles,
  diffText,
  mergeBase,
  remotes,
  sinceBase,
  statusEntries,
  worktreeFiles,
  wtGit,
  type Worktree,
} from './changes-read.js';
import { patchForHunk } from './hunks.js';
import { removeUntracked } from './changes-write.js';

/** What the service needs from the rest of the orchestrator. */
export interface ChangesServiceDeps {
  /** The session named by id or name. */
  find(ref: string): Result<SessionDto>;
  /** Whether "Create pull request" can be used for this session; by default: is `gh` installed. */
  pullRequest?(session: SessionDto): Promise<Availability> | Availability;
}

/** The worktree's current lists, as `changes.list` answers. */
interface Lists {
  staged: ChangedFileDto[];
  unstaged: ChangedFileDto[];
}

/** See the file comment. */
export class ChangesService {
  constructor(private readonly deps: ChangesServiceDeps) {}

  /** The session's changes against its base, staged and unstaged. */
  list(ref: string): Promise<Result<ChangesDto>> {
    return this.inWorktree(ref, (s, wt) => this.listNow(s, wt));
  }

  /** Unified diff text of one area (or `all`), optionally of one file. */
  diff(p: z.output<typeof DiffParams>): Promise<Result<DiffDto>> {
    return this.inWorktree(p.ref, async (_s, wt) => {
      const paths = p.path ? [p.path] : [];
      let untracked: string[] = [];
      if (p.area === 'unstaged' || p.area === 'all') {
        const lists = await this.lists(wt);
        if (!lists.ok) return lists;
        untracked = lists.value.unstaged.filter((f) => f.status === 'untracked' && (!p.path || f.path === p.path)).map((f) => f.path);
      }
      if (p.area === 'committed' && !(await baseExists(wt))) return err('not_found', `the base branch "${wt.base}" no longer exists`);
      const text = await diffText(wt, { area: p.area, paths, context: p.context ?? DEFAULT_CONTEXT, untracked });
      if (!text.ok) return text;
      if (!p.stat) return text;
      const files = await this.areaFiles(wt, p.area);
      if (!files.ok) return files;
      return ok({ ...text.value, files: p.path ? files.value.filter((f) => f.path === p.path) : files.value });
    });
  }

  /** Stages whole files (changes, deletions, untracked files) named in the unstaged list. */
  stage(p: z.output<typeof PathsParams>): Promise<Result<ChangesDto>> {
    return this.inWorktree(p.ref, async (s, wt) => {
      const lists = await this.lists(wt);
      if (!lists.ok) return lists;
      const known = pathsOf(lists.value.unstaged);
      const missing = p.paths.find((x) => !known.has(x));
      if (missing !== undefined) return err('bad_request', `"${missing}" has no unstaged changes; reload the changes`);
      const r = await wtGit(wt, ['add', '-A', '--', ...p.paths]);
      return r.ok ? this.listNow(s, wt) : r;
    });
  }

  /** Unstages whole files named in the staged list (a rename's old path goes with it). */
  unstage(p: z.output<typeof PathsParams>): Promise<Result<ChangesDto>> {
    return this.inWorktree(p.ref, async (s, wt) => {
      const lists = await this.lists(wt);
      if (!lists.ok) return lists;
      const known = pathsOf(lists.value.staged);
      const missing = p.paths.find((x) => !known.has(x));
      if (missing !== undefined) return err('bad_request', `"${missing}" has no staged changes; reload the changes`);
      const withOld = new Set(p.paths);
      for (const f of lists.value.staged) if (withOld.has(f.path) && f.oldPath) withOld.add(f.oldPath);
      const r = await wtGit(wt, ['restore', '--staged', '--', ...withOld]);
      return r.ok ? this.listNow(s, wt) : r;
    });
  }

  /**
   * Stages (or unstages) the one hunk of a file whose `@@` header the user saw; a diff that changed
   * since is refused with `conflict`.
   */
  stageHunk(p: z.output<typeof HunkParams>): Promise<Result<ChangesDto>> {
    return this.inWorktree(p.ref, async (s, wt) => {
      const lists = await this.lists(wt);
      if (!lists.ok) return lists;
      const list = p.unstage ? lists.value.staged : lists.value.unstaged;
      const file = list.find((f) => f.path === p.path);
      if (!file) return err('bad_request', `"${p.path}" has no ${p.unstage ? 'staged' : 'unstaged'} changes; reload the changes`);
      const context = p.context ?? DEFAULT_CONTEXT;
      const untracked = file.status === 'untracked' ? [p.path] : [];
      const text = await diffText(wt, { area: p.unstage ? 'staged' : 'unstaged', paths: [p.path], context, untracked });
      if (!text.ok) return text;
      const patch = patchForHunk(text.value.diff, p.header);
      if (!patch) return err('conflict', `"${p.path}" changed since its diff was shown (no hunk ${p.header.trim()}); reload the changes`);
      const args = ['apply', '--cached', '--whitespace=nowarn', ...(p.unstage ? ['--reverse'] : []), ...(context === 0 ? ['--unidiff-zero'] : []), '-'];
      const r = await wtGit(wt, args, { input: patch });
      return r.ok ? this.listNow(s, wt) : r;
    });
  }

  /**
   * Discards the working-tree changes of exactly the named files: tracked ones are restored from the
   * index, untracked ones deleted. Paths not in the unstaged list are refused and nothing is touched.
   */
  discard(p: z.output<typeof PathsParams>): Promise<Result<ChangesDto>> {
    return this.inWorktree(p.ref, async (s, wt) => {
      const lists = await this.lists(wt);
      if (!lists.ok) return lists;
      const byPath = new Map(lists.value.unstaged.map((f) => [f.path, f]));
      const missing = p.paths.find((x) => !byPath.has(x));
      if (missing !== undefined) return err('bad_request', `"${missing}" has no unstaged changes to discard; reload the changes`);
      const untracked = p.paths.filter((x) => byPath.get(x)?.status === 'untracked');
      const tracked = p.paths.filter((x) => byPath.get(x)?.status !== 'untracked');
      const checked = removeUntracked(wt.dir, untracked, true);
      if (!checked.ok) return checked;
      if (tracked.length > 0) {
        const r = await wtGit(wt, ['restore', '--worktree', '--', ...tracked]);
        if (!r.ok) return r;
      }
      const removed = removeUntracked(wt.dir, untracked, false);
      return removed.ok ? this.listNow(s, wt) : removed;
    });
  }

  /** Commits what is staged (with `all`, everything first) with the repository's configured identity. */
  commit(p: z.output<typeof CommitParams>): Promise<Result<CommitDto>> {
    return this.inWorktree(p.ref, async (_s, wt) => {
      const identity = await checkIdentity(wt);
      if (!identity.ok) return identity;
      if (p.all) {
        const add = await wtGit(wt, ['add', '-A']);
        if (!add.ok) return add;
      }
      const staged = await wtGit(wt, ['diff', '--cached', '--quiet', '--no-ext-diff'], { okCodes: [1] });
      if (!staged.ok) return staged;
      if (staged.value.code === 0) {
        return err('invalid_state', p.all ? 'there are no changes to commit' : 'nothing is staged to commit: stage files first, or commit with --all');
      }
      const commit = await wtGit(wt, ['-c', 'user.useConfigOnly=true', 'commit', '--quiet', '--no-verify', '-F', '-'], { input: `${p.message}\n` });
      if (!commit.ok) return commit;
      const head = await wtGit(wt, ['rev-parse', 'HEAD']);
      if (!head.ok) return head;
      return ok({ commit: head.value.stdout.trim(), summary: p.message.split('\n')[0]!.trim() });
    });
  }

  private async listNow(s: SessionDto, wt: Worktree): Promise<Result<ChangesDto>> {
    const [lists, countsNow, committedNow, remoteNames, pullRequest] = await Promise.all([
      this.lists(wt),
      aheadBehind(wt),
      diffFiles(wt, [sinceBase(wt)]),
      remotes(wt),
      this.pullRequest(s),
    ]);
    if (!lists.ok) return lists;
    // A base branch deleted since: nothing to compare with, the rest of the view still works.
    const baseGone = (!countsNow.ok || !committedNow.ok) && !(await baseExists(wt));
    const counts = baseGone ? ok({ ahead: 0, behind: 0 }) : countsNow;
    const committed = baseGone ? ok([]) : committedNow;
    if (!counts.ok) return counts;
    if (!committed.ok) return committed;
    return ok({
      sessionId: s.id,
      branch: s.branch,
      baseBranch: s.baseBranch,
      ahead: counts.value.ahead,
      behind: counts.value.behind,
      committed: committed.value,
      staged: lists.value.staged,
      unstaged: lists.value.unstaged,
      remotes: remoteNames,
      pullRequest,
    });
  }

  private async lists(wt: Worktree): Promise<Result<Lists>> {
    const entries = await statusEntries(wt);
    return entries.ok ? worktreeFiles(wt, entries.value) : entries;
  }

  /** The files of a diff area, with counts (for `stat`). */
  private async areaFiles(wt: Worktree, area: DiffArea): Promise<Result<ChangedFileDto[]>> {
    if (area === 'committed') return diffFiles(wt, [sinceBase(wt)]);
    const lists = await this.lists(wt);
    if (!lists.ok) return lists;
    if (area === 'staged') return ok(lists.value.staged);
    if (area === 'unstaged') return ok(lists.value.unstaged);
    const mb = await mergeBase(wt);
    if (!mb.ok) return mb;
    const tracked = await diffFiles(wt, [mb.value]);
    if (!tracked.ok) return tracked;
    return ok([...tracked.value, ...lists.value.unstaged.filter((f) => f.status === 'untracked')]);
  }

  private async pullRequest(s: SessionDto): Promise<Availability> {
    if (this.deps.pullRequest) return this.deps.pullRequest(s);
    return findExecutable('gh') ? { available: true, reason: null } : { available: false, reason: 'the GitHub CLI (gh) is not installed' };
  }

  /** Runs `fn` on the session's worktree once earlier operations on it have finished. */
  private inWorktree<T>(ref: string, fn: (s: SessionDto, wt: Worktree) => Promise<Result<T>>): Promise<Result<T>> {
    const found = this.deps.find(ref);
    if (!found.ok) return Promise.resolve(found);
    const s = found.value;
    if (!fs.existsSync(path.join(s.worktreePath, '.git'))) {
      return Promise.resolve(
        err('invalid_state', `the worktree of session "${s.name}" is gone (${s.worktreePath}); restart the session to make it again, or delete the session`),
      );
    }
    return inRepoQueue(s.worktreePath, () => fn(s, { dir: s.worktreePath, base: s.baseBranch }));
  }
}

/** The paths (and old paths of renames) of a list. */
function pathsOf(files: ChangedFileDto[]): Set<string> {
  return new Set(files.flatMap((f) => (f.oldPath ? [f.path, f.oldPath] : [f.path])));
}

/** Refuses a commit when no author identity is configured (git would otherwise invent one from the host name). */
async function checkIdentity(wt: Worktree): Promise<Result<void>> {
  const [name, email] = await Promise.all([
    wtGit(wt, ['config', '--get', 'user.name'], { okCodes: [1] }),
    wtGit(wt, ['config', '--get', 'user.email'], { okCodes: [1] }),
  ]);
  if (!name.ok) return name;
  if (!email.ok) return email;
  const hasName = name.value.stdout.trim() !== '' || !!process.env.GIT_AUTHOR_NAME;
  const hasEmail = email.value.stdout.trim() !== '' || !!process.env.GIT_AUTHOR_EMAIL;
  if (hasName && hasEmail) return ok();
  return err(
    'invalid_state',
    'no git identity is configured for commits: set it with `git config user.name "Your Name"` and `git config user.email you@example.com` (in the repository, or with --global)',
  );
}
