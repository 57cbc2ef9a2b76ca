/**
 * Egress "ask" and the audit trail against the real headless server, with a fake Anthropic provider on
 * loopback as the upstream.
 *
 * The default egress decision is set to Ask through Settings; a local `sh` session curls its proxy
 * (`$ANTHROPIC_BASE_URL`, stand-in `$ANTHROPIC_API_KEY`). The request waits; the prompt at the top of
 * the window shows host, method, path and session; Allow lets it through (200, the stored key injected
 * upstream), Deny refuses the next one (403). The Audit page shows both, with injection, decision and
 * tokens; the session header shows its token use. The stored key is a random canary that must never
 * appear in the page or in any API response or WebSocket frame it receives.
 */
import { randomBytes } from 'node:crypto';
import { FakeProvider } from '../../src-main/testing/fake-provider.js';
import type { MethodName } from '../../src-shared/contract.js';
import { watchForCanary } from '../fixtures/canary.js';
import { expect, login, requireChromium, screenshot, test } from '../fixtures/test.js';
import { AuditPage, EgressAskBar, EgressSection, ProvidersSection } from '../pages/proxy-pages.js';
import { SessionsPage } from '../pages/sessions-page.js';

requireChromium();

/** The request the session makes: Anthropic Messages through its proxy route, printing only the status. */
const CURL =
  `curl -sS -o /dev/null -w '%{http_code}\\n' "$ANTHROPIC_BASE_URL/v1/messages" -H "x-api-key: $ANTHROPIC_API_KEY" ` +
  `-H 'content-type: application/json' -d '{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}'`;

test.describe('Egress ask and audit', () => {
  test.use({ viewport: { width: 1440, height: 1000 } });

  let fake: FakeProvider;
  test.beforeEach(async () => {
    fake = await FakeProvider.start();
  });
  test.afterEach(() => fake.dispose());

  test('ask → Allow lets a session request through with the key injected, Deny refuses the next; both audited', async ({ page, context, berth }) => {
    test.slow(); // server, session, two held requests and the audit flushes
    const canary = `sk-ant-canary-${randomBytes(16).toString('hex')}`;
    const traffic = watchForCanary(page, canary);

    // The stored key is the canary; the anthropic provider points at the fake on loopback.
    const stored = await berth.call('credentials.set', { name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: canary });
    expect(stored.ok, JSON.stringify(stored)).toBe(true);
    const provider = await berth.call('providers.set', { id: 'anthropic', upstream: fake.url, allowPrivate: true });
    expect(provider.ok, JSON.stringify(provider)).toBe(true);

    // DOM terminal rendering keeps the terminal's text readable from the page (as the `app` fixture does).
    await context.addInitScript(() => window.localStorage.setItem('berth.terminalRenderer', 'dom'));
    await login(page, berth);
    const app = new SessionsPage(page);
    await app.openSettings();
    const providers = new ProvidersSection(page);
    await providers.expectLoaded();
    await expect(providers.upstream('anthropic')).toHaveValue(fake.url);
    await expect(providers.inUse('anthropic')).toHaveText('injects anthropic');
    await expect(providers.credential('anthropic')).toHaveValue('');
    await expect(providers.status('anthropic')).toHaveAttribute('data-status', 'ok');
    await expect(providers.row('anthropic').getByTestId('provider-allow-private')).toBeChecked();
    await providers.root.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-providers');

    // Default egress decision: Ask, through the UI.
    const egress = new EgressSection(page);
    await egress.root.scrollIntoViewIfNeeded();
    await egress.setDefaultDecision('ask');
    await screenshot(page, 'settings-egress');
    const saved = await berth.call('settings.get', {});
    expect(saved.ok && saved.value.proxy.egress.defaultDecision).toBe('ask');

    // A local session running plain `sh`.
    await page.getByTestId('settings-link').click();
    const dialog = await app.openCreateDialog();
    await dialog.fill({ repo: berth.repoDir, agent: 'custom', backend: 'local', name: 'egress-check' });
    await dialog.root.getByTestId('create-command').fill('sh');
    await dialog.submit.click();
    await expect(dialog.root).toBeHidden();
    const pane = await app.paneFor('egress-check');
    await pane.expectState(/working|idle|waiting/);
    const sessionId = await pane.sessionId();
    await pane.run('echo "proxy at ${ANTHROPIC_BASE_URL%%/anthropic}"; echo ready-$((40+2))');
    await pane.expectLine('ready-42');
    await pane.expectText('proxy at http://127.0.0.1:');

    // First request: held; the prompt says what and who; Allow.
    await pane.run(CURL);
    const bar = new EgressAskBar(page);
    const first = bar.ask('127.0.0.1');
    await expect(first.root).toBeVisible();
    await expect(first.method).toHaveText('POST');
    await expect(first.path).toHaveText('/v1/messages');
    await expect(first.session).toHaveText('egress-check');
    await expect(first.countdown).toHaveText(/^denied in /);
    await screenshot(page, 'egress-ask-prompt');
    await first.answer(true, 'once');
    await pane.expectLine('200');

    // Upstream got the stored key, once, in the header the provider expects.
    expect(fake.received).toHaveLength(1);
    const upstream = fake.received[0]!;
    expect(upstream.url).toBe('/v1/messages');
    expect(upstream.headers.filter(([name]) => name.toLowerCase() === 'x-api-key').map(([, v]) => v)).toEqual([canary]);
    expect(FakeProvider.countInHeaders(upstream, canary)).toBe(1);

    // Audit: the request, injected, allowed, with its tokens and cost.
    const audit = new AuditPage(page);
    await audit.open();
    const allowed = await audit.waitForRow(200, '/v1/messages');
    await expect(audit.cell(allowed, 'session')).toHaveText('egress-check');
    await expect(audit.cell(allowed, 'host')).toHaveText('127.0.0.1');
    await expect(audit.cell(allowed, 'method')).toHaveText('POST');
    await expect(audit.cell(allowed, 'injected')).toHaveText('yes');
    await expect(audit.cell(allowed, 'decision')).toHaveText('allow');
    await expect(audit.cell(allowed, 'tokens')).toHaveText('25 / 15');
    await expect(audit.cell(allowed, 'cost')).toHaveText(/^\$0\.\d{4}$/);
    await audit.usageTab.click();
    await expect(audit.usageRows).toHaveCount(1);
    await expect(audit.usageRows.first()).toContainText('egress-check');
    await expect(audit.usageRows.first()).toContainText('claude-sonnet-4-5');
    await expect(audit.usageTotal).toContainText('25');
    await audit.requestsTab.click();

    // Back to the session: its header shows the token use.
    await audit.link.click();
    const again = await app.paneFor('egress-check');
    await expect(again.header.getByTestId('session-usage')).toHaveText(/^25 in · 15 out · \$0\.\d{4} \(1 request\)$/);

    // Second request: Deny → 403, and it never reaches the upstream.
    await again.run(CURL);
    const second = bar.ask('127.0.0.1');
    await expect(second.root).toBeVisible();
    await second.answer(false, 'once');
    await again.expectLine('403');
    expect(fake.received).toHaveLength(1);

    await audit.open();
    const denied = await audit.waitForRow(403, '/v1/messages');
    await expect(audit.cell(denied, 'injected')).toHaveText('no');
    await expect(audit.cell(denied, 'decision')).toHaveText('deny');
    await expect(audit.cell(denied, 'tokens')).toHaveText('—');
    // The filter by session keeps both.
    await audit.sessionFilter.selectOption(sessionId);
    await expect(audit.rowsWith(200, '/v1/messages')).toHaveCount(1);
    await expect(audit.rowsWith(403, '/v1/messages')).toHaveCount(1);
    await screenshot(page, 'audit-page');

    // The canary: nowhere in the page, nothing the page received, no API answer.
    expect(await page.content()).not.toContain(canary);
    const methods: Array<[MethodName, object]> = [
      ['credentials.list', {}],
      ['providers.list', {}],
      ['settings.get', {}],
      ['audit.list', {}],
      ['usage.list', {}],
      ['sessions.list', {}],
      ['egress.pending', {}],
      ['terminal.text', { ref: sessionId }],
    ];
    for (const [method, params] of methods) {
      const answer = await berth.call(method, params as never);
      expect(answer.ok, `${method}: ${JSON.stringify(answer)}`).toBe(true);
      expect(JSON.stringify(answer), method).not.toContain(canary);
    }
    await Promise.all(traffic.reads);
    expect(traffic.leaks).toEqual([]);
  });
});
