/**
 * Live terminals from the CLI against a real orchestrator: `attach` in pipe mode and in a real pty
 * (raw mode, resize, Ctrl-] detach), and `logs --follow`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionDto } from '../../src-shared/dto.js';
import { cliArgs, makeGitRepo, PACKAGE_ROOT, plainLines, runBerth, startTestOrchestrator, waitFor, type TestOrchestrator } from './cli-test-support.js';

/** Size of the test's pty, checked to reach the session. */
const PTY_COLS = 100;
const PTY_ROWS = 30;
/** Size after the SIGWINCH resize. */
const RESIZED_COLS = 90;
const RESIZED_ROWS = 25;
/** Lines of `seq` output: about 340K characters, over three times the flow-control high watermark. */
const FLOOD_LINES = 60_000;

describe('berth attach and logs --follow', () => {
  let server: TestOrchestrator;
  let repo: string;
  const berth = (...args: string[]) => runBerth(args, { home: server.home });

  async function createShell(name: string, prompt = ''): Promise<SessionDto> {
    const res = await berth('create', '--repo', repo, '--agent', 'shell', '--name', name, '--prompt', prompt, '--wait', '--json');
    expect(res.stderr).toBe('');
    return SessionDto.parse(JSON.parse(res.stdout));
  }

  /** Spawns a long-running CLI command with piped stdio. */
  function spawnBerth(args: string[]) {
    const child = spawn(process.execPath, cliArgs(args), { cwd: PACKAGE_ROOT, env: { ...process.env, BERTH_HOME: server.home } });
    const output = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output.stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output, exited };
  }

  beforeAll(async () => {
    server = await startTestOrchestrator();
    repo = makeGitRepo();
  });

  afterAll(async () => {
    await server?.close();
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
  });

  it('pipe mode (--no-tty) sends stdin lines and prints output; SIGINT detaches', async () => {
    await createShell('piped');
    const attach = spawnBerth(['attach', 'piped', '--no-tty']);
    attach.child.stdin.write('echo attached-ok\n');
    await waitFor('attached-ok output', () => (plainLines(attach.output.stdout).some((l) => l === 'attached-ok') ? true : undefined));
    // Far more than the flow-control high watermark: this only completes if the CLI acknowledges output.
    attach.child.stdin.write(`seq 1 ${FLOOD_LINES}\n`);
    await waitFor('the end of the flood', () => (plainLines(attach.output.stdout).includes(String(FLOOD_LINES)) ? true : undefined));
    attach.child.kill('SIGINT');
    expect(await attach.exited).toBe(0);
    expect(attach.output.stderr).toBe('[detached from piped]\n');

    const status = SessionDto.parse(JSON.parse((await berth('status', 'piped', '--json')).stdout).session);
    expect(['working', 'idle', 'waiting-input']).toContain(status.state);
  });

  it('pipe mode ends with the session and reports its exit code', async () => {
    const attach = spawnBerth(['attach', 'piped', '--no-tty']);
    attach.child.stdin.write('exit 7\n');
    expect(await attach.exited).toBe(0);
    expect(attach.output.stderr).toMatch(/^\[piped exited with code 7/);
  });

  it('attaching to a session that has ended shows its last screen and how it ended', async () => {
    const res = await berth('attach', 'piped', '--no-tty');
    // Earlier tests flooded this session, so its last screen is the end of that flood.
    expect(res.stdout).toMatch(/\d+\r?\n/);
    expect(res.stderr).toMatch(/piped.*exited with code 7/);
    expect(res.code).toBe(0);
  });

  it('attaches in a real terminal: raw keys, resize on attach and SIGWINCH, Ctrl-] detaches', async () => {
    await createShell('interactive');
    const term = pty.spawn(process.execPath, cliArgs(['attach', 'interactive']), {
      name: 'xterm-256color',
      cols: PTY_COLS,
      rows: PTY_ROWS,
      cwd: PACKAGE_ROOT,
      env: { ...process.env, BERTH_HOME: server.home } as Record<string, string>,
    });
    let output = '';
    term.onData((d) => (output += d));
    const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    try {
      await waitFor('the terminal size to reach the session', async () => {
        const s = SessionDto.parse(JSON.parse((await berth('status', 'interactive', '--json')).stdout).session);
        return s.cols === PTY_COLS && s.rows === PTY_ROWS ? true : undefined;
      });
      term.resize(RESIZED_COLS, RESIZED_ROWS);
      await waitFor('the SIGWINCH size to reach the session', async () => {
        const s = SessionDto.parse(JSON.parse((await berth('status', 'interactive', '--json')).stdout).session);
        return s.cols === RESIZED_COLS && s.rows === RESIZED_ROWS ? true : undefined;
      });
      term.write('echo pty-$((6*7))\r');
      await waitFor('pty-42 output', () => (plainLines(output).some((l) => l.trim() === 'pty-42') ? true : undefined));
      term.write('\x1d');
      expect(await exited).toBe(0);
      expect(output).toContain('[detached from interactive]');
      // Modes the agent may have set (alternate screen, hidden cursor) are switched off at detach.
      expect(output).toContain('\x1b[?1049l\x1b[?25h');
    } finally {
      term.kill();
    }
    const status = SessionDto.parse(JSON.parse((await berth('status', 'interactive', '--json')).stdout).session);
    expect(['working', 'idle', 'waiting-input']).toContain(status.state);
  });

  it('logs --follow streams plain text until the session exits', async () => {
    await createShell('follow', 'sleep 2; echo follow-$((40+2)); exit 3');
    const logs = spawnBerth(['logs', 'follow', '--follow']);
    expect(await logs.exited).toBe(0);
    const lines = plainLines(logs.output.stdout);
    expect(lines).toContain('follow-42');
    expect(logs.output.stdout).not.toContain('\x1b');
    expect(logs.output.stderr).toBe('[follow exited with code 3]\n');
  });
});
