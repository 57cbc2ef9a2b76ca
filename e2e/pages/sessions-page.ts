/**
 * Page object of the main window: sidebar (sessions, archived, settings link) and session panes.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { CreateDialog } from './create-dialog.js';
import { SettingsPage } from './settings-page.js';
import { TerminalPane } from './terminal-pane.js';

export class SessionsPage {
  readonly sidebar: Locator;
  readonly newSessionButton: Locator;
  readonly activeList: Locator;
  readonly archivedToggle: Locator;
  readonly archivedList: Locator;
  readonly banner: Locator;
  readonly panes: Locator;
  readonly createDialog: CreateDialog;

  constructor(readonly page: Page) {
    this.sidebar = page.getByTestId('sidebar');
    this.newSessionButton = page.getByTestId('new-session');
    this.activeList = page.getByTestId('session-list');
    this.archivedToggle = page.getByTestId('archived-toggle');
    this.archivedList = page.getByTestId('archived-list');
    this.banner = page.getByTestId('connection-banner');
    this.panes = page.getByTestId('pane');
    this.createDialog = new CreateDialog(page);
  }

  async waitUntilConnected(): Promise<void> {
    await expect(this.sidebar).toBeVisible();
    await expect(this.banner).toHaveCount(0);
  }

  async openCreateDialog(): Promise<CreateDialog> {
    await this.newSessionButton.click();
    await this.createDialog.expectOpen();
    return this.createDialog;
  }

  /** The sidebar entry of an active session. */
  activeItem(name: string): Locator {
    return this.activeList.locator(`[data-testid="session-item"][data-session-name="${name}"]`);
  }

  /** The sidebar entry of an archived session (the section must be expanded). */
  archivedItem(name: string): Locator {
    return this.archivedList.locator(`[data-testid="session-item"][data-session-name="${name}"]`);
  }

  async expandArchived(): Promise<void> {
    if ((await this.archivedToggle.getAttribute('aria-expanded')) !== 'true') await this.archivedToggle.click();
    await expect(this.archivedList).toBeVisible();
  }

  /** Opens a session in the focused pane from the sidebar. */
  async open(name: string): Promise<TerminalPane> {
    await this.activeItem(name).getByTestId('session-name').click();
    return this.paneFor(name);
  }

  /** Opens a session beside the current one. */
  async openBeside(name: string): Promise<TerminalPane> {
    const item = this.activeItem(name);
    await item.hover();
    await item.getByTestId('open-beside').click();
    return this.paneFor(name);
  }

  /** The pane showing the session named `name`. */
  async paneFor(name: string): Promise<TerminalPane> {
    const header = this.page.getByTestId('header-name').filter({ hasText: new RegExp(`^${name}$`) });
    await expect(header).toBeVisible();
    const root = this.panes.filter({ has: header });
    return new TerminalPane(this.page, root);
  }

  pane(index: number): TerminalPane {
    return new TerminalPane(this.page, this.panes.nth(index));
  }

  async openSettings(): Promise<SettingsPage> {
    await this.page.getByTestId('settings-link').click();
    const settings = new SettingsPage(this.page);
    await expect(settings.root).toBeVisible();
    return settings;
  }
}
