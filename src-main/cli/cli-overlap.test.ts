/**
 * `berth list` against a real orchestrator: ahead / behind / changed columns and the overlap warning.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionDto } from '../../src-shared/dto.js';
import { makeGitRepo, runBerth, startTestOrchestrator, waitFor, type TestOrchestrator } from './cli-test-support.js';

describe('berth list: git status and overlaps', () => {
  let server: TestOrchestrator;
  let repo: string;
  const berth = (...args: string[]) => runBerth(args, { home: server.home });

  beforeAll(async () => {
    server = await startTestOrchestrator();
    repo = makeGitRepo();
  });
  afterAll(async () => server?.close());

  it('shows two sessions changing src/a.ts with the file named', async () => {
    const made: SessionDto[] = [];
    for (const name of ['one', 'two']) {
      const res = await berth('create', '--repo', repo, '--agent', 'shell', '--prompt', '', '--name', name, '--json');
      expect(res.code).toBe(0);
      made.push(SessionDto.parse(JSON.parse(res.stdout)));
    }
    for (const s of made) {
      await waitFor(`${s.name}'s worktree`, () => (fs.existsSync(s.worktreePath) ? true : undefined));
      fs.mkdirSync(path.join(s.worktreePath, 'src'), { recursive: true });
      fs.writeFileSync(path.join(s.worktreePath, 'src', 'a.ts'), `${s.name}\n`);
    }
    execFileSync('git', ['add', '-A'], { cwd: made[0]!.worktreePath });
    execFileSync('git', ['-c', 'user.email=t@b.invalid', '-c', 'user.name=T', 'commit', '-q', '-m', 'one edits a.ts'], { cwd: made[0]!.worktreePath });

    const out = await waitFor('the overlap warning', async () => {
      const res = await berth('list');
      return res.stdout.includes('warning: ') ? res.stdout : undefined;
    });
    const lines = out.trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('one '))).toMatch(/^one\s+\S+\s+shell\s+local\s+berth\/one\s+1\s+0\s+1\s+two\s+\d+s$/);
    expect(lines.find((l) => l.startsWith('two '))).toMatch(/^two\s+\S+\s+shell\s+local\s+berth\/two\s+0\s+0\s+1 \(dirty\)\s+one\s+\d+s$/);
    expect(lines.filter((l) => l.startsWith('warning: '))).toEqual([expect.stringMatching(/^warning: (one and two|two and one) both change src\/a\.ts$/)]);
  });
});
