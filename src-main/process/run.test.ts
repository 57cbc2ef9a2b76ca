import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { describeFailure, formatDuration, runChecked, runProcess, startProcess } from './run.js';

/** Generous deadline for helpers that should finish by themselves. */
const FINISHES_MS = 20_000;
/** Bounded wait for a condition (a loaded CI machine is slow, never endless). */
const WAIT_MS = 10_000;
const POLL_MS = 20;

async function waitFor<T>(probe: () => T | null, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A shell that starts a long `sleep` grandchild, writes its pid to `pidFile`, and waits for it. */
function shellWithGrandchild(pidFile: string): [string, string[]] {
  return ['/bin/sh', ['-c', `sleep 300 & echo $! > '${pidFile}'; wait`]];
}

function readPid(pidFile: string): number | null {
  const text = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : '';
  return text ? Number(text) : null;
}

describe('runProcess', () => {
  it('returns stdout and stderr of a successful run', async () => {
    const outcome = await runProcess('/bin/sh', ['-c', 'echo out; echo err >&2'], { timeoutMs: FINISHES_MS });
    expect(outcome).toEqual({ kind: 'exit', code: 0, stdout: 'out\n', stderr: 'err\n' });
  });

  it('reports a non-zero exit with its output, and runChecked makes it an error naming stderr', async () => {
    const outcome = await runProcess('/bin/sh', ['-c', 'echo partial; echo "fatal: no such ref" >&2; exit 3'], { timeoutMs: FINISHES_MS });
    expect(outcome).toEqual({ kind: 'exit', code: 3, stdout: 'partial\n', stderr: 'fatal: no such ref\n' });
    const checked = await runChecked('/bin/sh', ['-c', 'echo "fatal: no such ref" >&2; exit 3'], { timeoutMs: FINISHES_MS, label: 'probe', errorCode: 'git_failed' });
    expect(checked).toEqual({ ok: false, error: { code: 'git_failed', message: 'probe failed: fatal: no such ref' } });
  });

  it('reports a missing executable as an error value with its errno code', async () => {
    const outcome = await runProcess('/nonexistent/berth-no-such-tool', [], { timeoutMs: FINISHES_MS });
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.code).toBe('ENOENT');
  });

  it('runs in cwd with exactly the given environment and feeds input on stdin', async () => {
    const dir = tempDir('berth-run-');
    const outcome = await runProcess('/bin/sh', ['-c', 'pwd; echo "$ONLY_VAR:${HOME:-unset}"; cat'], {
      timeoutMs: FINISHES_MS,
      cwd: dir,
      env: { ONLY_VAR: 'v', PATH: '/usr/bin:/bin' },
      input: 'from stdin',
    });
    expect(outcome).toEqual({ kind: 'exit', code: 0, stdout: `${fs.realpathSync(dir)}\nv:unset\nfrom stdin`, stderr: '' });
  });

  it('kills the whole process group at the deadline, grandchildren included', async () => {
    // A loaded machine may not start the shell within a short deadline: then try a longer one.
    for (const timeoutMs of [500, 2_000, 8_000]) {
      const pidFile = path.join(tempDir('berth-run-'), 'pid');
      const [file, args] = shellWithGrandchild(pidFile);
      const outcome = await runProcess(file, args, { timeoutMs });
      expect(outcome.kind).toBe('timeout');
      expect(describeFailure(outcome)).toBe(`did not finish within ${formatDuration(timeoutMs)} and was stopped`);
      const grandchild = readPid(pidFile);
      if (grandchild === null) continue;
      await waitFor(() => (alive(grandchild) ? null : true), `grandchild ${grandchild} to die`);
      return;
    }
    throw new Error('the shell never started its grandchild');
  });

  it('kills the whole process group when the abort signal fires', async () => {
    const pidFile = path.join(tempDir('berth-run-'), 'pid');
    const [file, args] = shellWithGrandchild(pidFile);
    const controller = new AbortController();
    const pending = runProcess(file, args, { timeoutMs: 60_000, signal: controller.signal });
    const grandchild = await waitFor(() => readPid(pidFile), 'the grandchild to start');
    expect(alive(grandchild)).toBe(true);
    controller.abort();
    expect(await pending).toEqual({ kind: 'aborted' });
    await waitFor(() => (alive(grandchild) ? null : true), `grandchild ${grandchild} to die`);
  });

  it('does not start at all when the signal is already aborted', async () => {
    const marker = path.join(tempDir('berth-run-'), 'ran');
    const controller = new AbortController();
    controller.abort();
    const outcome = await runProcess('/bin/sh', ['-c', `touch '${marker}'`], { timeoutMs: FINISHES_MS, signal: controller.signal });
    expect(outcome).toEqual({ kind: 'aborted' });
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('dispose() kills a running helper', async () => {
    const pidFile = path.join(tempDir('berth-run-'), 'pid');
    const [file, args] = shellWithGrandchild(pidFile);
    const running = startProcess(file, args, { timeoutMs: 60_000 });
    const grandchild = await waitFor(() => readPid(pidFile), 'the grandchild to start');
    running.dispose();
    expect(await running.outcome).toEqual({ kind: 'aborted' });
    await waitFor(() => (alive(grandchild) ? null : true), `grandchild ${grandchild} to die`);
  });

  it('keeps large output whole, multi-byte characters included', async () => {
    // 3 MiB of "é" (2 bytes each): more than execFile's default buffer, split across many chunks.
    const chars = 3 * 512 * 1024;
    const outcome = await runProcess(process.execPath, ['-e', `process.stdout.write('é'.repeat(${chars}))`], {
      timeoutMs: FINISHES_MS,
      maxOutputBytes: 8 * 1024 * 1024,
    });
    expect(outcome.kind).toBe('exit');
    expect(outcome.kind === 'exit' && outcome.stdout === 'é'.repeat(chars)).toBe(true);
  });

  it('stops a helper that prints more than the cap, and says so', async () => {
    const outcome = await runProcess('/bin/sh', ['-c', 'while :; do echo flood; done'], { timeoutMs: 60_000, maxOutputBytes: 64 * 1024 });
    expect(outcome).toEqual({ kind: 'overflow', maxOutputBytes: 64 * 1024 });
    expect(describeFailure(outcome)).toBe('printed more than 64 KiB');
  });
});
