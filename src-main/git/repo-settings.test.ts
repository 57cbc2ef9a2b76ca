import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

describe('per-repository settings (Settings → Repositories) through the API, real git', () => {
  let t: TestOrchestrator;
  let repo: string;
  beforeEach(async () => {
    const first = 44_000 + (process.pid % 4_000);
    t = await startTestOrchestrator(tempDir('berth-home-'), { ...process.env, BERTH_PORT_RANGE: `${first}-${first + 99}` });
    repo = makeRepo();
  });
  afterEach(async () => t.close());

  it('are used at create when the repository has no .berth.json: setup, env, ports and the default base branch', async () => {
    fs.mkdirSync(path.join(repo, 'sub'));
    // A branch to default to, one commit ahead of main.
    execFileSync('git', ['checkout', '-q', '-b', 'dev'], { cwd: repo });
    fs.writeFileSync(path.join(repo, 'dev.txt'), 'dev\n');
    execFileSync('git', ['add', '.'], { cwd: repo });
    execFileSync('git', ['commit', '-q', '-m', 'dev'], { cwd: repo });
    execFileSync('git', ['checkout', '-q', 'main'], { cwd: repo });

    const saved = await t.must('repos.settings.set', {
      repoPath: path.join(repo, 'sub'),
      config: { setup: 'echo "$GREETING $PORT" > setup-out.txt', env: { GREETING: 'from-settings' }, ports: ['web'], defaults: { agent: 'shell', baseBranch: 'dev' } },
    });
    expect(saved).toMatchObject({ repoPath: repo, file: null, defaults: { agent: 'shell', baseBranch: 'dev' }, error: null });
    expect(saved.stored?.ports).toEqual(['web']);
    expect(await t.must('repos.settings.get', { repoPath: repo })).toEqual(saved);

    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo "agent:$GREETING:$BERTH_PORT_WEB"' });
    expect(s.baseBranch).toBe('dev');
    expect(s.ports).toHaveLength(1);
    const port = s.ports[0]!.port;
    await waitFor(async () => (await t.must('terminal.text', { ref: s.id }).catch(() => ({ text: '' }))).text.includes(`agent:from-settings:${port}`), 'the agent has the env and port', 20_000);
    expect(fs.readFileSync(path.join(s.worktreePath, 'setup-out.txt'), 'utf8')).toBe(`from-settings ${port}\n`);
    expect(fs.existsSync(path.join(s.worktreePath, 'dev.txt'))).toBe(true);
    expect((await t.must('sessions.setupLog', { ref: s.id }))?.source).toBe('repository settings');
  });

  it('a .berth.json wins over them; a bad field is refused, naming it, and nothing is stored', async () => {
    await t.must('repos.settings.set', { repoPath: repo, config: { setup: 'touch from-settings', ports: ['web'] } });
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ defaults: { backend: 'local' } }));
    const described = await t.must('repos.settings.get', { repoPath: repo });
    expect(described).toMatchObject({ file: '.berth.json', defaults: { backend: 'local' } });
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: '' });
    expect(s.ports).toEqual([]);

    const bad = await t.call('repos.settings.set', { repoPath: repo, config: { ports: ['web', 7] } as never });
    expect(bad.ok ? 'stored' : bad.error.message).toMatch(/ports/);
    const unknown = await t.call('repos.settings.set', { repoPath: repo, config: { setpu: 'x' } as never });
    expect(unknown.ok ? 'stored' : unknown.error.message).toMatch(/setpu/);
    expect((await t.must('repos.settings.get', { repoPath: repo })).stored).toEqual({ setup: 'touch from-settings', ports: ['web'], waitForSetup: true });

    await t.must('repos.settings.set', { repoPath: repo, config: null });
    expect((await t.must('repos.settings.get', { repoPath: repo })).stored).toBeNull();
    expect((await t.must('repos.settings.list', {})).map((r) => r.repoPath)).toEqual([repo]);
  });
});
