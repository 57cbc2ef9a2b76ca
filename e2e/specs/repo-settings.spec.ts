/**
 * Settings → Repositories in a real browser: settings stored for a repository without a .berth.json
 * give its next session ports; the session header shows them as links that open in a new tab.
 */
import http from 'node:http';
import { expect, requireChromium, screenshot, test } from '../fixtures/test.js';
import { RepoSettingsSection } from '../pages/repo-settings.js';

requireChromium();

test('store ports for a repository in Settings, create a session, open its port link', async ({ app, berth, page }) => {
  await app.openSettings();
  const repos = new RepoSettingsSection(page);
  await repos.add(berth.repoDir);
  await repos.field('ports').fill('web, api');
  await repos.field('env').fill('GREETING=from-settings');
  await repos.field('agent').selectOption('shell');
  await repos.save();
  await repos.root.scrollIntoViewIfNeeded();
  await screenshot(page, 'repo-settings');
  const stored = await berth.call('repos.settings.get', { repoPath: berth.repoDir });
  expect(stored.ok && stored.value.stored).toEqual({ ports: ['web', 'api'], env: { GREETING: 'from-settings' }, defaults: { agent: 'shell' }, waitForSetup: true });

  // A bad value is refused with the field named, and nothing changes.
  await repos.field('ports').fill('web 9lives');
  await repos.root.getByTestId('repo-settings-save').click();
  await expect(repos.status).toContainText('"ports.1"');

  const dialog = await app.openCreateDialog();
  await dialog.fill({ repo: berth.repoDir, prompt: 'echo "greeting=$GREETING port=$PORT"', name: 'with-ports' });
  // The repository's default agent was taken when it was picked.
  await expect(dialog.agent).toHaveValue('shell');
  await dialog.submit.click();
  await expect(dialog.root).toBeHidden();

  const pane = await app.paneFor('with-ports');
  const created = await berth.call('sessions.get', { ref: 'with-ports' });
  if (!created.ok) throw new Error(created.error.message);
  const [web, api] = created.value.ports;
  if (!web || !api) throw new Error('the session got no ports');
  await pane.expectLine(`greeting=from-settings port=${web.port}`);
  const link = pane.header.getByTestId('port-link-web');
  await expect(link).toHaveText(`web http://localhost:${web.port}`);
  await expect(pane.header.getByTestId('port-link-api')).toHaveText(`api http://localhost:${api.port}`);
  await screenshot(page, 'session-ports');

  // What the agent would serve on its PORT: the link opens it in a new tab.
  const server = http.createServer((_req, res) => res.end(`served on ${web.port}`));
  await new Promise<void>((resolve) => server.listen(web.port, '127.0.0.1', resolve));
  try {
    const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
    await expect(popup.locator('body')).toHaveText(`served on ${web.port}`);
    expect(popup.url()).toBe(`http://localhost:${web.port}/`);
    await popup.close();
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('ready worktrees: the count set in Settings is kept made ahead, shown with its disk, and a create claims one', async ({ app, berth, page }) => {
  await app.openSettings();
  const repos = new RepoSettingsSection(page);
  await repos.add(berth.repoDir);
  await repos.field('setup').fill('echo installed > installed.txt');
  await repos.field('ready').fill('1');
  await repos.field('agent').selectOption('shell');
  await repos.save();

  // The pool starts with the repository's first create (after its first output).
  const first = await berth.call('sessions.create', { repoPath: berth.repoDir, agent: 'shell', name: 'first' });
  if (!first.ok) throw new Error(first.error.message);
  // The section asks again while they are being made.
  await expect(repos.readyStatus).toContainText('1 of 1 ready', { timeout: 30_000 });
  await expect(repos.readyStatus).toContainText('on disk');
  await repos.root.scrollIntoViewIfNeeded();
  await screenshot(page, 'repo-settings-ready');

  // The next create claims it: setup already ran there, its output is the ready worktree's.
  const second = await berth.call('sessions.create', { repoPath: berth.repoDir, agent: 'shell', name: 'second', prompt: 'cat installed.txt' });
  if (!second.ok) throw new Error(second.error.message);
  const pane = await app.open('second');
  await pane.expectLine('installed');
  const events = await berth.call('sessions.setupLog', { ref: 'second' });
  expect(events.ok && events.value?.status).toBe('succeeded');
});
