/**
 * Page object of the Dashboard: window picker, export buttons, targets, create latency by backend and
 * phase, the latency tables, and the resources table.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class DashboardPage {
  readonly root: Locator;
  readonly link: Locator;
  readonly poll: Locator;
  readonly exportCsv: Locator;
  readonly exportJson: Locator;
  readonly targetRows: Locator;
  readonly createTable: Locator;
  readonly createChart: Locator;
  readonly apiRows: Locator;
  readonly resourcesTable: Locator;
  readonly sessionResourceRows: Locator;
  readonly berthResourceRows: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('dashboard-page');
    this.link = page.getByTestId('dashboard-link');
    this.poll = this.root.getByTestId('dash-poll');
    this.exportCsv = this.root.getByTestId('export-csv');
    this.exportJson = this.root.getByTestId('export-json');
    this.targetRows = this.root.getByTestId('target-row');
    this.createTable = this.root.getByTestId('create-table');
    this.createChart = this.root.getByTestId('create-chart');
    this.apiRows = this.root.getByTestId('api-table-row');
    this.resourcesTable = this.root.getByTestId('resources-table');
    this.sessionResourceRows = this.root.getByTestId('resources-sessions').getByTestId('resource-row');
    this.berthResourceRows = this.root.getByTestId('resources-berth').getByTestId('resource-row');
    this.error = this.root.getByTestId('dash-error');
  }

  /** Opens the page from the sidebar and waits for the first figures. */
  async open(): Promise<void> {
    await this.link.click();
    await expect(this.root).toBeVisible();
    await expect(this.poll).toHaveText('Live · every second');
    await expect(this.exportCsv).toBeEnabled();
  }

  /** Picks the percentile window (1m, 5m, 15m, 1h). */
  async pickWindow(window: '1m' | '5m' | '15m' | '1h'): Promise<void> {
    const button = this.root.getByTestId(`window-${window}`);
    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
  }

  /** The rows of one backend's cold or warm creates. */
  createGroup(backend: string, warm = false): Locator {
    return this.root.locator(`[data-testid="create-group"][data-backend="${backend}"][data-warm="${warm}"]`);
  }

  /** One phase's row in a create group. */
  createPhase(backend: string, phase: string, warm = false): Locator {
    return this.createGroup(backend, warm).locator(`[data-testid="create-row"][data-phase="${phase}"]`);
  }

  /** The targets table's row of a target id. */
  target(id: string): Locator {
    return this.root.locator(`[data-testid="target-row"][data-target-id="${id}"]`);
  }

  /** The resources row of a session, by name. */
  resourceRow(name: string): Locator {
    return this.root.getByTestId('resources-sessions').locator(`[data-testid="resource-row"][data-name="${name}"]`);
  }

  /** Session names in the resources table, top to bottom. */
  sessionNames(): Promise<Array<string | null>> {
    return this.sessionResourceRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
  }
}
