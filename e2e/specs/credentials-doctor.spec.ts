/**
 * Settings → Credentials and the Doctor page against the real headless server.
 *
 * Credentials: a typed value is write-only. A random canary typed into the form is sent exactly once
 * (the `credentials.set` frame) and from then on appears nowhere: not in the page's HTML before or after
 * a reload, not in any HTTP /api/ response body nor any WebSocket frame the page receives; the list shows
 * only its masked tail. Doctor: the checks run on open, each problem shows its fix, Copy as JSON copies
 * the report.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { watchForCanary } from '../fixtures/canary.js';
import { expect, login, requireChromium, screenshot, test } from '../fixtures/test.js';
import { CredentialsSection } from '../pages/credentials-page.js';
import { DOCTOR_STATUSES, DoctorPage } from '../pages/doctor-page.js';
import { SessionsPage } from '../pages/sessions-page.js';

requireChromium();

async function openCredentials(page: Page): Promise<CredentialsSection> {
  await new SessionsPage(page).openSettings();
  const credentials = new CredentialsSection(page);
  await credentials.expectLoaded();
  return credentials;
}

test.describe('Credentials', () => {
  test.use({ viewport: { width: 1280, height: 1000 } });

  test('a typed value is write-only: masked in the list, after a reload, and nowhere in the page or its traffic', async ({ page, berth }) => {
    const canary = `sk-canary-${randomBytes(16).toString('hex')}`;
    const traffic = watchForCanary(page, canary);
    await login(page, berth);

    const credentials = await openCredentials(page);
    await expect(credentials.empty).toBeVisible();
    // Headless, the vault key sits in a file: the page says so, prominently.
    await expect(credentials.warning).toContainText('protected only by its file permissions');
    await expect(credentials.protection).toContainText('Vault key: ');

    // Client-side checks first: nothing is sent for an invalid name.
    await credentials.name.fill('Not A Slug');
    await credentials.value.fill(canary);
    await credentials.save.click();
    await expect(credentials.form.getByTestId('credential-problem-name')).toContainText('lowercase letters');
    expect(traffic.sentFrames).toBe(0);

    await credentials.cancel.click();
    await expect(credentials.value).toHaveValue('');
    await credentials.add({ name: 'e2e-canary', kind: 'anthropic-api-key', source: 'value', value: canary });
    await expect(credentials.value).toHaveValue('');
    await expect(credentials.masked('e2e-canary')).toHaveText(`••••${canary.slice(-4)}`);
    await expect(credentials.source('e2e-canary')).toHaveText('typed');
    await credentials.add({ name: 'github', kind: 'github', source: 'env', variable: 'GITHUB_TOKEN' });
    await expect(credentials.source('github')).toHaveText('env GITHUB_TOKEN');
    await expect(credentials.masked('github')).toHaveText('not read yet');
    expect(await page.content()).not.toContain(canary);
    await credentials.root.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-credentials');

    // The server agrees, and still has only the masked form to give.
    const listed = await berth.call('credentials.list', {});
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.credentials.map((c) => [c.name, c.masked])).toEqual([
      ['e2e-canary', `••••${canary.slice(-4)}`],
      ['github', null],
    ]);
    expect(JSON.stringify(listed.value)).not.toContain(canary);

    await page.reload();
    await new SessionsPage(page).waitUntilConnected();
    const reloaded = await openCredentials(page);
    await expect(reloaded.masked('e2e-canary')).toHaveText(`••••${canary.slice(-4)}`);
    await expect(reloaded.value).toHaveValue('');
    expect(await page.content()).not.toContain(canary);

    await reloaded.delete('e2e-canary');
    await reloaded.delete('github');
    await expect(reloaded.empty).toBeVisible();
    const after = await berth.call('credentials.list', {});
    expect(after.ok && after.value.credentials).toEqual([]);

    await Promise.all(traffic.reads);
    expect(traffic.leaks).toEqual([]);
    // The listeners did see the page's traffic: the one credentials.set request carried the value out.
    expect(traffic.sentFrames).toBe(1);
  });
});

test.describe('Doctor', () => {
  test.use({ viewport: { width: 1280, height: 1400 } });

  test('checks run on open, grouped worst first, each problem with its fix; Copy as JSON copies the report', async ({ app, berth, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: berth.baseURL });
    const doctor = new DoctorPage(app.page);
    await doctor.open();
    await expect(doctor.link).toHaveAttribute('aria-current', 'page');

    const total = await doctor.checks.count();
    expect(total).toBeGreaterThan(0);
    const counts = Object.fromEntries(await Promise.all(DOCTOR_STATUSES.map(async (s) => [s, await doctor.count(s)] as const)));
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(total);
    for (const status of DOCTOR_STATUSES) await expect(doctor.checksWith(status)).toHaveCount(counts[status] ?? 0);
    const shown = DOCTOR_STATUSES.filter((s) => (counts[s] ?? 0) > 0);
    expect(await doctor.groupStatuses()).toEqual(shown);

    // Every failing or warning check says what to do; ok ones say nothing more.
    for (const status of ['fail', 'warn'] as const) {
      const problems = doctor.checksWith(status);
      for (let i = 0; i < (counts[status] ?? 0); i++) await expect(problems.nth(i).getByTestId('doctor-fix')).toBeVisible();
    }
    await expect(doctor.checksWith('ok').getByTestId('doctor-fix')).toHaveCount(0);
    const commands = doctor.root.getByTestId('doctor-command');
    if ((await commands.count()) > 0) await expect(commands.first().locator('code')).not.toBeEmpty();
    await screenshot(app.page, 'doctor');

    await doctor.copyJson.click();
    await expect(doctor.copyJson).toHaveText('Copied');
    const copied = JSON.parse(await app.page.evaluate(() => navigator.clipboard.readText())) as {
      checks: Array<{ id: string }>;
      summary: Record<string, number>;
    };
    expect(copied.checks).toHaveLength(total);
    expect(copied.summary).toEqual(counts);

    // Run checks again: the button shows the run, and the results come back.
    await doctor.run.click();
    await doctor.waitForResults();
    await expect(doctor.checks).toHaveCount(total);
    await expect(doctor.error).toHaveCount(0);

    // A second click on the link returns to the sessions.
    await doctor.link.click();
    await expect(doctor.root).toBeHidden();
  });
});
