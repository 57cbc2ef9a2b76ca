/**
 * Page objects of the credential proxy's views: Settings → Providers and Egress, the egress ask prompt
 * at the top of the window, and the Audit page (requests and usage).
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** Longest wait for an audit row to be flushed and shown (the proxy writes rows in batches). */
const AUDIT_ROW_TIMEOUT_MS = 20_000;

export class ProvidersSection {
  readonly root: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-providers');
    this.rows = this.root.getByTestId('provider-row');
  }

  row(id: string): Locator {
    return this.root.locator(`[data-testid="provider-row"][data-provider="${id}"]`);
  }

  upstream(id: string): Locator {
    return this.row(id).getByTestId('provider-upstream');
  }

  credential(id: string): Locator {
    return this.row(id).getByTestId('provider-credential');
  }

  status(id: string): Locator {
    return this.row(id).getByTestId('provider-status');
  }

  inUse(id: string): Locator {
    return this.row(id).getByTestId('provider-credential-in-use');
  }

  async expectLoaded(): Promise<void> {
    await expect(this.rows.first()).toBeVisible();
  }
}

export class EgressSection {
  readonly root: Locator;
  readonly defaultDecision: Locator;
  readonly askTimeout: Locator;
  readonly auditEnabled: Locator;
  readonly save: Locator;
  readonly saveStatus: Locator;
  readonly rules: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-egress');
    this.defaultDecision = this.root.getByTestId('settings-egress-default');
    this.askTimeout = this.root.getByTestId('settings-egress-askTimeoutSeconds');
    this.auditEnabled = this.root.getByTestId('settings-audit-enabled');
    this.save = this.root.getByTestId('settings-egress-save');
    this.saveStatus = this.root.getByTestId('settings-egress-save-status');
    this.rules = this.root.getByTestId('egress-rule');
  }

  /** Sets the default decision and saves; waits for "Saved." */
  async setDefaultDecision(decision: 'allow' | 'deny' | 'ask'): Promise<void> {
    await this.defaultDecision.selectOption(decision);
    await this.save.click();
    await expect(this.saveStatus).toHaveText('Saved.');
    await expect(this.defaultDecision).toHaveValue(decision);
  }
}

/** The strip of requests waiting for an answer at the top of the window. */
export class EgressAskBar {
  readonly root: Locator;
  readonly asks: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('egress-ask-bar');
    this.asks = this.root.getByTestId('egress-ask');
  }

  /** The waiting request to `host` (the first, if several). */
  ask(host: string): EgressAsk {
    return new EgressAsk(this.asks.filter({ has: this.page.getByTestId('egress-ask-host').filter({ hasText: host }) }).first());
  }
}

/** One waiting request. */
export class EgressAsk {
  readonly host: Locator;
  readonly method: Locator;
  readonly path: Locator;
  readonly session: Locator;
  readonly countdown: Locator;
  readonly remember: Locator;
  readonly allow: Locator;
  readonly deny: Locator;

  constructor(readonly root: Locator) {
    this.host = root.getByTestId('egress-ask-host');
    this.method = root.getByTestId('egress-ask-method');
    this.path = root.getByTestId('egress-ask-path');
    this.session = root.getByTestId('egress-ask-session');
    this.countdown = root.getByTestId('egress-ask-countdown');
    this.remember = root.getByTestId('egress-ask-remember');
    this.allow = root.getByTestId('egress-ask-allow');
    this.deny = root.getByTestId('egress-ask-deny');
  }

  async answer(allow: boolean, remember: 'once' | 'session' | 'always' = 'once'): Promise<void> {
    await this.remember.selectOption(remember);
    await (allow ? this.allow : this.deny).click();
    // It leaves when the orchestrator says the request settled.
    await expect(this.root).toHaveCount(0);
  }
}

export class AuditPage {
  readonly root: Locator;
  readonly link: Locator;
  readonly refresh: Locator;
  readonly sessionFilter: Locator;
  readonly rows: Locator;
  readonly usageTab: Locator;
  readonly requestsTab: Locator;
  readonly usageRows: Locator;
  readonly usageTotal: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('audit-page');
    this.link = page.getByTestId('audit-link');
    this.refresh = this.root.getByTestId('audit-refresh');
    this.sessionFilter = this.root.getByTestId('audit-session-filter');
    this.rows = this.root.getByTestId('audit-row');
    this.usageTab = this.root.getByTestId('audit-tab-usage');
    this.requestsTab = this.root.getByTestId('audit-tab-requests');
    this.usageRows = this.root.getByTestId('usage-row');
    this.usageTotal = this.root.getByTestId('usage-total');
  }

  async open(): Promise<void> {
    await this.link.click();
    await expect(this.root).toBeVisible();
  }

  /** Audit rows with this status and path. */
  rowsWith(status: number, path: string): Locator {
    return this.root.locator(`[data-testid="audit-row"][data-status="${status}"]`).filter({ has: this.page.getByTestId('audit-path').getByText(path, { exact: true }) });
  }

  /** Refreshes until a row with `status` and `path` shows (rows are flushed in batches); returns it. */
  async waitForRow(status: number, path: string): Promise<Locator> {
    const row = this.rowsWith(status, path).first();
    await expect
      .poll(
        async () => {
          if ((await row.count()) > 0) return true;
          await this.refresh.click();
          await expect(this.refresh).toHaveText('Refresh');
          return (await row.count()) > 0;
        },
        { timeout: AUDIT_ROW_TIMEOUT_MS, message: `audit row ${status} ${path}` },
      )
      .toBe(true);
    return row;
  }

  cell(row: Locator, name: 'session' | 'host' | 'method' | 'path' | 'status' | 'injected' | 'decision' | 'tokens' | 'cost'): Locator {
    return row.getByTestId(`audit-${name}`);
  }
}
