/**
 * Page object of the Doctor page: Run checks, Copy as JSON, the summary counts and the grouped checks.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** Check statuses, in the order the page groups them. */
export const DOCTOR_STATUSES = ['fail', 'warn', 'ok', 'skip'] as const;
export type DoctorStatusName = (typeof DOCTOR_STATUSES)[number];

export class DoctorPage {
  readonly root: Locator;
  readonly link: Locator;
  readonly run: Locator;
  readonly copyJson: Locator;
  readonly summary: Locator;
  readonly groups: Locator;
  readonly checks: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('doctor-page');
    this.link = page.getByTestId('doctor-link');
    this.run = this.root.getByTestId('doctor-run');
    this.copyJson = this.root.getByTestId('doctor-copy-json');
    this.summary = this.root.getByTestId('doctor-summary');
    this.groups = this.root.getByTestId('doctor-group');
    this.checks = this.root.getByTestId('doctor-check');
    this.error = this.root.getByTestId('doctor-error');
  }

  /** Opens the page from the sidebar and waits for the first run's results. */
  async open(): Promise<void> {
    await this.link.click();
    await expect(this.root).toBeVisible();
    await this.waitForResults();
  }

  /** Waits until no run is out and a report is shown. */
  async waitForResults(): Promise<void> {
    await expect(this.summary).toBeVisible();
    await expect(this.run).toHaveText('Run checks');
  }

  /** The count shown for a status. */
  async count(status: DoctorStatusName): Promise<number> {
    return Number(await this.root.getByTestId(`doctor-count-${status}`).getAttribute('data-count'));
  }

  checksWith(status: DoctorStatusName): Locator {
    return this.root.locator(`[data-testid="doctor-check"][data-status="${status}"]`);
  }

  /** The statuses of the groups shown, top to bottom. */
  groupStatuses(): Promise<Array<string | null>> {
    return this.groups.evaluateAll((groups) => groups.map((g) => g.getAttribute('data-status')));
  }
}
