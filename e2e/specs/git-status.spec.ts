/**
 * Session cards show live git status: ahead / behind, the dirty dot, changed files, and the overlap
 * warning when two sessions change the same file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, requireChromium, screenshot, test } from '../fixtures/test.js';

requireChromium();

test('two sessions editing src/a.ts both show the overlap; a commit shows as ahead', async ({ app, berth, page }) => {
  const worktrees: Record<string, string> = {};
  for (const name of ['left', 'right']) {
    const created = await berth.call('sessions.create', { repoPath: berth.repoDir, agent: 'shell', backend: 'local', prompt: '', name });
    if (!created.ok) throw new Error(created.error.message);
    worktrees[name] = created.value.worktreePath;
    await expect(app.activeItem(name).getByTestId('session-git')).toBeVisible();
  }
  for (const [name, dir] of Object.entries(worktrees)) {
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'a.ts'), `export const by = '${name}';\n`);
  }
  const left = worktrees.left!;
  execFileSync('git', ['add', '-A'], { cwd: left });
  execFileSync('git', ['-c', 'user.email=e2e@berth.invalid', '-c', 'user.name=E2E', 'commit', '-q', '-m', 'left edits a.ts'], { cwd: left });

  const leftCard = app.activeItem('left');
  const rightCard = app.activeItem('right');
  await expect(leftCard.getByTestId('git-ahead')).toHaveText('↑1');
  await expect(leftCard.getByTestId('git-dirty')).toHaveCount(0);
  await expect(rightCard.getByTestId('git-dirty')).toBeVisible();
  await expect(rightCard.getByTestId('git-changed')).toHaveText('1 file');
  await expect(leftCard.getByTestId('session-overlap')).toContainText('right: src/a.ts');
  await expect(rightCard.getByTestId('session-overlap')).toHaveAttribute('title', 'left also changes src/a.ts');
  await screenshot(page, 'git-status-overlap');
});
