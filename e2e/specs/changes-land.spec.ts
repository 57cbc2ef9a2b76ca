/**
 * The work loop in a real browser against the built server: an agent's edits reviewed in the Changes
 * tab (diff, one hunk staged), committed, and landed squashed on the base branch of the main checkout.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../fixtures/berth-server.js';
import { expect, requireChromium, screenshot, test } from '../fixtures/test.js';
import { ChangesPage } from '../pages/changes-page.js';

requireChromium();

/** Lines of the committed source file: long enough that edits at both ends make two hunks. */
const FILE_LINES = 40;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Berth E2E', '-c', 'user.email=e2e@berth.invalid', ...args], { cwd, encoding: 'utf8' });
}

function sourceLines(): string[] {
  return Array.from({ length: FILE_LINES }, (_, i) => `export const value${i} = ${i};`);
}

test('review in Changes, stage one hunk, commit, land squashed: the base has it and the branch is 0 ahead', async ({ app, berth, page }) => {
  // The base branch has a TypeScript file to edit.
  mkdirSync(path.join(berth.repoDir, 'src'));
  writeFileSync(path.join(berth.repoDir, 'src', 'app.ts'), `${sourceLines().join('\n')}\n`);
  git(berth.repoDir, 'add', 'src/app.ts');
  git(berth.repoDir, 'commit', '-q', '-m', 'add app.ts');

  const dialog = await app.openCreateDialog();
  await dialog.create({ repo: berth.repoDir, agent: 'shell', backend: 'local', prompt: 'echo agent-ready', name: 'tidy-values' });
  const pane = await app.paneFor('tidy-values');
  await pane.expectLine('agent-ready');
  const id = await pane.sessionId();
  const session = await berth.call('sessions.get', { ref: id });
  if (!session.ok) throw new Error(session.error.message);
  const worktree = session.value.worktreePath;

  // The "agent" edits both ends of the file (two hunks) and adds a new file.
  const edited = sourceLines();
  edited[1] = 'export const value1 = "first hunk";';
  edited[FILE_LINES - 2] = 'export const value38 = "second hunk";';
  writeFileSync(path.join(worktree, 'src', 'app.ts'), `${edited.join('\n')}\n`);
  writeFileSync(path.join(worktree, 'NOTES.md'), '# notes\n');

  const changes = new ChangesPage(page, pane.root);
  await changes.open();
  await expect(changes.file('unstaged', 'src/app.ts')).toBeVisible();
  await expect(changes.file('unstaged', 'NOTES.md')).toBeVisible();
  await changes.select('unstaged', 'src/app.ts');
  await expect(changes.hunkHeaders).toHaveCount(2);
  await expect(changes.diff).toContainText('"first hunk"');
  await expect(changes.diff).toContainText('"second hunk"');
  // Highlighted by refractor: TypeScript keywords are marked up.
  await expect(changes.diff.locator('.token.keyword').first()).toBeVisible();
  await changes.setLayout('split');
  const shot = await screenshot(page, 'changes');
  // The README's picture of the Changes view; refreshing it is a deliberate act (BERTH_UPDATE_SCREENSHOT=1).
  if (process.env.BERTH_UPDATE_SCREENSHOT === '1') copyFileSync(shot, path.join(REPO_ROOT, 'docs', 'changes.png'));
  await changes.setLayout('unified');

  // Stage the first hunk only: the file is then both staged and unstaged.
  await changes.hunkAction(0, 'stage');
  await expect(changes.file('staged', 'src/app.ts')).toBeVisible();
  await expect(changes.file('unstaged', 'src/app.ts')).toBeVisible();
  await changes.select('staged', 'src/app.ts');
  await expect(changes.hunkHeaders).toHaveCount(1);
  await expect(changes.diff).toContainText('"first hunk"');
  await expect(changes.diff).not.toContainText('"second hunk"');

  await changes.commit('Give value1 its first-hunk value');
  await expect(changes.groupCount('staged')).toHaveAttribute('data-count', '0');
  await expect(changes.aheadBehind).toHaveAttribute('data-ahead', '1');
  await expect(changes.file('committed', 'src/app.ts')).toBeVisible();
  const cardAhead = app.activeItem('tidy-values').getByTestId('git-ahead');
  await expect(cardAhead).toHaveText('↑1');
  const committed = git(worktree, 'show', 'HEAD:src/app.ts');
  expect(committed).toContain('"first hunk"');
  expect(committed).not.toContain('"second hunk"');

  // "Create pull request" is unavailable (no gh on the hermetic PATH), and says why.
  await expect(changes.button('create-pr')).toBeDisabled();
  await expect(changes.root.getByTestId('pr-reason')).toContainText(/gh/);

  // Land squashed: one commit on main with the session's name in its message.
  const proposed = await changes.land('squash');
  expect(proposed.split('\n')[0]).toBe('tidy-values');
  await expect(changes.notice).toContainText('Landed on main');
  await expect(changes.aheadBehind).toHaveAttribute('data-ahead', '0');
  // The session card's ahead count follows (live git status).
  await expect(cardAhead).toHaveText('↑0');
  expect(git(berth.repoDir, 'log', '-1', '--format=%s', 'main').trim()).toBe('tidy-values');
  expect(git(berth.repoDir, 'show', 'main:src/app.ts')).toContain('"first hunk"');
  // The main checkout (on main) has the landed file; the uncommitted second hunk stayed in the worktree.
  expect(readFileSync(path.join(berth.repoDir, 'src', 'app.ts'), 'utf8')).toContain('"first hunk"');
  expect(readFileSync(path.join(worktree, 'src', 'app.ts'), 'utf8')).toContain('"second hunk"');
  await screenshot(page, 'changes-landed');

  // Back to the terminal: the same xterm, still attached (no reattach on switching tabs).
  await pane.root.getByTestId('tab-terminal').click();
  await pane.run('echo still-here');
  await pane.expectLine('still-here');
});

test('a repository with a setup command shows its Setup tab: command, source, status, duration, output', async ({ app, berth, page }) => {
  writeFileSync(path.join(berth.repoDir, '.berth.json'), JSON.stringify({ setup: 'echo preparing-worktree && echo setup-done' }));
  git(berth.repoDir, 'add', '.berth.json');
  git(berth.repoDir, 'commit', '-q', '-m', 'setup command');

  const dialog = await app.openCreateDialog();
  await dialog.create({ repo: berth.repoDir, agent: 'shell', backend: 'local', prompt: 'echo agent-ready', name: 'with-setup' });
  const pane = await app.paneFor('with-setup');
  await pane.expectLine('agent-ready');
  // Mark the terminal's DOM: if switching tabs remounted (and so reattached) it, the mark would be gone.
  await pane.terminal.evaluate((el) => el.setAttribute('data-e2e-mark', 'kept'));
  await pane.root.getByTestId('tab-setup').click();
  await expect(pane.terminal).toBeHidden();
  const setup = pane.root.getByTestId('setup-tab');
  await expect(setup.getByTestId('setup-status')).toHaveText('Succeeded');
  await expect(setup.getByTestId('setup-command')).toHaveText('echo preparing-worktree && echo setup-done');
  await expect(setup.getByTestId('setup-source')).toContainText('.berth.json');
  await expect(setup.getByTestId('setup-output')).toContainText('preparing-worktree\nsetup-done');
  await expect(setup.getByTestId('setup-duration')).toBeVisible();
  await screenshot(page, 'setup-tab');
  // The terminal was only hidden: back on its tab it is the same element, still attached and live.
  await pane.root.getByTestId('tab-terminal').click();
  await expect(pane.terminal).toHaveAttribute('data-e2e-mark', 'kept');
  await pane.run('echo after-setup-tab');
  await pane.expectLine('after-setup-tab');
});
