/**
 * `create.local.ready`: a local session from the create request to its first output when a ready
 * worktree is waiting, on a 5,000-file repository whose setup takes 5 s, against `create.local` on the
 * same content without ready worktrees (which checks out the files and runs the setup on the create's
 * path). Between ready creates the bench waits, untimed, for the pool to refill.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { alternate } from '../../src-main/bench-runner/measure.js';
import { READY_DIR } from '../../src-main/git/ready-worktrees.js';
import { repoWorktreesDir } from '../../src-main/sessions/naming.js';
import { sleep, tempDir } from '../harness.js';
import { creator } from './create-local.js';
import { figure, type Figure } from '../stats.js';

/** Files in the repository (the "5,000-file repository"). */
const FILES = 5_000;
/** Files per folder. */
const FILES_PER_DIR = 100;
/** The setup command's duration: what a create without a ready worktree waits for. */
const SETUP = 'sleep 5';
/** Slots kept: one is claimed while the next is being made. */
const READY_COUNT = 2;
/** Longest wait for the pool to refill between ready creates (a setup is 5 s). */
const REFILL_TIMEOUT_MS = 60_000;

function bigRepo(ready: boolean): string {
  const dir = tempDir('berth-bench-big-');
  const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  run('init', '-q', '-b', 'main');
  run('config', 'user.email', 'bench@berth.invalid');
  run('config', 'user.name', 'Berth Bench');
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(dir, 'src', `d${Math.floor(i / FILES_PER_DIR)}`);
    if (i % FILES_PER_DIR === 0) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `f${i}.ts`), `export const v${i} = ${i};\n`);
  }
  fs.writeFileSync(path.join(dir, '.berth.json'), JSON.stringify({ setup: SETUP, ...(ready ? { ready: { count: READY_COUNT } } : {}) }));
  run('add', '.');
  run('commit', '-q', '-m', 'initial');
  return fs.realpathSync(dir);
}

/** Waits (untimed) until `repo`'s pool in `home` is full again: no refill runs during the next timed create. */
async function poolFull(home: string, repo: string): Promise<void> {
  const dir = path.join(repoWorktreesDir(home, repo), READY_DIR);
  const deadline = Date.now() + REFILL_TIMEOUT_MS;
  while (!(fs.existsSync(dir) && fs.readdirSync(dir).filter((n) => n.endsWith('.json')).length >= READY_COUNT)) {
    if (Date.now() > deadline) throw new Error(`no ready worktree for ${repo} within ${REFILL_TIMEOUT_MS} ms`);
    await sleep(50);
  }
}

export async function benchCreateReady(runs: number): Promise<Figure[]> {
  const plainRepo = bigRepo(false);
  const readyRepo = bigRepo(true);
  const plain = await creator('bench-plain');
  const ready = await creator('bench-ready');
  let samples: number[][];
  try {
    // The first ready create finds no slot (the pool starts with it); alternate()'s warm-up round takes that one.
    samples = await alternate(runs, [
      () => plain.create(plainRepo),
      async () => {
        const ms = await ready.create(readyRepo);
        await poolFull(ready.home, readyRepo);
        return ms;
      },
    ]);
  } finally {
    await plain.stop();
    await ready.stop();
  }
  const [withoutReady, withReady] = samples as [number[], number[]];
  return [figure('create.local.ready', 'ms', withReady, withoutReady, '≤ 30 ms at p95 (5,000 files, 5 s setup)')];
}
