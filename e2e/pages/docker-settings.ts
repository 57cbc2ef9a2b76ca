/**
 * Page objects of Settings → Docker (engine status, images, the settings form) and Settings → Caches.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class DockerSettingsSection {
  readonly root: Locator;
  readonly engineStatus: Locator;
  readonly engineText: Locator;
  readonly images: Locator;
  readonly endpoint: Locator;
  readonly defaultImage: Locator;
  readonly pullPolicy: Locator;
  readonly memoryMb: Locator;
  readonly runtime: Locator;
  readonly warmImageInput: Locator;
  readonly warmImageAdd: Locator;
  readonly save: Locator;
  readonly saveStatus: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-docker');
    this.engineStatus = this.root.getByTestId('docker-engine-status');
    this.engineText = this.root.getByTestId('docker-engine-text');
    this.images = this.root.getByTestId('docker-images');
    this.endpoint = this.root.getByTestId('settings-docker-endpoint');
    this.defaultImage = this.root.getByTestId('settings-docker-defaultImage');
    this.pullPolicy = this.root.getByTestId('settings-docker-pullPolicy');
    this.memoryMb = this.root.getByTestId('settings-docker-memoryMb');
    this.runtime = this.root.getByTestId('settings-docker-runtime');
    this.warmImageInput = this.root.getByTestId('warm-image-input');
    this.warmImageAdd = this.root.getByTestId('warm-image-add');
    this.save = this.root.getByTestId('settings-docker-save');
    this.saveStatus = this.root.getByTestId('settings-docker-save-status');
  }

  /** Waits until docker.info has answered with `state` ('available' or 'unavailable'). */
  async expectEngine(state: 'available' | 'unavailable'): Promise<void> {
    await expect(this.engineStatus).toHaveAttribute('data-state', state);
  }

  cacheCheckbox(type: string): Locator {
    return this.root.getByTestId(`settings-docker-caches-${type}`);
  }

  async saveAndWait(): Promise<void> {
    await expect(this.save).toBeEnabled();
    await this.save.click();
    await expect(this.saveStatus).toHaveText('Saved.');
  }
}

export class CachesSection {
  readonly root: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly error: Locator;
  readonly cleanAll: Locator;
  readonly outcome: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-caches');
    this.table = this.root.getByTestId('caches-table');
    this.rows = this.root.getByTestId('cache-row');
    this.error = this.root.getByTestId('caches-error');
    this.cleanAll = this.root.getByTestId('caches-clean-all');
    this.outcome = this.root.getByTestId('caches-outcome');
  }

  row(type: string): Locator {
    return this.root.locator(`[data-testid="cache-row"][data-type="${type}"]`);
  }
}
