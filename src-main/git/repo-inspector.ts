/**
 * What session create checks about a repository, answered mostly without spawning git: the work-tree
 * root is cached per folder, HEAD is read from its file, refs come from a batch process. Each git exec
 * saved is a few milliseconds off create → first output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { Disposable } from '../../src-shared/lifecycle.js';
import { git, resolveCommit } from './git.js';
import { RefResolver } from './ref-resolver.js';

/** What creating a session needs to know about its repository. */
export interface CreateTarget {
  root: string;
  name: string;
  /** The base to branch from: the requested one, else the checked-out branch (or HEAD when detached). */
  base: string;
}

export class RepoInspector implements Disposable {
  private readonly roots = new Map<string, string>();
  private readonly refs = new RefResolver();

  async forCreate(input: string, requestedBase: string | undefined): Promise<Result<CreateTarget>> {
    const abs = path.resolve(input);
    try {
      if (!fs.statSync(abs).isDirectory()) return err('not_a_repo', `${abs} is not a folder`);
    } catch {
      return err('not_a_repo', `${abs} does not exist`);
    }
    const root = await this.root(abs);
    if (!root) return err('not_a_repo', `${abs} is not a git repository (git init it, or pick its folder)`);
    if (requestedBase !== undefined) {
      const oid = await this.refs.resolve(root, `${requestedBase}^{commit}`);
      const exists = oid === undefined ? (await resolveCommit(root, requestedBase)).ok : oid !== null;
      if (!exists) return err('bad_request', `base branch "${requestedBase}" does not exist in ${root}`);
    }
    return ok({ root, name: path.basename(root), base: requestedBase ?? (await this.headBranch(root)) });
  }

  /** Whether the local branch exists. */
  async branchExists(root: string, branch: string): Promise<boolean> {
    const oid = await this.refs.resolve(root, `refs/heads/${branch}`);
    if (oid !== undefined) return oid !== null;
    return (await git(root, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).ok;
  }

  dispose(): void {
    this.refs.dispose();
  }

  private async root(abs: string): Promise<string | null> {
    const cached = this.roots.get(abs);
    if (cached && fs.existsSync(path.join(cached, '.git'))) return cached;
    const top = await git(abs, ['rev-parse', '--show-toplevel']);
    if (!top.ok) return null;
    const root = fs.realpathSync(top.value.stdout.trim());
    this.roots.set(abs, root);
    return root;
  }

  /** The checked-out branch, from `.git/HEAD` when it is a plain file ref, else from git. */
  private async headBranch(root: string): Promise<string> {
    try {
      const head = fs.readFileSync(path.join(root, '.git', 'HEAD'), 'utf8').trim();
      const m = /^ref: refs\/heads\/(.+)$/.exec(head);
      // reftable repositories keep a placeholder here; ask git instead.
      if (m && m[1] !== '.invalid') return m[1]!;
      if (/^[0-9a-f]{40,64}$/.test(head)) return 'HEAD';
    } catch {
      // .git is a file (a linked worktree or submodule): ask git
    }
    const r = await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return r.ok ? r.value.stdout.trim() : 'HEAD';
  }
}
