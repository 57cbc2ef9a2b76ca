/**
 * The Dashboard against the real headless server: two local sessions' create latencies (per phase) and
 * their CPU/memory appear, the view keeps updating, CSV export downloads the window, screenshot.
 */
import { readFileSync } from 'node:fs';
import { expect, requireChromium, screenshot, test } from '../fixtures/test.js';
import { DashboardPage } from '../pages/dashboard-page.js';

requireChromium();

/** Local create phases, in the table's order. */
const LOCAL_PHASES = ['worktree', 'start', 'first-output', 'total'];
/** A latency cell: "0.42 ms", "3.1 ms", "48 ms" or "1.25 s". */
const LATENCY = /^\d+(\.\d+)? (ms|s)$/;

test.use({ viewport: { width: 1280, height: 1760 } });

test('shows create latency by phase and resources of two local sessions, live; exports CSV', async ({ app, berth, page }) => {
  for (const name of ['dash-alpha', 'dash-beta']) {
    const created = await berth.call('sessions.create', { repoPath: berth.repoDir, agent: 'shell', backend: 'local', prompt: `echo ${name}-ready`, name });
    if (!created.ok) throw new Error(created.error.message);
    await expect(app.activeItem(name)).toBeVisible();
  }

  const dashboard = new DashboardPage(page);
  await dashboard.open();
  await expect(dashboard.link).toHaveAttribute('aria-current', 'page');

  // Create latency: one local (cold) group, every phase timed for both sessions.
  await expect(dashboard.createPhase('local', 'total').getByTestId('cell-count')).toHaveText('2');
  const phases = await dashboard.createGroup('local').getByTestId('create-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-phase')));
  expect(phases).toEqual(LOCAL_PHASES);
  for (const phase of LOCAL_PHASES) {
    const row = dashboard.createPhase('local', phase);
    await expect(row.getByTestId('cell-count')).toHaveText('2');
    for (const stat of ['cell-p50', 'cell-p95', 'cell-p99']) await expect(row.getByTestId(stat)).toHaveText(LATENCY);
  }
  await expect(dashboard.createChart).toHaveAttribute('data-series', '1');
  await expect(dashboard.createChart.locator('canvas')).toHaveCount(1);
  // The create.local target reads the same p95, coloured.
  const localTarget = dashboard.target('create.local');
  await expect(localTarget.getByTestId('target-live')).toHaveText(LATENCY);
  await expect(localTarget).toHaveAttribute('data-status', /^(ok|acceptable|slow)$/);
  await expect(dashboard.apiRows.first()).toBeVisible();

  // Resources: both sessions with CPU and memory figures, sparklines filling in; Berth's orchestrator too.
  for (const name of ['dash-alpha', 'dash-beta']) {
    const row = dashboard.resourceRow(name);
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('resource-cpu')).toHaveText(/^\d+(\.\d)?%$/);
    await expect(row.getByTestId('resource-memory')).toHaveText(/^\d+(\.\d)? (kB|MB|GB)$/);
    await expect(row.getByTestId('state-badge')).toHaveAttribute('data-state', /working|idle|waiting/);
  }
  await expect(dashboard.berthResourceRows.filter({ has: page.getByText('orchestrator', { exact: true }) })).toHaveCount(1);
  await expect(dashboard.berthResourceRows.first().getByTestId('resource-memory')).toHaveText(/MB|GB/);

  // Sortable: by name, A to Z then Z to A.
  await dashboard.root.getByTestId('sort-name').click();
  expect(await dashboard.sessionNames()).toEqual(['dash-alpha', 'dash-beta']);
  await dashboard.root.getByTestId('sort-name').click();
  expect(await dashboard.sessionNames()).toEqual(['dash-beta', 'dash-alpha']);

  // Live: the event-loop and API figures keep arriving (resources.get itself is an API request).
  const requests = dashboard.root.locator('[data-testid="api-table-row"][data-label="resources.get"]').getByTestId('cell-count');
  const before = Number(await requests.textContent());
  await expect.poll(async () => Number(await requests.textContent()), { timeout: 10_000 }).toBeGreaterThan(before + 1);

  // Export CSV: a download of the window with the local create series and the sessions' names.
  const [download] = await Promise.all([page.waitForEvent('download'), dashboard.exportCsv.click()]);
  expect(download.suggestedFilename()).toMatch(/^berth-metrics-5m-\d{8}-\d{6}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe('type,name,labels,count,sum,min,max,p50,p95,p99,value');
  for (const phase of LOCAL_PHASES) {
    expect(lines.some((l) => l.startsWith(`histogram,session_create_ms,backend=local;phase=${phase};warm=false,2,`))).toBe(true);
  }
  expect(csv).toContain('session=dash-alpha');
  expect(csv).toContain('session=dash-beta');
  await expect(dashboard.error).toHaveCount(0);

  await dashboard.root.getByTestId('sort-cpu').click();
  await screenshot(page, 'dashboard');
});
