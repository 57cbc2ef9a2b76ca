/**
 * Page object of Settings → Repositories.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class RepoSettingsSection {
  readonly root: Locator;
  readonly repo: Locator;
  readonly addPath: Locator;
  readonly status: Locator;
  /** How many ready worktrees there are and their disk (absent while none are kept). */
  readonly readyStatus: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-repositories');
    this.repo = this.root.getByTestId('repo-settings-repo');
    this.addPath = this.root.getByTestId('repo-settings-add');
    this.status = this.root.getByTestId('repo-settings-status');
    this.readyStatus = this.root.getByTestId('repo-settings-ready-status');
  }

  field(name: 'setup' | 'teardown' | 'ports' | 'model' | 'baseBranch' | 'env' | 'agent' | 'backend' | 'ready'): Locator {
    return this.root.getByTestId(`repo-settings-${name}`);
  }

  /** Adds a repository by its path and selects it. */
  async add(path: string): Promise<void> {
    await this.addPath.fill(path);
    await this.root.getByTestId('repo-settings-add-button').click();
    await expect(this.repo).toHaveValue(path);
  }

  async save(): Promise<void> {
    await this.root.getByTestId('repo-settings-save').click();
    await expect(this.status).toHaveText('Saved.');
  }
}
