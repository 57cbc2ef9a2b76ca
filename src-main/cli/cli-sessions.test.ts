/**
 * The `berth` command against a real orchestrator: the session lifecycle end to end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionDto, SessionEventDto } from '../../src-shared/dto.js';
import { makeGitRepo, plainLines, runBerth, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from './cli-test-support.js';

describe('berth session commands', () => {
  let server: TestOrchestrator;
  let repo: string;
  const berth = (...args: string[]) => runBerth(args, { home: server.home });

  beforeAll(async () => {
    server = await startTestOrchestrator();
    repo = makeGitRepo();
  });

  afterAll(async () => {
    await server?.close();
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
  });

  it('creates a shell session from a relative --repo path', async () => {
    const res = await runBerth(
      ['create', '--repo', path.basename(repo), '--agent', 'shell', '--prompt', 'echo hello-cli', '--name', 'hello', '--json'],
      { home: server.home, cwd: path.dirname(repo) },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const session = SessionDto.parse(JSON.parse(res.stdout));
    expect(session.name).toBe('hello');
    expect(session.repoPath).toBe(fs.realpathSync(repo));
    expect(session.agent).toBe('shell');
    expect(['creating', 'working', 'idle']).toContain(session.state);
  });

  it('prints name, id and state without --json, and waits for first output with --wait', async () => {
    const res = await berth('create', '--repo', repo, '--agent', 'shell', '--prompt', 'echo second', '--name', 'second', '--wait');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^created second \([0-9a-f-]+\): (working|idle|waiting-input)\n$/);
  });

  it('lists sessions as a table and as JSON', async () => {
    const table = await berth('list');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+AGENT\s+BACKEND\s+BRANCH\s+AHEAD\s+BEHIND\s+CHANGED\s+OVERLAP\s+AGE$/);
    expect(lines.some((l) => /^hello\s+(working|idle|waiting-input)\s+shell\s+local\s+berth\/hello\s+(-|0)\s+(-|0)\s+(-|0)\s+-\s+\d+s$/.test(l))).toBe(true);

    const json = await berth('list', '--json');
    expect(json.code).toBe(0);
    const sessions = SessionDto.array().parse(JSON.parse(json.stdout));
    expect(sessions.map((s) => s.name).sort()).toEqual(['hello', 'second']);
  });

  it("prints the session's terminal text with logs", async () => {
    const text = await waitFor('hello-cli in the logs', async () => {
      const res = await berth('logs', 'hello');
      expect(res.code).toBe(0);
      return plainLines(res.stdout).includes('hello-cli') ? res.stdout : undefined;
    });
    expect(text).toContain('echo hello-cli');
  });

  it('shows status with fields and state-transition events', async () => {
    const res = await berth('status', 'hello');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^state:\s+(working|idle|waiting-input) since \d+s ago \(from output activity\)$/m);
    expect(res.stdout).toMatch(/^worktree:\s+\S+hello$/m);
    expect(res.stdout).toMatch(/^phases:\s+worktree \d+ ms, start \d+ ms, first output \d+ ms$/m);
    expect(res.stdout).toMatch(/- -> creating/);
    expect(res.stdout).toMatch(/creating -> working/);

    const json = await berth('status', 'hello', '--json');
    const parsed = JSON.parse(json.stdout) as { session: unknown; events: unknown };
    expect(SessionDto.parse(parsed.session).name).toBe('hello');
    expect(SessionEventDto.array().parse(parsed.events).map((e) => e.to).slice(0, 2)).toEqual(['creating', 'working']);
  });

  it('stops, archives, lists archived and unarchives', async () => {
    const stop = await berth('stop', 'hello');
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/^stopped hello: (exited|failed)/);

    const archive = await berth('archive', 'hello');
    expect(archive.code).toBe(0);
    expect(archive.stdout).toContain('[archived]');

    const active = SessionDto.array().parse(JSON.parse((await berth('list', '--json')).stdout));
    expect(active.map((s) => s.name)).toEqual(['second']);
    const archived = await berth('list', '--archived');
    expect(archived.stdout).toMatch(/^hello\s+\w+ \(archived\)/m);

    const unarchive = await berth('unarchive', 'hello');
    expect(unarchive.code).toBe(0);
    const after = SessionDto.array().parse(JSON.parse((await berth('list', '--json')).stdout));
    expect(after.map((s) => s.name).sort()).toEqual(['hello', 'second']);
  });

  it('restarts a stopped session', async () => {
    const res = await berth('restart', 'hello', '--json');
    expect(res.code).toBe(0);
    expect(['creating', 'working', 'idle']).toContain(SessionDto.parse(JSON.parse(res.stdout)).state);
  });

  it('refuses to delete a dirty worktree without --force, and deletes with it', async () => {
    const session = SessionDto.parse(JSON.parse((await berth('status', 'hello', '--json')).stdout).session);
    fs.writeFileSync(path.join(session.worktreePath, 'scratch.txt'), 'uncommitted\n');

    const refused = await berth('delete', 'hello');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^berth: .*uncommitted/);
    expect(refused.stderr).toContain('--force');

    const forced = await berth('delete', 'hello', '-f');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('deleted hello\n');
    expect(fs.existsSync(session.worktreePath)).toBe(false);

    const clean = await berth('delete', 'second', '--json');
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toHaveProperty('id');
    expect((await berth('list')).stdout).toBe('No sessions.\n');
  });

  it('reports an unknown session with the server message and exit 1', async () => {
    for (const command of ['status', 'logs', 'stop', 'delete']) {
      const res = await berth(command, 'no-such-session');
      expect(res.code, command).toBe(1);
      expect(res.stderr, command).toBe('berth: no session named "no-such-session"\n');
    }
  });

  it('prints a one-time login URL with open', async () => {
    const res = await berth('open');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+\n$/);
  });

  it('ends every browser login with logout', async () => {
    const res = await berth('logout');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ended \d+ browser logins?\n$/);
  });

  it('uses --home over $BERTH_HOME', async () => {
    const other = tempDir('berth-cli-other-');
    const res = await runBerth(['--home', server.home, 'list'], { env: { BERTH_HOME: other } });
    fs.rmSync(other, { recursive: true, force: true });
    expect(res.code).toBe(0);
    const after = await runBerth(['list', '--home', server.home, '--json'], { env: { BERTH_HOME: '/nonexistent' } });
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toEqual([]);
  });
});
