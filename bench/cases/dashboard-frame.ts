/**
 * `dashboard.frame`: renderer frame time with the Dashboard open on 50 live local sessions while its
 * data streams (a poll a second, session stats events for every session every second), in Debian's
 * Chromium through Playwright. Frame times are requestAnimationFrame deltas with the 60 Hz frame-rate
 * cap lifted (`--disable-frame-rate-limit --disable-gpu-vsync`), so a delta is the time a frame really
 * took rather than the display's refresh interval.
 *
 * A B A B: the baseline (A) is the same app, same sessions and event stream, on the sessions view; B is
 * the Dashboard, first at its top (targets, chart, tables) then scrolled to the resources table with
 * its 50 rows and sparklines.
 */
import { isAgentState } from '../../src-shared/dto.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { callHttp } from '../../src-main/client/node-client.js';
import { CHROMIUM_ARGS, chromiumStatus } from '../../e2e/fixtures/chromium.js';
import { makeRepo, sleep, startOrchestratorProcess, type OrchestratorProcess } from '../harness.js';
import { figure, percentile, reading, type Figure } from '../stats.js';

/** Sessions open, from the goal. */
const SESSIONS = 50;
/** What each session runs: nothing that prints, so only the metrics stream moves the page. */
const SESSION_COMMAND = 'sh -c "sleep 600"';
/** Frames are recorded for this long per chunk; chunks alternate A B A B (≈ 10 s of Dashboard). */
const CHUNK_MS = 5_000;
/** Settle time after switching views (first poll, chart creation) before recording. */
const SETTLE_MS = 2_000;
/** Longest wait for the sessions to run and for the page to show them. */
const READY_TIMEOUT_MS = 60_000;
/** The Dashboard polls once a second (src-renderer/features/dashboard/use-dashboard-poll.ts). */
const POLL_MS = 1_000;
/** One frame at 60 Hz, ms: the pace of headless Chromium. */
const FRAME_60HZ_MS = 1_000 / 60;
/** A frame this many times the typical one has missed its slot. */
const DROPPED_FACTOR = 1.5;
/** Window size of the page, px. */
const VIEWPORT = { width: 1280, height: 800 };

async function createSessions(orch: OrchestratorProcess, repo: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const created = await callHttp(orch.api, 'sessions.create', { repoPath: repo, agent: 'custom', command: SESSION_COMMAND, name: `frame-${i}` });
    if (!created.ok) throw new Error(`create frame-${i}: ${created.error.message}`);
    ids.push(created.value.id);
  }
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const list = await callHttp(orch.api, 'sessions.list', { limit: SESSIONS * 2 });
    const live = list.ok ? list.value.filter((s) => isAgentState(s.state)).length : 0;
    if (live >= SESSIONS) return ids;
    if (Date.now() > deadline) throw new Error(`only ${live} of ${SESSIONS} sessions are running after ${READY_TIMEOUT_MS} ms`);
    await sleep(250);
  }
}

/**
 * The page-side recorder, as source text: tsx (esbuild keepNames) wraps named functions in a `__name`
 * helper that does not exist in the page, so a function passed to page.evaluate would not run there.
 */
const RECORD_FRAMES_SOURCE = `(duration) => new Promise((resolve) => {
  const deltas = [];
  let mutations = 0;
  const observer = new MutationObserver((records) => { mutations += records.length; });
  observer.observe(document.querySelector('main') ?? document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  let first;
  let last;
  const frame = (t) => {
    if (last !== undefined) deltas.push(t - last);
    if (first === undefined) first = t;
    last = t;
    if (t - first < duration) requestAnimationFrame(frame);
    else {
      observer.disconnect();
      resolve({ deltas, mutations });
    }
  };
  requestAnimationFrame(frame);
})`;

/** requestAnimationFrame deltas (ms) in the page for `ms`, and how many DOM changes the main area saw meanwhile. */
function recordFrames(page: Page, ms: number): Promise<{ deltas: number[]; mutations: number }> {
  return page.evaluate(`(${RECORD_FRAMES_SOURCE})(${ms})`) as Promise<{ deltas: number[]; mutations: number }>;
}

async function showSessions(page: Page): Promise<void> {
  if ((await page.getByTestId('dashboard-page').count()) > 0) await page.getByTestId('dashboard-link').click();
  await page.getByTestId('dashboard-page').waitFor({ state: 'detached' });
  await sleep(SETTLE_MS);
}

async function showDashboard(page: Page, at: 'top' | 'resources'): Promise<void> {
  if ((await page.getByTestId('dashboard-page').count()) === 0) await page.getByTestId('dashboard-link').click();
  await page.locator('[data-testid="dashboard-page"][data-poll="live"]').waitFor({ timeout: READY_TIMEOUT_MS });
  await page
    .waitForFunction((n) => document.querySelectorAll('[data-testid="resources-sessions"] [data-testid="resource-row"]').length >= n, SESSIONS, { timeout: READY_TIMEOUT_MS })
    .catch(() => {
      throw new Error(`the Dashboard did not list ${SESSIONS} sessions`);
    });
  if (at === 'resources') await page.getByTestId('dash-resources').scrollIntoViewIfNeeded();
  else await page.getByTestId('dashboard-page').evaluate((el) => el.scrollTo(0, 0));
  await sleep(SETTLE_MS);
}

export async function benchDashboardFrame(): Promise<Figure[]> {
  const chromiumAt = chromiumStatus();
  if (!chromiumAt.found) {
    console.error(`SKIPPED: dashboard.frame — Chromium not found at ${chromiumAt.path}`);
    return [];
  }
  const repo = makeRepo();
  const orch = await startOrchestratorProcess();
  let browser: Browser | undefined;
  let ids: string[] = [];
  try {
    ids = await createSessions(orch, repo);
    browser = await chromium.launch({ executablePath: chromiumAt.path, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: VIEWPORT });
    const login = await callHttp(orch.api, 'auth.loginUrl', {});
    if (!login.ok) throw new Error(login.error.message);
    await page.goto(login.value.url);
    await page.getByTestId('sidebar').waitFor();
    await page.locator('[data-testid="session-list"] [data-testid="session-item"]').nth(SESSIONS - 1).waitFor({ timeout: READY_TIMEOUT_MS });

    const baseline: number[] = [];
    const dashboard: number[] = [];
    for (const at of ['top', 'resources'] as const) {
      await showSessions(page);
      baseline.push(...(await recordFrames(page, CHUNK_MS)).deltas);
      await showDashboard(page, at);
      const recorded = await recordFrames(page, CHUNK_MS);
      // The figure means nothing if the page sat still: each poll rewrites figures in the view.
      if (recorded.mutations < CHUNK_MS / POLL_MS / 2) throw new Error(`the Dashboard did not update while measured (${recorded.mutations} DOM changes)`);
      dashboard.push(...recorded.deltas);
    }
    // A frame counts as dropped when it took longer than one and a half of the baseline's typical frames.
    const typical = percentile([...baseline].sort((a, b) => a - b), 50);
    const frameMs = Number.isFinite(typical) ? Number(typical.toFixed(1)) : FRAME_60HZ_MS;
    const dropped = (dashboard.filter((d) => d > DROPPED_FACTOR * frameMs).length / dashboard.length) * 100;
    const droppedBase = (baseline.filter((d) => d > DROPPED_FACTOR * frameMs).length / baseline.length) * 100;
    return [
      figure('dashboard.frame', 'ms', dashboard, baseline, `p95 ≤ 16 ms, i.e. no dropped 60 Hz frame (${SESSIONS} sessions; baseline: the sessions view)`),
      reading('dashboard.frame.dropped', '%', dropped, droppedBase, dashboard.length, `frames over ${DROPPED_FACTOR}× the ${frameMs} ms frame; ≤ 5 % (the same goal as p95 ≤ one frame)`),
    ];
  } finally {
    await browser?.close();
    await Promise.all(ids.map((id) => callHttp(orch.api, 'sessions.stop', { ref: id })));
    await orch.stop();
  }
}
