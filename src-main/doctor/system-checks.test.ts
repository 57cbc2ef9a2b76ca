/**
 * Machine checks on real things: a nearly full tmpfs, bubblewrap and tmux as installed here, and missing tools.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineAvailable, tempDir } from '../testing/fixtures.js';
import { runCheck } from './doctor.js';
import { describeFailure, runProcess } from '../process/run.js';
import { bwrapCheck, diskChecks, tmuxCheck } from './system-checks.js';
import { DEFAULT_THRESHOLDS, type DoctorDeps } from './types.js';

const TIMEOUT_MS = 20_000;
/** Small enough to fill in a moment. */
const TMPFS_SIZE = '8m';
/** How full the disk gets: 95 %, i.e. 5 % free. */
const FILL_FRACTION = 0.95;

const deps = (commands: DoctorDeps['commands'] = {}): DoctorDeps => ({ warmImages: [], selectedRuntime: null, repos: [], paths: [], apiPort: null, ownsApiPort: false, commands });

describe('free disk on a small tmpfs', () => {
  let mountPoint: string | null = null;
  let why = '';

  beforeAll(() => {
    const dir = tempDir('berth-doctor-tmpfs-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', dir], { stdio: 'pipe' });
      mountPoint = dir;
    } catch (e) {
      why = `mount -t tmpfs failed (needs root): ${(e as Error).message.split('\n')[0]}`;
    }
  });
  afterAll(() => {
    if (mountPoint) execFileSync('umount', [mountPoint], { stdio: 'pipe' });
  });

  it('reports a 95 %-full disk with the numbers and a fix; percentage limits alone warn', async () => {
    if (!engineAvailable('tmpfs', mountPoint !== null, why) || !mountPoint) return;
    const target = { label: 'worktrees', path: path.join(mountPoint, 'worktrees') };
    const percentOnly = { ...DEFAULT_THRESHOLDS, diskWarnBytes: 0, diskFailBytes: 0 };

    const empty = await runCheck(diskChecks([target], percentOnly)[0]!, TIMEOUT_MS);
    expect(empty.status).toBe('ok');
    expect(empty.detail).toMatch(/^8 MiB free of 8 MiB \(100\.0 %\) at .*worktrees \(not created yet; measured at /);

    const total = fs.statfsSync(mountPoint).blocks * fs.statfsSync(mountPoint).bsize;
    fs.writeFileSync(path.join(mountPoint, 'filler'), Buffer.alloc(Math.floor(total * FILL_FRACTION), 1));

    // Default limits: 8 MiB is far below 1 GiB, so a full-ish small disk fails.
    const full = await runCheck(diskChecks([target], DEFAULT_THRESHOLDS)[0]!, TIMEOUT_MS);
    expect(full.id).toBe('disk.free:worktrees');
    expect(full.status).toBe('fail');
    expect(full.detail).toMatch(/^[\d.]+ KiB free of 8 MiB \([45]\.\d %\)/);
    expect(full.detail).toContain('below 2 % or 1 GiB');
    expect(full.fix).toContain(`du -xsh ${mountPoint}/* | sort -h | tail`);
    expect(full.fix).toContain('docker system prune');

    // By percentage alone: 5 % free is under the 10 % warning line, above the 2 % failure line.
    const warned = await runCheck(diskChecks([target], percentOnly)[0]!, TIMEOUT_MS);
    expect(warned.status).toBe('warn');
    expect(warned.detail).toContain('below 10 % or 0 B');
  });
});

describe('tools', () => {
  it('reports bubblewrap working when it starts a sandbox here, and warns when it is missing', async () => {
    const present = await runProcess('bwrap', ['--unshare-user', '--ro-bind', '/', '/', 'true'], { timeoutMs: TIMEOUT_MS });
    if (engineAvailable('bwrap', present.kind === 'exit' && present.code === 0, describeFailure(present))) {
      const c = await runCheck(bwrapCheck(deps()), TIMEOUT_MS);
      expect(c).toMatchObject({ id: 'sandbox.bwrap', status: 'ok', fix: null });
      expect(c.detail).toMatch(/^bubblewrap \d/);
    }
    const missing = await runCheck(bwrapCheck(deps({ bwrap: '/nonexistent/bwrap' })), TIMEOUT_MS);
    expect(missing.status).toBe('warn');
    expect(missing.detail).toContain('not found: the sandbox backend is unavailable');
    expect(missing.fix).toContain('apt install bubblewrap');
  });

  it('fails bubblewrap that is installed but cannot start a sandbox', async () => {
    // `false` prints nothing for --version but exits 1; a script that answers --version and fails otherwise stands in.
    const fake = path.join(tempDir('berth-doctor-bwrap-'), 'bwrap');
    fs.writeFileSync(fake, '#!/bin/sh\nif [ "$1" = --version ]; then echo "bubblewrap 0.0.1"; exit 0; fi\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n', { mode: 0o755 });
    const c = await runCheck(bwrapCheck(deps({ bwrap: fake })), TIMEOUT_MS);
    expect(c.status).toBe('fail');
    expect(c.detail).toBe('bubblewrap 0.0.1 is installed but cannot start a sandbox: bwrap: No permissions to create new namespace');
    expect(c.fix).toContain('unprivileged_userns');
  });

  it('reports tmux, and warns when it is missing', async () => {
    const present = await runProcess('tmux', ['-V'], { timeoutMs: TIMEOUT_MS });
    if (engineAvailable('tmux', present.kind === 'exit' && present.code === 0, describeFailure(present))) {
      const c = await runCheck(tmuxCheck(deps()), TIMEOUT_MS);
      expect(c).toMatchObject({ id: 'tmux', status: 'ok', fix: null });
      expect(c.detail).toMatch(/^tmux \d/);
    }
    const missing = await runCheck(tmuxCheck(deps({ tmux: '/nonexistent/tmux' })), TIMEOUT_MS);
    expect(missing.status).toBe('warn');
    expect(missing.fix).toContain('apt install tmux');
  });
});
