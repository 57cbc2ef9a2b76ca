/**
 * "Benchmark this machine" against the real headless server: before any run New session offers the
 * link to it; on the Dashboard a run of the local backend (runs=2) shows its progress bar, then the
 * figures against their baselines and the advice; a second run is compared with the first; New session
 * shows the local backend's advice. Screenshots: bench.png (results), bench-progress.png (panel mid-run),
 * bench-advice.png (the dialog).
 */
import path from 'node:path';
import { expect, requireChromium, screenshot, SCREENSHOT_DIR, test } from '../fixtures/test.js';
import { DashboardPage } from '../pages/dashboard-page.js';

requireChromium();

/** A benchmark run's figure in milliseconds, as the panel prints it ("9.12 ms", "48.3 ms"). */
const MS_FIGURE = /^\d+\.\d{1,2} ms$/;
/** The change column: a percentage, "same", "new" or "—". */
const CHANGE = /^([+−]\d+(\.\d)?%|same|new|—)$/;
/** Longest one local run with runs=2 may take here (worktrees, ptys, proxy and API loops). */
const RUN_TIMEOUT_MS = 60_000;

test.use({ viewport: { width: 1280, height: 1400 } });
test.setTimeout(180_000);

test('benchmarks the local backend with progress, results, comparison and advice; New session shows the advice', async ({ app, page }) => {
  // Before any run: New session offers a quiet link to the benchmark, which opens the Dashboard at it.
  let dialog = await app.openCreateDialog();
  const link = dialog.root.getByTestId('bench-advice-link');
  await expect(link).toBeVisible();
  await expect(dialog.root.getByTestId('backend-advice')).toHaveCount(0);
  await link.click();
  await expect(dialog.root).toBeHidden();

  const dashboard = new DashboardPage(page);
  await expect(dashboard.root).toBeVisible();
  const panel = dashboard.root.getByTestId('bench-panel');
  await expect(panel).toBeInViewport();
  await expect(panel.getByTestId('bench-empty')).toBeVisible();

  // Only the local backend, two runs.
  const local = panel.getByTestId('bench-backend-local');
  await expect(local).toBeEnabled();
  for (const box of await panel.getByTestId('bench-backends').locator('input[type="checkbox"]').all()) {
    const id = (await box.getAttribute('data-testid'))?.replace('bench-backend-', '');
    if ((await box.isEnabled()) && (await box.isChecked()) !== (id === 'local')) await box.click();
  }
  await expect(local).toBeChecked();
  await panel.getByTestId('bench-runs').fill('2');

  const runOnce = async (shot?: string) => {
    await panel.getByTestId('bench-run').click();
    await expect(panel.getByTestId('bench-run')).toHaveText('Running…');
    const progress = panel.getByTestId('bench-progress');
    await expect(progress).toBeVisible();
    await expect(panel.getByTestId('bench-elapsed')).toHaveText(/^\d+:\d\d$/);
    await expect(panel.getByTestId('bench-progress-count')).toHaveText(/^\d+\/\d+$/);
    await expect(panel.getByTestId('bench-progress-label')).not.toBeEmpty();
    await expect(panel.getByRole('progressbar')).toHaveAttribute('aria-valuemax', /^\d+$/);
    if (shot) await panel.screenshot({ path: path.join(SCREENSHOT_DIR, `${shot}.png`) });
    await expect(progress).toBeHidden({ timeout: RUN_TIMEOUT_MS });
    await expect(panel.getByTestId('bench-run')).toHaveText('Run benchmark');
    await expect(panel.getByTestId('bench-error')).toHaveCount(0);
  };

  await runOnce('bench-progress');
  const results = panel.getByTestId('bench-results');
  await expect(results).toBeVisible();
  const firstId = await results.getAttribute('data-run-id');
  const figure = (id: string) => panel.locator(`[data-testid="bench-figure"][data-figure-id="${id}"]`);
  await expect(figure('create.local').getByTestId('figure-p50')).toHaveText(MS_FIGURE);
  await expect(figure('create.local').getByTestId('figure-baseline')).toHaveText(MS_FIGURE);
  await expect(figure('create.local').getByTestId('figure-ratio')).toHaveText(/^\d+\.\d\d×$/);
  await expect(figure('create.local').getByTestId('figure-change')).toHaveText('—');
  await expect(figure('proxy.added')).toHaveCount(1);
  await expect(figure('api.rps')).toHaveCount(1);
  const advice = panel.locator('[data-testid="bench-advice-line"][data-backend="local"]');
  await expect(advice).toContainText('On this machine local start is');

  // A second run: compared with the first, both listed in past runs.
  await runOnce();
  await expect(results).not.toHaveAttribute('data-run-id', firstId ?? '');
  await expect(panel.getByTestId('bench-table').locator('thead')).toContainText(`vs run ${firstId}`);
  await expect(figure('create.local').getByTestId('figure-change')).toHaveText(CHANGE);
  await expect(figure('create.local').getByTestId('figure-change')).not.toHaveText('—');
  await expect(panel.getByTestId('bench-history-row')).toHaveCount(2);
  await expect(panel.getByTestId('bench-history-row').first()).toContainText('local ');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'bench');

  // New session: the local backend's advice beside the backend picker.
  dialog = await app.openCreateDialog();
  await expect(dialog.backend).toHaveValue('local');
  const backendAdvice = dialog.root.getByTestId('backend-advice');
  await expect(backendAdvice).toHaveAttribute('data-backend', 'local');
  await expect(backendAdvice).toContainText('On this machine local start is');
  await expect(dialog.root.getByTestId('bench-advice-link')).toHaveCount(0);
  await screenshot(page, 'bench-advice');
  await dialog.cancel.click();
});
