/**
 * Page object of Settings → Injection rules: the rules table with each rule's state, the add / edit
 * form, and Save / Discard / Reset to defaults.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** A rule as the add form takes it (blank fields keep the form's defaults). */
export interface RuleInput {
  host: string;
  credential: string;
  scheme?: 'https' | 'http';
  port?: string;
  header?: string;
  format?: 'raw' | 'bearer' | 'token' | 'basic' | 'basic-x-access-token';
  id?: string;
}

export class RulesSection {
  readonly root: Locator;
  readonly explanation: Locator;
  readonly defaults: Locator;
  readonly rows: Locator;
  readonly refresh: Locator;
  readonly editor: Locator;
  readonly submitRule: Locator;
  readonly save: Locator;
  readonly discard: Locator;
  readonly resetDefaults: Locator;
  readonly saveStatus: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-rules');
    this.explanation = this.root.getByTestId('rules-explanation');
    this.defaults = this.root.getByTestId('rules-defaults');
    this.rows = this.root.getByTestId('rule-row');
    this.refresh = this.root.getByTestId('rules-refresh');
    this.editor = this.root.getByTestId('rule-editor');
    this.submitRule = this.editor.getByTestId('rule-submit');
    this.save = this.root.getByTestId('rules-save');
    this.discard = this.root.getByTestId('rules-discard');
    this.resetDefaults = this.root.getByTestId('rules-reset-defaults');
    this.saveStatus = this.root.getByTestId('settings-rules-save-status');
  }

  /** Waits until the saved rules and the stored credentials are shown (no rule's state is unknown). */
  async expectLoaded(): Promise<void> {
    await expect(this.root.getByTestId('rules-table')).toBeVisible();
    await expect(this.root.locator('[data-testid="rule-row"][data-state="unknown"]')).toHaveCount(0);
  }

  row(id: string): Locator {
    return this.root.locator(`[data-testid="rule-row"][data-rule="${id}"]`);
  }

  /** The row's state badge ("Active", "Inactive"; `data-state` says the same). */
  state(id: string): Locator {
    return this.row(id).getByTestId('rule-state');
  }

  field(name: 'host' | 'port' | 'header' | 'id' | 'scheme' | 'format' | 'credential-name'): Locator {
    return this.editor.getByTestId(`rule-${name}`);
  }

  /** Fills the add form and adds the rule to the list (not saved yet). */
  async add(rule: RuleInput): Promise<void> {
    await expect(this.editor).toHaveAttribute('data-mode', 'add');
    if (rule.scheme) await this.field('scheme').selectOption(rule.scheme);
    await this.field('host').fill(rule.host);
    if (rule.port !== undefined) await this.field('port').fill(rule.port);
    if (rule.header !== undefined) await this.field('header').fill(rule.header);
    if (rule.format) await this.field('format').selectOption(rule.format);
    await this.field('credential-name').fill(rule.credential);
    if (rule.id !== undefined) await this.field('id').fill(rule.id);
    const before = await this.rows.count();
    await this.submitRule.click();
    await expect(this.rows).toHaveCount(before + 1);
  }

  /** Saves the list; waits for "Saved." */
  async saveRules(): Promise<void> {
    await this.save.click();
    await expect(this.saveStatus).toHaveText('Saved.');
    await expect(this.save).toBeDisabled();
  }
}
