/**
 * The "New session" dialog refuses what is not a git repository, and the settings feed its defaults.
 */
import { expect, requireChromium, screenshot, test } from '../fixtures/test.js';

requireChromium();

test('a folder that is not a git repository is refused and nothing is created', async ({ app, berth }) => {
  const dialog = await app.openCreateDialog();
  await dialog.fillRepo(berth.plainDir, 'error');
  await expect(dialog.repoStatus).not.toBeEmpty();
  await dialog.prompt.fill('echo never');
  await expect(dialog.submit).toBeDisabled();
  await screenshot(app.page, 'create-dialog-not-a-repo');

  await dialog.fillRepo(`${berth.tmpRoot}/does-not-exist`, 'error');
  await expect(dialog.submit).toBeDisabled();

  // A real repository is accepted; the input typed so far is kept.
  await dialog.fillRepo(berth.repoDir, 'ok');
  await expect(dialog.prompt).toHaveValue('echo never');
  await dialog.cancel.click();
  await expect(dialog.root).toBeHidden();

  const active = await berth.call('sessions.list', {});
  const archived = await berth.call('sessions.list', { archived: true });
  expect(active.ok && active.value).toEqual([]);
  expect(archived.ok && archived.value).toEqual([]);
  await expect(app.page.getByTestId('sessions-empty')).toBeVisible();
});

test('settings show the data directory and save the default agent used by the dialog', async ({ app, berth }) => {
  const settings = await app.openSettings();
  await expect(settings.dataDir).toHaveText(berth.home);
  await settings.setDefaultAgent('shell');
  const saved = await berth.call('settings.get', {});
  expect(saved.ok && saved.value.defaultAgent).toBe('shell');
  await screenshot(app.page, 'settings');

  const dialog = await app.openCreateDialog();
  await expect(dialog.agent).toHaveValue('shell');
  await expect(dialog.root.getByText('Command to run')).toBeVisible();
});
