/**
 * Settings → Injection rules against the real headless server.
 *
 * A fresh data directory has the default rules (github.com, api.github.com, registry.npmjs.org), all
 * inactive: no credential is stored. A rule added through the form is saved with `settings.update` and
 * listed as inactive; once its credential is stored (through the API), a reload shows it active. A
 * wildcard host is refused with the reason. Removing the rule and saving leaves the defaults.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { DEFAULT_PROXY_SETTINGS } from '../../src-shared/proxy-settings.js';
import { expect, requireChromium, screenshot, test } from '../fixtures/test.js';
import { RulesSection } from '../pages/rules-page.js';
import { SessionsPage } from '../pages/sessions-page.js';

requireChromium();

/** The rule the test adds: git over HTTPS to a host nothing resolves (no traffic is sent). */
const RULE = { id: 'example-git', host: 'git.example.test', credential: 'example-token', format: 'basic-x-access-token' as const };

async function openRules(page: Page): Promise<RulesSection> {
  await new SessionsPage(page).openSettings();
  const rules = new RulesSection(page);
  await rules.root.scrollIntoViewIfNeeded();
  await rules.expectLoaded();
  return rules;
}

test.describe('Injection rules', () => {
  test.use({ viewport: { width: 1280, height: 1100 } });

  test('a rule added in Settings is inactive until its credential is stored, then active; removing it leaves the defaults', async ({ app, page, berth }) => {
    void app; // logged in
    const rules = await openRules(page);
    await expect(rules.explanation).toContainText('Berth intercepts TLS only for these hosts (its CA is name-constrained to them)');
    await expect(rules.explanation).toContainText('no wildcards');
    await expect(rules.rows).toHaveCount(3);
    for (const rule of DEFAULT_PROXY_SETTINGS.rules) await expect(rules.state(rule.id)).toHaveAttribute('data-state', 'inactive');
    await expect(rules.resetDefaults).toBeDisabled();

    // A wildcard is refused with the reason; nothing is added.
    await rules.field('host').fill('*.example.test');
    await expect(rules.editor.getByTestId('rule-problem-host')).toContainText('exact hosts only');
    await expect(rules.rows).toHaveCount(3);

    // Add through the form and save.
    await rules.add(RULE);
    await expect(rules.row(RULE.id).getByTestId('rule-target')).toHaveText('https://git.example.test');
    await expect(rules.state(RULE.id)).toHaveText('Inactive');
    await expect(rules.row(RULE.id).getByTestId('rule-state-note')).toHaveText('credential not stored: tunnelled untouched');
    await rules.saveRules();
    const saved = await berth.call('settings.get', {});
    expect(saved.ok && saved.value.proxy.rules).toEqual([
      ...DEFAULT_PROXY_SETTINGS.rules,
      { id: RULE.id, host: RULE.host, scheme: 'https', header: 'authorization', format: RULE.format, credential: RULE.credential },
    ]);

    // Store its credential (and github's) behind the page's back; after a reload the rules are active.
    for (const name of [RULE.credential, 'github']) {
      const stored = await berth.call('credentials.set', { name, kind: 'custom', source: { type: 'value' }, value: `tok-${randomBytes(12).toString('hex')}` });
      expect(stored.ok, JSON.stringify(stored)).toBe(true);
    }
    await page.reload();
    await new SessionsPage(page).waitUntilConnected();
    const reloaded = await openRules(page);
    await expect(reloaded.state(RULE.id)).toHaveText('Active');
    await expect(reloaded.state('github-git')).toHaveAttribute('data-state', 'active');
    await expect(reloaded.state('github-api')).toHaveAttribute('data-state', 'active');
    await expect(reloaded.state('npm-registry')).toHaveAttribute('data-state', 'inactive');
    await reloaded.root.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-rules');

    // Remove it and save: the defaults are left, and Reset to defaults has nothing to do.
    await reloaded.row(RULE.id).getByTestId('rule-remove').click();
    await expect(reloaded.row(RULE.id)).toHaveCount(0);
    await reloaded.saveRules();
    await expect(reloaded.resetDefaults).toBeDisabled();
    const after = await berth.call('settings.get', {});
    expect(after.ok && after.value.proxy.rules).toEqual(DEFAULT_PROXY_SETTINGS.rules);
  });
});
