/**
 * Git health of the repositories in use: loose objects and packs (`git count-objects -v`), and large untracked
 * files, which worktrees don't get but agents' tools (ripgrep, language servers, watchers) walk in the checkout.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../src-shared/result.js';
import { GIT_SAFE_CONFIG, git, gitEnv } from '../git/git.js';
import { formatBytes, shellQuote } from './text.js';
import { okOutcome, type CheckOutcome, type DoctorCheck, type DoctorThresholds } from './types.js';

/** Untracked names read at most per repository: past this the listing stops and says so. */
const UNTRACKED_SCAN_CAP = 100_000;
/** Files stat'ed at once. */
const STAT_BATCH = 256;
/** Biggest untracked files named in the report. */
const UNTRACKED_LISTED = 5;

/** Two checks per repository. */
export function gitChecks(repos: readonly string[], thresholds: DoctorThresholds): DoctorCheck[] {
  return repos.flatMap((repo) => [
    { id: `git.loose-objects:${repo}`, title: `Git objects in ${path.basename(repo)}`, run: (signal: AbortSignal) => looseObjectsCheck(repo, thresholds, signal) },
    { id: `git.untracked-large:${repo}`, title: `Large untracked files in ${path.basename(repo)}`, run: (signal: AbortSignal) => untrackedLargeCheck(repo, thresholds, signal) },
  ]);
}

/** `git count-objects -v` as numbers (sizes in bytes). */
export interface ObjectCounts {
  count: number;
  sizeBytes: number;
  inPack: number;
  packs: number;
  sizePackBytes: number;
  garbage: number;
}

export function parseCountObjects(stdout: string): ObjectCounts {
  const values = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = /^([\w-]+):\s*(\d+)/.exec(line.trim());
    if (m) values.set(m[1]!, Number(m[2]));
  }
  const get = (k: string) => values.get(k) ?? 0;
  // git reports sizes in KiB.
  return { count: get('count'), sizeBytes: get('size') * 1024, inPack: get('in-pack'), packs: get('packs'), sizePackBytes: get('size-pack') * 1024, garbage: get('garbage') };
}

async function looseObjectsCheck(repo: string, t: DoctorThresholds, signal: AbortSignal): Promise<CheckOutcome> {
  if (!(await isDirectory(repo))) return missingRepo(repo, `${repo} does not exist`);
  const r = await git(repo, ['count-objects', '-v'], signal);
  if (!r.ok) return missingRepo(repo, r.error.message);
  const c = parseCountObjects(r.value.stdout);
  const detail = `${c.count.toLocaleString('en-US')} loose objects (${formatBytes(c.sizeBytes)}), ${c.inPack.toLocaleString('en-US')} packed in ${c.packs} pack(s) (${formatBytes(c.sizePackBytes)})`;
  const problems: string[] = [];
  if (c.count > t.looseObjects) problems.push(`more than ${t.looseObjects.toLocaleString('en-US')} loose objects`);
  if (c.sizeBytes > t.looseBytes) problems.push(`loose objects over ${formatBytes(t.looseBytes)}`);
  if (c.packs > t.packs) problems.push(`more than ${t.packs} packs`);
  if (problems.length === 0) return okOutcome(detail);
  return {
    status: 'warn',
    detail: `${detail}: ${problems.join(', ')}; git (and worktree creation) slows down`,
    fix: `Repack: \`git -C ${shellQuote(repo)} gc\``,
  };
}

async function untrackedLargeCheck(repo: string, t: DoctorThresholds, signal: AbortSignal): Promise<CheckOutcome> {
  if (!(await isDirectory(repo))) return missingRepo(repo, `${repo} does not exist`);
  const listed = await listUntracked(repo, signal);
  if (!listed.ok) return missingRepo(repo, listed.error.message);
  const { files, truncated } = listed.value;
  const large: { rel: string; size: number }[] = [];
  for (let i = 0; i < files.length && !signal.aborted; i += STAT_BATCH) {
    const batch = files.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map((rel) => fs.promises.lstat(path.join(repo, rel)).catch(() => null)));
    stats.forEach((s, j) => {
      if (s?.isFile() && s.size > t.untrackedFileBytes) large.push({ rel: batch[j]!, size: s.size });
    });
  }
  large.sort((a, b) => b.size - a.size);
  const scanned = `${files.length.toLocaleString('en-US')}${truncated ? '+' : ''} untracked file(s)`;
  if (large.length === 0 && !truncated) return okOutcome(`${scanned}, none over ${formatBytes(t.untrackedFileBytes)}`);
  const parts: string[] = [];
  if (large.length > 0) {
    const total = large.reduce((sum, f) => sum + f.size, 0);
    const top = large.slice(0, UNTRACKED_LISTED).map((f) => `${f.rel} (${formatBytes(f.size)})`);
    const more = large.length > UNTRACKED_LISTED ? ` and ${large.length - UNTRACKED_LISTED} more` : '';
    parts.push(`${large.length} untracked file(s) over ${formatBytes(t.untrackedFileBytes)}, ${formatBytes(total)} in all: ${top.join(', ')}${more}`);
  }
  if (truncated) parts.push(`more than ${UNTRACKED_SCAN_CAP.toLocaleString('en-US')} untracked files (listing stopped there)`);
  const ignoreCmd = large.length > 0 ? ` (\`printf '%s\\n' ${large.slice(0, UNTRACKED_LISTED).map((f) => shellQuote(`/${f.rel}`)).join(' ')} >> ${shellQuote(path.join(repo, '.gitignore'))}\`)` : '';
  return {
    status: 'warn',
    detail: `${parts.join('; ')} (of ${scanned})`,
    fix: `Ignore them in .gitignore${ignoreCmd} or move them out of the repository: new worktrees don't copy them, but agents' tools (ripgrep, language servers, file watchers) walk them in the checkout.`,
  };
}

async function isDirectory(p: string): Promise<boolean> {
  return fs.promises.stat(p).then((s) => s.isDirectory(), () => false);
}

function missingRepo(repo: string, message: string): CheckOutcome {
  return { status: 'fail', detail: message, fix: `Check that ${repo} still exists and is a git repository (\`git -C ${shellQuote(repo)} status\`).` };
}

/** Streams `git ls-files --others --exclude-standard -z`, stopping after UNTRACKED_SCAN_CAP names. */
function listUntracked(repo: string, signal: AbortSignal): Promise<Result<{ files: string[]; truncated: boolean }>> {
  return new Promise((resolve) => {
    const files: string[] = [];
    let pending = '';
    let stderr = '';
    let truncated = false;
    const child = spawn('git', [...GIT_SAFE_CONFIG, 'ls-files', '--others', '--exclude-standard', '-z'], {
      cwd: repo,
      signal,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: gitEnv(),
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (truncated) return;
      const names = (pending + chunk).split('\0');
      pending = names.pop() ?? '';
      for (const name of names) {
        if (files.length >= UNTRACKED_SCAN_CAP) {
          truncated = true;
          child.kill();
          return;
        }
        if (name.length > 0) files.push(name);
      }
    });
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 4_096) stderr += chunk;
    });
    child.on('error', (e) => resolve(err('git_failed', `git ls-files failed: ${e.message}`)));
    child.on('close', (code) => {
      if (truncated || code === 0) resolve(ok({ files, truncated }));
      else resolve(err('git_failed', `git ls-files failed: ${stderr.trim().split('\n').slice(-3).join(' ') || `exit ${code}`}`));
    });
  });
}
