/**
 * A vault that can't be unlocked leaves Berth running: Settings → Credentials shows it locked with the
 * reason and the fix, and "Try again" unlocks it once the key is back, credentials intact.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, login, requireChromium, screenshot, test } from '../fixtures/test.js';
import { CredentialsSection } from '../pages/credentials-page.js';
import { SessionsPage } from '../pages/sessions-page.js';

requireChromium();

test.use({ viewport: { width: 1280, height: 1000 } });

test('a vault whose key file was replaced starts locked with the reason and fix; Try again unlocks it after the key is restored', async ({ page, berth }) => {
  const set = await berth.call('credentials.set', { name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: 'sk-ant-e2e-locked-1234' });
  if (!set.ok) throw new Error(set.error.message);

  // The key file is replaced by another key (a restore from the wrong machine): the vault can't be opened.
  const keyFile = path.join(berth.home, 'vault.key');
  const key = readFileSync(keyFile);
  await berth.stopServer();
  writeFileSync(keyFile, Buffer.alloc(key.length, 7));
  // Berth still starts.
  await berth.restartServer();
  await login(page, berth);

  await new SessionsPage(page).openSettings();
  const credentials = new CredentialsSection(page);
  const locked = credentials.root.getByTestId('credentials-locked');
  await expect(locked).toBeVisible();
  await expect(locked.getByTestId('credentials-locked-reason')).toContainText('vault.key');
  await expect(locked.getByTestId('credentials-locked-fix')).not.toBeEmpty();
  // Nothing can be added to a locked vault, and the file was not re-created empty.
  await expect(credentials.form).toHaveCount(0);
  await locked.scrollIntoViewIfNeeded();
  await screenshot(page, 'vault-locked');

  writeFileSync(keyFile, key);
  await locked.getByTestId('credentials-unlock').click();
  await expect(locked).toHaveCount(0);
  await expect(credentials.row('anthropic')).toBeVisible();
  await expect(credentials.masked('anthropic')).toHaveText('••••1234');
});
