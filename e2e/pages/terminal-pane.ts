/**
 * Page object of one session pane: its header (state, actions) and its terminal.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** How long terminal output may take to show up. */
const TERMINAL_TIMEOUT_MS = 20_000;

export class TerminalPane {
  readonly header: Locator;
  readonly terminal: Locator;
  readonly overlay: Locator;
  readonly state: Locator;

  constructor(
    readonly page: Page,
    readonly root: Locator,
  ) {
    this.header = root.getByTestId('session-header');
    this.terminal = root.getByTestId('terminal');
    this.overlay = root.getByTestId('terminal-overlay');
    this.state = this.header.getByTestId('state-badge');
  }

  /** The visible screen as lines (xterm's DOM renderer rows), trailing spaces trimmed. */
  async lines(): Promise<string[]> {
    const rows = this.terminal.locator('.xterm-rows');
    if ((await rows.count()) === 0) return [];
    const text = await rows.evaluate((el) => (el as HTMLElement).innerText);
    return text
      .replace(/\u00a0/g, ' ')
      .split('\n')
      .map((line) => line.trimEnd());
  }

  async text(): Promise<string> {
    return (await this.lines()).join('\n');
  }

  /** Waits until some screen line is exactly `line` (after trimming). */
  async expectLine(line: string, timeout = TERMINAL_TIMEOUT_MS): Promise<void> {
    await expect
      .poll(async () => (await this.lines()).map((l) => l.trim()), { timeout, message: `terminal line "${line}"` })
      .toContain(line);
  }

  async expectText(fragment: string, timeout = TERMINAL_TIMEOUT_MS): Promise<void> {
    await expect.poll(() => this.text(), { timeout, message: `terminal text "${fragment}"` }).toContain(fragment);
  }

  /** Rows and columns xterm currently renders (from the DOM renderer). */
  async renderedRows(): Promise<number> {
    return this.terminal.locator('.xterm-rows > div').count();
  }

  /** Focuses the terminal and types a command followed by Enter. */
  async run(command: string): Promise<void> {
    await this.terminal.click();
    await this.page.keyboard.type(command);
    await this.page.keyboard.press('Enter');
  }

  async expectState(state: string | RegExp): Promise<void> {
    await expect(this.state).toHaveAttribute('data-state', state);
  }

  async sessionId(): Promise<string> {
    const id = await this.root.getAttribute('data-session-id');
    if (!id) throw new Error('pane without a session id');
    return id;
  }

  action(name: 'stop' | 'restart' | 'archive' | 'unarchive' | 'delete'): Locator {
    return this.header.getByTestId(`action-${name}`);
  }

  /** Deletes through the confirmation bar. */
  async delete(): Promise<void> {
    await this.action('delete').click();
    await this.header.getByTestId('delete-confirm-button').click();
  }
}
