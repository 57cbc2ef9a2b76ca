/**
 * Test helpers for the work loop's git tests: a snapshot of a work tree that two calls compare to
 * prove an operation left it byte-identical, and small git shorthands.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestOrchestrator } from './fixtures.js';
import { waitFor } from './fixtures.js';
import type { SessionDto } from '../../src-shared/dto.js';

/** Runs git in `cwd` and answers its stdout (throws on failure: test setup). */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, stdio: 'pipe', encoding: 'utf8' });
}

/** Writes `rel` under `root` (making folders) and commits it with `message`. */
export function commitFile(root: string, rel: string, content: string, message = `change ${rel}`): string {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
  gitIn(root, 'add', '--', rel);
  gitIn(root, 'commit', '-q', '-m', message);
  return gitIn(root, 'rev-parse', 'HEAD').trim();
}

/** sha256 of every file and symlink under `root` (relative path → hash; `.git` skipped). */
function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs);
      if (rel === '.git') continue;
      if (e.isDirectory()) walk(abs);
      else if (e.isSymbolicLink()) out[rel] = `link:${fs.readlinkSync(abs)}`;
      else out[rel] = crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    }
  };
  walk(root);
  return out;
}

/** Everything a user could see of a work tree: status, diffs, HEAD, every ref, every file's bytes. */
export function snapshot(dir: string): Record<string, unknown> {
  return {
    status: gitIn(dir, 'status', '--porcelain=v2', '-z', '--untracked-files=all', '--branch'),
    diff: gitIn(dir, 'diff', '--binary'),
    cached: gitIn(dir, 'diff', '--cached', '--binary'),
    head: gitIn(dir, 'rev-parse', 'HEAD'),
    symbolic: gitIn(dir, 'symbolic-ref', '-q', 'HEAD'),
    refs: gitIn(dir, 'for-each-ref', '--format=%(refname) %(objectname)'),
    files: hashTree(dir),
    inProgress: ['MERGE_HEAD', 'rebase-merge', 'rebase-apply', 'CHERRY_PICK_HEAD'].filter((f) =>
      fs.existsSync(path.join(gitIn(dir, 'rev-parse', '--absolute-git-dir').trim(), f)),
    ),
  };
}

/** Creates a shell session on `repo` and waits until its worktree exists and it runs. */
export async function shellSession(t: TestOrchestrator, repo: string, name: string, prompt = 'echo started'): Promise<SessionDto> {
  const created = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt, name });
  return waitFor(async () => {
    const s = await t.must('sessions.get', { ref: created.id });
    if (s.state === 'failed') throw new Error(`session ${name} failed: ${s.reason}`);
    return s.state !== 'creating' && fs.existsSync(s.worktreePath) ? s : null;
  }, `session ${name} to start`);
}
