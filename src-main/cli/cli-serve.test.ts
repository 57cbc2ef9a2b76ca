/**
 * `berth serve`: starts a real orchestrator in the CLI process, prints its URL and login link, refuses
 * a second orchestrator on the same data dir and a busy port, and shuts down cleanly on SIGINT.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliArgs, PACKAGE_ROOT, runBerth, tempDir, waitFor } from './cli-test-support.js';

const SERVE_LINE = /^Berth is serving headless at (http:\/\/127\.0\.0\.1:\d+) — open (\1\/login\?token=\S+) in a browser \(one-time login link\)$/m;

describe('berth serve', () => {
  const home = tempDir('berth-cli-serve-');
  const children: ChildProcessWithoutNullStreams[] = [];

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  });

  function serve(args: string[], dataDir = home) {
    const child = spawn(process.execPath, cliArgs(['serve', ...args]), { cwd: PACKAGE_ROOT, env: { ...process.env, BERTH_HOME: dataDir } });
    children.push(child);
    const output = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output.stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output, exited };
  }

  it('serves, answers the CLI, refuses a second orchestrator, and stops on SIGINT with exit 0', async () => {
    const first = serve(['--port', '0']);
    // Both lines may arrive in separate chunks.
    const match = await waitFor('the serve line', () => (first.output.stdout.includes('Data dir:') ? SERVE_LINE.exec(first.output.stdout) ?? undefined : undefined));
    expect(first.output.stdout).toContain(`Data dir: ${home}`);
    const [, url] = match;

    const open = await runBerth(['open'], { home });
    expect(open.code).toBe(0);
    expect(open.stdout.startsWith(`${url}/login?token=`)).toBe(true);
    expect((await runBerth(['list'], { home })).stdout).toBe('No sessions.\n');

    const second = serve(['--port', '0']);
    expect(await second.exited).toBe(1);
    expect(second.output.stderr).toMatch(/^berth: .+/);
    expect(second.output.stdout).toBe('');

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(home, 'api.json'))).toBe(false);
  });

  it('fails with exit 1 when the port is busy', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      // Its own data dir: this test must not depend on the previous one having released the lock.
      const busy = serve(['--port', String(port)], tempDir('berth-cli-serve-busy-'));
      expect(await busy.exited).toBe(1);
      expect(busy.output.stderr).toMatch(new RegExp(`^berth: .*${port}.*in use`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
