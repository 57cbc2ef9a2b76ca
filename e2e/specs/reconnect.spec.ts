/**
 * The orchestrator goes away and comes back: the banner tells the user, and sessions survive.
 */
import { expect, login, requireChromium, test } from '../fixtures/test.js';

requireChromium();

test('a banner shows while the orchestrator is away; after its restart a new login shows the sessions', async ({
  app,
  berth,
  page,
}) => {
  const created = await berth.call('sessions.create', {
    repoPath: berth.repoDir,
    agent: 'shell',
    backend: 'local',
    prompt: 'echo survivor',
    name: 'survivor',
  });
  if (!created.ok) throw new Error(created.error.message);
  const pane = await app.open('survivor');
  await pane.expectLine('survivor');

  await berth.stopServer();
  await expect(app.banner).toHaveText('Disconnected from the orchestrator — reconnecting…');

  // Same port, same data dir: the browser's stored login is refused (logins live in memory), and the banner says so.
  await berth.restartServer();
  await expect(app.banner).toContainText('no longer logged in');

  await login(page, berth);
  await expect(app.activeItem('survivor')).toBeVisible();
  // A local session does not outlive its orchestrator; it says how it ended.
  await expect(app.activeItem('survivor').getByTestId('state-badge')).toHaveAttribute('data-state', /exited|failed/);
});
