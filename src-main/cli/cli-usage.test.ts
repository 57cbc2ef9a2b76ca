/**
 * The `berth` command without an orchestrator: help, version, argument validation (exit 2), and the
 * message when nothing is running.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { PACKAGE_ROOT, runBerth, tempDir } from './cli-test-support.js';

/** A pid that no process has (above Linux's pid_max limit). */
const DEAD_PID = 4_194_304 + 1;

describe('berth without an orchestrator', () => {
  const home = tempDir('berth-cli-empty-');
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('lists every command with a description in --help', async () => {
    const res = await runBerth(['--help'], { home });
    expect(res.code).toBe(0);
    for (const command of ['serve', 'open', 'create', 'list', 'status', 'logs', 'attach', 'stop', 'restart', 'archive', 'unarchive', 'delete', 'cache', 'docker']) {
      // The command's term (name, aliases, arguments), then its description.
      expect(res.stdout).toMatch(new RegExp(`^  ${command}\\b\\S*(?: \\S+)*\\s{2,}\\w`, 'm'));
    }
    expect(res.stdout).toContain('--home <dir>');
  });

  it('documents the detach key in attach --help', async () => {
    const res = await runBerth(['attach', '--help'], { home });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Ctrl-]');
    expect(res.stdout).toContain('--no-tty');
  });

  it('prints the version from package.json', async () => {
    const res = await runBerth(['--version'], { home });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(packageJson.version);
  });

  it('rejects a bad agent id with a usage error before contacting anything', async () => {
    const res = await runBerth(['create', '--repo', '.', '--agent', 'gpt-9', '--prompt', 'x'], { home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^berth: .*'gpt-9' is invalid.*shell, claude-code/);
  });

  it.each([
    [['create', '--agent', 'shell'], /--repo/],
    [['create', '--repo', '.', '--agent', 'shell', '--name', 'Bad Name'], /--name: .*lowercase/],
    [['create', '--repo', '.', '--agent', 'custom'], /--command/],
    [['create', '--repo', '.', '--agent', 'shell', '--command', 'x'], /only for --agent custom/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'vm'], /'vm' is invalid/],
    [['status'], /missing required argument 'name'/],
    [['serve', '--port', '70000'], /port number/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['list', '--bogus'], /unknown option '--bogus'/],
    // Docker options: only with --backend docker, and checked against the contract before anything is sent.
    [['create', '--repo', '.', '--agent', 'shell', '--image', 'node:22'], /^berth: --image is only for --backend docker\n$/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'local', '--cpus', '1', '--memory', '1g'], /--cpus, --memory are only for --backend docker/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--memory', '12q'], /--memory: '12q' is not a size/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--memory', '1.3g'], /--memory: '1.3g' is not a whole number of MB/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--memory', '4'], /--memory: must be at least 6/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--cpus', 'two'], /--cpus: 'two' is not a number/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--cpus', '0', '--pids', '3'], /--cpus: must be more than 0; --pids: must be at least 8/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--pids', '9.5'], /--pids: must be a whole number/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--caches', 'npm,maven'], /--caches: 'maven' is not a cache type/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--image', 'bad image'], /--image: use an image reference/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--runtime', '../runc'], /--runtime: use letters, digits/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--pull-policy', 'Sometimes'], /'Sometimes' is invalid.*Always, IfNotPresent, Never/],
    [['create', '--repo', '.', '--agent', 'shell', '--backend', 'docker', '--volume-mode', 'nfs'], /'nfs' is invalid.*bind, volume/],
    [['cache', 'size', '--type', 'maven'], /'maven' is invalid.*npm, bun/],
    [['cache', 'clean', '--type'], /argument missing/],
    [['cache', 'purge'], /unknown command 'purge'/],
  ])('berth %j is a usage error', async (args, message) => {
    const res = await runBerth(args, { home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });

  it('says clearly that no orchestrator is running', async () => {
    const res = await runBerth(['list'], { home });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`berth: no Berth orchestrator is running for ${home} (no api.json); start one with \`berth serve\`\n`);
  });

  it('recognizes a stale api.json left by a dead orchestrator', async () => {
    const stale = tempDir('berth-cli-stale-');
    fs.writeFileSync(path.join(stale, 'api.json'), JSON.stringify({ url: 'http://127.0.0.1:9', port: 9, token: 't', pid: DEAD_PID }));
    const res = await runBerth(['status', 'x'], { home: stale });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^berth: no Berth orchestrator is running for .* is gone\); start one with `berth serve`/);
    fs.rmSync(stale, { recursive: true, force: true });
  });

  it('refuses attach when stdin is not a TTY unless --no-tty', async () => {
    const res = await runBerth(['attach', 'x'], { home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/stdin is not a TTY; use --no-tty/);
  });

  it("bin/berth.mjs explains how to build when out/main/cli.js is missing", () => {
    const dir = tempDir('berth-cli-bin-');
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.copyFileSync(path.join(PACKAGE_ROOT, 'bin/berth.mjs'), path.join(dir, 'bin/berth.mjs'));
    const res = spawnSync(process.execPath, [path.join(dir, 'bin/berth.mjs'), 'list'], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stderr).toBe("Berth isn't built yet: run `npm run build` (or `npm install`)\n");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
