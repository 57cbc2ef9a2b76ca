/**
 * Page object of a session pane's Changes tab: the file groups, the diff, hunk and file actions, the
 * commit box and the branch actions (land, update, push, pull request).
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The three file groups of the tab. */
export type ChangeArea = 'committed' | 'staged' | 'unstaged';

export class ChangesPage {
  readonly tab: Locator;
  readonly root: Locator;
  readonly diff: Locator;
  readonly hunkHeaders: Locator;
  readonly aheadBehind: Locator;
  readonly notice: Locator;
  readonly error: Locator;
  readonly commitMessage: Locator;

  constructor(
    readonly page: Page,
    readonly pane: Locator,
  ) {
    this.tab = pane.getByTestId('tab-changes');
    this.root = pane.getByTestId('changes-tab');
    this.diff = this.root.getByTestId('diff-view');
    this.hunkHeaders = this.root.getByTestId('hunk-header');
    this.aheadBehind = this.root.getByTestId('ahead-behind');
    this.notice = this.root.getByTestId('changes-notice');
    this.error = this.root.getByTestId('changes-error');
    this.commitMessage = this.root.getByTestId('commit-message');
  }

  /** Switches the pane to the Changes tab and waits for the list. */
  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.root.getByTestId('file-list')).toBeVisible();
  }

  file(area: ChangeArea, path: string): Locator {
    return this.root.locator(`[data-testid="file-row"][data-area="${area}"][data-path="${path}"]`);
  }

  /** How many files a group holds (its heading's count). */
  groupCount(area: ChangeArea): Locator {
    return this.root.getByTestId(`group-${area}`);
  }

  async select(area: ChangeArea, path: string): Promise<void> {
    await this.file(area, path).click();
    await expect(this.root.getByTestId('diff-title')).toContainText(path);
  }

  async setLayout(layout: 'unified' | 'split'): Promise<void> {
    await this.root.getByTestId(`diff-${layout}`).click();
    await expect(this.diff).toHaveAttribute('data-view-type', layout);
  }

  /** Stages (or unstages) the hunk at `index` of the diff shown. */
  async hunkAction(index: number, action: 'stage' | 'unstage'): Promise<void> {
    await this.hunkHeaders.nth(index).getByTestId(`hunk-${action}`).click();
  }

  async commit(message: string, all = false): Promise<void> {
    await this.commitMessage.fill(message);
    await this.root.getByTestId(all ? 'commit-all' : 'commit').click();
    await expect(this.notice).toContainText('Committed');
  }

  /** Opens "Land…", picks the mode and confirms; returns the message the dialog proposed. */
  async land(mode: 'squash' | 'merge' | 'rebase' = 'squash'): Promise<string> {
    await this.root.getByTestId('land').click();
    const dialog = this.page.getByTestId('land-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId(`land-mode-${mode}`).check();
    const message = mode === 'rebase' ? '' : await dialog.getByTestId('land-message').inputValue();
    await dialog.getByTestId('land-confirm').click();
    await expect(dialog).toBeHidden();
    return message;
  }

  button(testId: 'land' | 'push' | 'create-pr' | 'update-from-base'): Locator {
    return this.root.getByTestId(testId);
  }
}
