/**
 * Two sessions open side by side, each pane with its own live terminal.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../fixtures/berth-server.js';
import { expect, requireChromium, screenshot, test } from '../fixtures/test.js';

requireChromium();

/** The README's screenshot. */
const README_SCREENSHOT = path.join(REPO_ROOT, 'docs', 'screenshot.png');

test('two sessions side by side keep their own terminals', async ({ app, berth, page }) => {
  // One session through the UI…
  const dialog = await app.openCreateDialog();
  await dialog.create({ repo: berth.repoDir, agent: 'shell', prompt: 'echo alpha-ready', name: 'alpha' });
  const alpha = await app.paneFor('alpha');
  await alpha.expectLine('alpha-ready');

  // …one through the API: it shows up in the sidebar by itself (session.updated events).
  const created = await berth.call('sessions.create', {
    repoPath: berth.repoDir,
    agent: 'shell',
    backend: 'local',
    prompt: 'echo beta-ready',
    name: 'beta',
    baseBranch: 'develop',
  });
  if (!created.ok) throw new Error(created.error.message);
  await expect(app.activeItem('beta')).toBeVisible();

  const beta = await app.openBeside('beta');
  await expect(app.panes).toHaveCount(2);
  await beta.expectLine('beta-ready');
  await alpha.expectLine('alpha-ready');

  await beta.run('echo from-beta');
  await beta.expectLine('from-beta');
  await alpha.run('git branch --show-current');
  await alpha.expectLine('berth/alpha');
  expect((await alpha.lines()).map((l) => l.trim())).not.toContain('from-beta');
  await expect(beta.header.getByTestId('header-branch')).toContainText('berth/beta');

  // A third session that has already ended, so the list shows more than one state.
  const ended = await berth.call('sessions.create', {
    repoPath: berth.repoDir,
    agent: 'shell',
    backend: 'local',
    prompt: 'exit 3',
    name: 'quick-exit',
  });
  if (!ended.ok) throw new Error(ended.error.message);
  await expect(app.activeItem('quick-exit').getByTestId('state-badge')).toHaveAttribute('data-state', 'exited');

  const file = await screenshot(page, 'side-by-side');
  // Refreshing the README's picture is a deliberate act (BERTH_UPDATE_SCREENSHOT=1), not a test side effect.
  if (process.env.BERTH_UPDATE_SCREENSHOT === '1') {
    mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
    copyFileSync(file, README_SCREENSHOT);
  }

  // Closing one pane leaves the other live; it widens to the whole area (wait for the pty to follow
  // before typing, or the shell's redraw on SIGWINCH races the command).
  const alphaId = await alpha.sessionId();
  const colsOf = async () => {
    const s = await berth.call('sessions.get', { ref: alphaId });
    return s.ok ? s.value.cols : -1;
  };
  const halfWidth = await colsOf();
  await beta.header.getByTestId('pane-close').click();
  await expect(app.panes).toHaveCount(1);
  await expect.poll(colsOf).toBeGreaterThan(halfWidth);
  await alpha.run('echo still-here');
  await alpha.expectLine('still-here');
});
