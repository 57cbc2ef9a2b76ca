/**
 * Page object of Settings → Credentials: the vault's protection and warning, the stored credentials and
 * the add/replace form.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** A credential as the form takes it. */
export type CredentialInput =
  | { name: string; kind?: string; source: 'value'; value: string }
  | { name: string; kind?: string; source: 'env'; variable: string }
  | { name: string; kind?: string; source: 'command'; command: string };

export class CredentialsSection {
  readonly root: Locator;
  readonly warning: Locator;
  readonly protection: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly empty: Locator;
  readonly form: Locator;
  readonly name: Locator;
  readonly kind: Locator;
  readonly value: Locator;
  readonly variable: Locator;
  readonly command: Locator;
  readonly save: Locator;
  readonly cancel: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-credentials');
    this.warning = this.root.getByTestId('credentials-warning');
    this.protection = this.root.getByTestId('credentials-protection');
    this.table = this.root.getByTestId('credentials-table');
    this.rows = this.root.getByTestId('credential-row');
    this.empty = this.root.getByTestId('credentials-empty');
    this.form = this.root.getByTestId('credential-form');
    this.name = this.form.getByTestId('credential-name');
    this.kind = this.form.getByTestId('credential-kind');
    this.value = this.form.getByTestId('credential-value');
    this.variable = this.form.getByTestId('credential-variable');
    this.command = this.form.getByTestId('credential-command');
    this.save = this.form.getByTestId('credential-save');
    this.cancel = this.form.getByTestId('credential-cancel');
    this.status = this.form.getByTestId('credential-form-status');
  }

  /** Waits until `credentials.list` has answered (the table or its empty row is shown). */
  async expectLoaded(): Promise<void> {
    await expect(this.table).toBeVisible();
  }

  row(name: string): Locator {
    return this.root.locator(`[data-testid="credential-row"][data-name="${name}"]`);
  }

  masked(name: string): Locator {
    return this.row(name).getByTestId('credential-row-masked');
  }

  source(name: string): Locator {
    return this.row(name).getByTestId('credential-row-source');
  }

  /** Fills the form and saves; waits for "Saved <name>." */
  async add(credential: CredentialInput): Promise<void> {
    await this.name.fill(credential.name);
    if (credential.kind) await this.kind.selectOption(credential.kind);
    await this.form.getByTestId(`credential-source-${credential.source}`).check();
    if (credential.source === 'value') await this.value.fill(credential.value);
    if (credential.source === 'env') await this.variable.fill(credential.variable);
    if (credential.source === 'command') await this.command.fill(credential.command);
    await this.save.click();
    await expect(this.status).toHaveText(`Saved ${credential.name}.`);
    await expect(this.row(credential.name)).toBeVisible();
  }

  /** Deletes through the row's confirmation and waits for the row to go. */
  async delete(name: string): Promise<void> {
    const row = this.row(name);
    await row.getByTestId('credential-delete').click();
    await expect(row.getByTestId('credential-delete-confirm')).toBeVisible();
    await row.getByTestId('credential-delete-confirm-button').click();
    await expect(row).toHaveCount(0);
  }
}
