/**
 * `git.watch30.cpu`: what live git status costs with 30 idle sessions, as % of one core: this process's
 * CPU time plus its git children's (process.cpuUsage + /proc/self/stat cutime/cstime) over wall time
 * while a GitStatusTracker watches 30 worktrees of a 2,000-file repository that nobody touches, against
 * the same process with no tracker for the same time (A B A B). The tracker is made and its first
 * refreshes settle before each measured chunk (that walk is a start-up cost, not an idle one).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SessionDto, SessionGitDto } from '../../src-shared/dto.js';
import { Emitter } from '../../src-shared/lifecycle.js';
import { GitStatusTracker } from '../../src-main/git/status-tracker.js';
import { sessionFixture } from '../../src-main/testing/session-fixture.js';
import { makeRepo, sleep, tempDir } from '../harness.js';
import { figure, msSince, type Figure } from '../stats.js';

/** Sessions tracked, from the goal. */
const SESSIONS = 30;
/** Folders and files per folder of the repository (2,000 files in 100 folders of 2 levels). */
const FOLDERS = 100;
const FILES_PER_FOLDER = 20;
/** Length of one measured chunk; chunks alternate idle (A) and tracking (B). */
const CHUNK_MS = 5_000;
/** Longest wait for the tracker's first refreshes of every session. */
const SETTLE_TIMEOUT_MS = 60_000;
/** Linux clock ticks per second (USER_HZ) for /proc's cutime and cstime. */
const CLOCK_TICKS_PER_S = 100;

/** CPU microseconds of this process and of its waited-for children (the git processes). */
function cpuMicros(): number {
  const self = process.cpuUsage();
  // Fields after the command name: state is field 3; cutime and cstime are fields 16 and 17.
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const children = (Number(rest[13]) + Number(rest[14])) * (1_000_000 / CLOCK_TICKS_PER_S);
  return self.user + self.system + children;
}

/** % of one core used between two readings. */
function corePercent(cpu0: number, t0: bigint): number {
  return ((cpuMicros() - cpu0) / 1_000 / msSince(t0)) * 100;
}

function session(i: number, repo: string, worktree: string): SessionDto {
  return sessionFixture(`bench-${i}`, { repoPath: repo, worktreePath: worktree, command: [], state: 'idle' });
}

export async function benchGitWatch(runs: number): Promise<Figure[]> {
  const chunks = Math.max(2, Math.ceil(runs / 5));
  const repo = makeRepo();
  for (let d = 0; d < FOLDERS; d++) {
    const dir = path.join(repo, 'src', `group-${Math.floor(d / 10)}`, `mod-${d}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES_PER_FOLDER; f++) fs.writeFileSync(path.join(dir, `f${f}.ts`), `export const v${f} = ${d};\n`);
  }
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'bench tree');
  const worktrees = tempDir('berth-bench-worktrees-');
  const sessions: SessionDto[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const wt = path.join(worktrees, `s${i}`);
    git(repo, 'worktree', 'add', '-q', '-b', `berth/bench-${i}`, wt, 'main');
    sessions.push(session(i, repo, wt));
  }

  const tracking: number[] = [];
  const idle: number[] = [];
  for (let c = 0; c < chunks; c++) {
    // A: the same process with no tracker, for as long as a tracking chunk.
    let cpu0 = cpuMicros();
    let t0 = process.hrtime.bigint();
    await sleep(CHUNK_MS);
    idle.push(corePercent(cpu0, t0));

    // B: 30 idle sessions tracked, after their first refreshes.
    const updated = new Emitter<SessionDto>();
    const removed = new Emitter<string>();
    const shown = new Map<string, SessionGitDto | null>();
    const tracker = new GitStatusTracker({
      onDidUpdate: updated.event,
      onDidRemove: removed.event,
      liveSessions: () => sessions,
      setGit: (id, g) => shown.set(id, g),
    });
    try {
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      while (!(shown.size === SESSIONS && [...shown.values()].every((g) => g !== null) && tracker.lanes.pending === 0)) {
        if (Date.now() > deadline) throw new Error(`only ${shown.size} of ${SESSIONS} sessions got a git status`);
        await sleep(50);
      }
      // Let the last events of the start (git's own reads leave none, but be sure) pass the debounce.
      await sleep(1_500);
      cpu0 = cpuMicros();
      t0 = process.hrtime.bigint();
      await sleep(CHUNK_MS);
      tracking.push(corePercent(cpu0, t0));
    } finally {
      tracker.dispose();
      updated.dispose();
      removed.dispose();
    }
  }
  fs.rmSync(worktrees, { recursive: true, force: true });
  fs.rmSync(repo, { recursive: true, force: true });
  return [figure('git.watch30.cpu', '% core', tracking, idle, `≤ 1 % of one core with ${SESSIONS} idle sessions (baseline: the same process without the tracker)`)];
}
