/**
 * Page object of the Settings view.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { CachesSection, DockerSettingsSection } from './docker-settings.js';

export class SettingsPage {
  readonly root: Locator;
  readonly dataDir: Locator;
  readonly defaultAgent: Locator;
  readonly defaultBackend: Locator;
  readonly saveStatus: Locator;
  readonly renderer: Locator;
  readonly docker: DockerSettingsSection;
  readonly caches: CachesSection;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-page');
    this.dataDir = this.root.getByTestId('settings-data-dir');
    this.defaultAgent = this.root.getByTestId('settings-default-agent');
    this.defaultBackend = this.root.getByTestId('settings-default-backend');
    this.saveStatus = this.root.getByTestId('settings-save-status');
    this.renderer = this.root.getByTestId('settings-renderer');
    this.docker = new DockerSettingsSection(page);
    this.caches = new CachesSection(page);
  }

  async setDefaultAgent(agent: string): Promise<void> {
    await expect(this.defaultAgent).toBeEnabled();
    await this.defaultAgent.selectOption(agent);
    await expect(this.saveStatus).toHaveText('Saved.');
  }
}
