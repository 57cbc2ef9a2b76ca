/**
 * Page object of the "New session" dialog.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** What `create` fills in; omitted fields keep the dialog's defaults. */
export interface NewSession {
  repo: string;
  agent?: string;
  backend?: string;
  prompt?: string;
  name?: string;
  baseBranch?: string;
}

export class CreateDialog {
  readonly root: Locator;
  readonly repo: Locator;
  readonly repoStatus: Locator;
  readonly agent: Locator;
  readonly backend: Locator;
  readonly prompt: Locator;
  readonly name: Locator;
  readonly baseBranch: Locator;
  readonly submit: Locator;
  readonly cancel: Locator;
  readonly error: Locator;
  /** "Advanced (Docker)", shown when the Docker backend is chosen. */
  readonly dockerAdvanced: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('create-dialog');
    this.repo = this.root.getByTestId('create-repo');
    this.repoStatus = this.root.getByTestId('repo-status');
    this.agent = this.root.getByTestId('create-agent');
    this.backend = this.root.getByTestId('create-backend');
    this.prompt = this.root.getByTestId('create-prompt');
    this.name = this.root.getByTestId('create-name');
    this.baseBranch = this.root.getByTestId('create-base-branch');
    this.submit = this.root.getByTestId('create-submit');
    this.cancel = this.root.getByTestId('create-cancel');
    this.error = this.root.getByTestId('create-error');
    this.dockerAdvanced = this.root.getByTestId('docker-advanced');
  }

  /** A field of "Advanced (Docker)" by its test id suffix: image, pull-policy, volume-mode, cpus, memoryMb, pids, runtime. */
  dockerField(name: string): Locator {
    return this.dockerAdvanced.getByTestId(`docker-${name}`);
  }

  /** Opens "Advanced (Docker)" (the Docker backend must be selected). */
  async openDockerAdvanced(): Promise<void> {
    await expect(this.dockerAdvanced).toBeVisible();
    if ((await this.dockerAdvanced.getAttribute('open')) === null) await this.dockerAdvanced.locator('summary').click();
    await expect(this.dockerField('image')).toBeVisible();
  }

  async expectOpen(): Promise<void> {
    await expect(this.root).toBeVisible();
  }

  /** Types a repository path and waits for the live validation to settle on `status`. */
  async fillRepo(repo: string, status: 'ok' | 'error' = 'ok'): Promise<void> {
    await this.repo.fill(repo);
    await expect(this.repoStatus).toHaveAttribute('data-status', status);
  }

  async fill(session: NewSession): Promise<void> {
    await this.fillRepo(session.repo);
    // The lists load asynchronously; the agent select is enabled once they are in.
    await expect(this.agent).toBeEnabled();
    if (session.agent) await this.agent.selectOption(session.agent);
    if (session.backend) await this.backend.selectOption(session.backend);
    if (session.prompt !== undefined) await this.prompt.fill(session.prompt);
    if (session.name) await this.name.fill(session.name);
    if (session.baseBranch) await this.baseBranch.selectOption(session.baseBranch);
  }

  /** Fills and submits; waits for the dialog to close. */
  async create(session: NewSession): Promise<void> {
    await this.fill(session);
    await expect(this.submit).toBeEnabled();
    await this.submit.click();
    await expect(this.root).toBeHidden();
  }
}
