/**
 * A shell session from creation to deletion, through the UI, against the real headless server.
 */
import { existsSync } from 'node:fs';
import { expect, requireChromium, screenshot, test } from '../fixtures/test.js';
import { SessionsPage } from '../pages/sessions-page.js';

requireChromium();

test('create, use, share, resize, stop, restart, archive and delete a shell session', async ({ app, berth, page, context }) => {
  const dialog = await app.openCreateDialog();
  await dialog.fillRepo(berth.plainDir, 'error');
  await dialog.fill({ repo: berth.repoDir, agent: 'shell', backend: 'local', prompt: 'echo berth-ready', name: 'ready-check' });
  await expect(dialog.root.getByText('Command to run')).toBeVisible();
  await expect(dialog.repoStatus).toContainText('demo-repo');
  await screenshot(page, 'create-dialog');
  await dialog.submit.click();
  await expect(dialog.root).toBeHidden();

  // The new session is selected and its terminal opened.
  await expect(app.activeItem('ready-check')).toBeVisible();
  const pane = await app.paneFor('ready-check');
  await pane.expectLine('berth-ready');
  await pane.expectState(/working|idle|waiting/);

  await pane.run('echo hi');
  await pane.expectLine('hi');
  await screenshot(page, 'lifecycle-live');

  // Resizing the window re-fits the terminal and resizes the pty.
  const id = await pane.sessionId();
  const before = await berth.call('sessions.get', { ref: id });
  if (!before.ok) throw new Error(before.error.message);
  const rowsBefore = await pane.renderedRows();
  await page.setViewportSize({ width: 960, height: 640 });
  await expect.poll(() => pane.renderedRows()).toBeLessThan(rowsBefore);
  await expect
    .poll(async () => {
      const after = await berth.call('sessions.get', { ref: id });
      return after.ok ? after.value.cols : -1;
    })
    .toBeLessThan(before.value.cols);
  const resized = await berth.call('sessions.get', { ref: id });
  if (!resized.ok) throw new Error(resized.error.message);
  await pane.run('stty size');
  await pane.expectLine(`${resized.value.rows} ${resized.value.cols}`);

  // A late joiner (second tab, same login) gets the same screen from the snapshot.
  const second = new SessionsPage(await context.newPage());
  await second.page.goto(berth.baseURL);
  await second.waitUntilConnected();
  const secondPane = await second.open('ready-check');
  await secondPane.expectLine('berth-ready');
  await secondPane.expectLine('hi');
  await second.page.close();

  // Stop: the process ends and the header says how.
  await pane.action('stop').click();
  await pane.expectState(/exited|failed/);
  await expect(pane.header.getByTestId('header-exit')).toBeVisible();
  await expect(pane.overlay).toContainText('[process exited');
  await screenshot(page, 'lifecycle-stopped');

  // Restart: a new process in the same worktree, and the pane attaches to its terminal again.
  await pane.action('restart').click();
  await pane.expectState(/working|idle|waiting/);
  await expect(pane.overlay).toHaveCount(0);
  // The restarted shell gets its command typed again; wait for it (on the new terminal) before typing.
  await expect
    .poll(async () => {
      const text = await berth.call('terminal.text', { ref: id });
      return text.ok ? text.value.text.split('\n').map((l) => l.trim()) : [];
    })
    .toContain('berth-ready');
  await pane.run('echo after-restart');
  await pane.expectLine('after-restart');

  // Archive (which stops a live session), then unarchive.
  await pane.action('archive').click();
  await expect(app.activeItem('ready-check')).toHaveCount(0);
  await app.expandArchived();
  await expect(app.archivedItem('ready-check')).toBeVisible();
  await pane.expectState(/exited|failed/);
  await pane.action('unarchive').click();
  await expect(app.activeItem('ready-check')).toBeVisible();

  // Delete: gone from the list and from disk.
  const worktree = resized.value.worktreePath;
  expect(existsSync(worktree)).toBe(true);
  await pane.delete();
  await expect(app.activeItem('ready-check')).toHaveCount(0);
  await expect(app.panes).toHaveCount(0);
  await expect.poll(() => existsSync(worktree)).toBe(false);
  const list = await berth.call('sessions.list', {});
  expect(list.ok && list.value.length).toBe(0);
});
