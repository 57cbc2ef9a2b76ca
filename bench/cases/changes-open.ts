/**
 * `changes.open200`: the Changes tab of a session with 200 changed files (100 tracked files modified,
 * 100 new ones, half of those in a new folder), from the click on the tab to the frame that shows the
 * list: its rows drawn and its group counts adding up to 200. In Debian's Chromium through Playwright,
 * against an orchestrator process; the list is virtualised, so "rendered" is the counts and the first
 * rows, not 200 DOM rows. The tab unmounts when the pane goes back to Terminal, so every open reads the
 * list afresh (`changes.list` over the page's WebSocket) and draws it from nothing.
 *
 * A B A B: the baseline (A) is the bare `changes.list` call for the same session over HTTP, timed in
 * this process; B is the open, timed in the page (performance.now() from the click to the
 * requestAnimationFrame after the DOM shows the list, with the 60 Hz cap lifted so a frame is not
 * waited for). Each measurement starts after a short quiet time, so one side's trailing work does not
 * land in the other's.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isAgentState } from '../../src-shared/dto.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { alternate } from '../../src-main/bench-runner/measure.js';
import { callHttp } from '../../src-main/client/node-client.js';
import { CHROMIUM_ARGS, chromiumStatus } from '../../e2e/fixtures/chromium.js';
import { sleep, startOrchestratorProcess, tempDir, type OrchestratorProcess } from '../harness.js';
import { figure, msSince, type Figure } from '../stats.js';

/** Changed files in the session, from the goal. */
const CHANGED = 200;
/** Of those, tracked files modified (the rest are new files). */
const MODIFIED = 100;
/** Tracked files in the repository: folders × files per folder. */
const FOLDERS = 10;
const FILES_PER_FOLDER = 40;
/** Lines per file, so each changed file has real +/− counts to compute. */
const LINES_PER_FILE = 60;
/** What the session runs: nothing that prints, so the terminal stays still. */
const SESSION_COMMAND = 'sh -c "sleep 600"';
/** Longest wait for the session to run, for its tracker to count the changes, for one open. */
const READY_TIMEOUT_MS = 60_000;
const OPEN_TIMEOUT_MS = 10_000;
/** Chromium flags that lift the 60 Hz frame cap, so the closing requestAnimationFrame is not a wait for vsync. */
const UNCAPPED_FRAMES = ['--disable-frame-rate-limit', '--disable-gpu-vsync'];
/**
 * Quiet time before each measurement (untimed), so the other side's trailing work (the page's diff of
 * the first file, the terminal drawn again) does not land in it.
 */
const SETTLE_MS = 300;
/** Window size of the page, px. */
const VIEWPORT = { width: 1280, height: 800 };

/** A repository of FOLDERS × FILES_PER_FOLDER committed text files. */
function makeBigRepo(): string {
  const dir = tempDir('berth-bench-changes-');
  const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  run('init', '-q', '-b', 'main');
  run('config', 'user.email', 'bench@berth.invalid');
  run('config', 'user.name', 'Berth Bench');
  for (let f = 0; f < FOLDERS; f++) {
    fs.mkdirSync(path.join(dir, `dir-${f}`));
    for (let i = 0; i < FILES_PER_FOLDER; i++) fs.writeFileSync(path.join(dir, `dir-${f}`, `file-${i}.txt`), lines(`${f}/${i}`));
  }
  run('add', '.');
  run('commit', '-q', '-m', 'initial');
  return dir;
}

const lines = (tag: string) => Array.from({ length: LINES_PER_FILE }, (_, n) => `line ${n} of ${tag}\n`).join('');

/** MODIFIED tracked files changed (a line rewritten, lines added) and CHANGED − MODIFIED new files. */
function writeChanges(worktree: string): void {
  for (let k = 0; k < MODIFIED; k++) {
    const file = path.join(worktree, `dir-${k % FOLDERS}`, `file-${Math.floor(k / FOLDERS)}.txt`);
    const text = fs.readFileSync(file, 'utf8').replace('line 3 ', 'line three ');
    fs.writeFileSync(file, `${text}added ${k}\nmore ${k}\n`);
  }
  const added = CHANGED - MODIFIED;
  fs.mkdirSync(path.join(worktree, 'added'));
  for (let k = 0; k < added; k++) {
    const dir = k < added / 2 ? path.join(worktree, 'added') : path.join(worktree, `dir-${k % FOLDERS}`);
    fs.writeFileSync(path.join(dir, `new-${k}.txt`), lines(`new ${k}`));
  }
}

async function createSession(orch: OrchestratorProcess, repo: string): Promise<{ id: string; name: string; worktree: string }> {
  const name = 'changes-200';
  const created = await callHttp(orch.api, 'sessions.create', { repoPath: repo, agent: 'custom', command: SESSION_COMMAND, name });
  if (!created.ok) throw new Error(`create ${name}: ${created.error.message}`);
  // The worktree exists once the session runs (create answers before it is made).
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const got = await callHttp(orch.api, 'sessions.get', { ref: created.value.id });
    const state = got.ok ? got.value.state : 'unknown';
    if (isAgentState(state)) break;
    if (Date.now() > deadline) throw new Error(`session ${name} is ${state}, not running, after ${READY_TIMEOUT_MS} ms`);
    await sleep(250);
  }
  return { id: created.value.id, name, worktree: created.value.worktreePath };
}

/** Waits until the session's live git status counts every change (so no refresh lands mid-measurement). */
async function waitForTrackedChanges(orch: OrchestratorProcess, id: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const got = await callHttp(orch.api, 'sessions.get', { ref: id });
    const counted = got.ok ? (got.value.git?.changedFiles ?? 0) : 0;
    if (counted === CHANGED) return;
    if (Date.now() > deadline) throw new Error(`the session counts ${counted} changed files, not ${CHANGED}, after ${READY_TIMEOUT_MS} ms`);
    await sleep(250);
  }
}

/**
 * The page-side timer, as source text (tsx's `__name` helper does not exist in the page): clicks the
 * pane's Changes tab and resolves with ms from the click to the frame after the list shows its first
 * file row and group counts summing to `total`.
 */
const OPEN_CHANGES_SOURCE = `(args) => new Promise((resolve, reject) => {
  const pane = document.querySelector('[data-testid="pane"][data-session-id="' + args.id + '"]');
  const tab = pane && pane.querySelector('[data-testid="tab-changes"]');
  if (!tab) return reject(new Error('no Changes tab in the pane of ' + args.id));
  const shown = () => {
    const list = pane.querySelector('[data-testid="changes-tab"] [data-testid="file-list"]');
    if (!list || !list.querySelector('[data-testid="file-row"]')) return false;
    let sum = 0;
    for (const g of list.querySelectorAll('[data-testid^="group-"]')) sum += Number(g.getAttribute('data-count'));
    return sum === args.total;
  };
  let t0;
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('the Changes list did not show ' + args.total + ' files within ' + args.timeout + ' ms')); }, args.timeout);
  const observer = new MutationObserver(() => {
    if (!shown()) return;
    observer.disconnect();
    requestAnimationFrame(() => { clearTimeout(timer); resolve(performance.now() - t0); });
  });
  observer.observe(pane, { subtree: true, childList: true, attributes: true });
  t0 = performance.now();
  tab.click();
})`;

async function openChanges(page: Page, id: string): Promise<number> {
  await sleep(SETTLE_MS);
  const ms = (await page.evaluate(`(${OPEN_CHANGES_SOURCE})(${JSON.stringify({ id, total: CHANGED, timeout: OPEN_TIMEOUT_MS })})`)) as number;
  // Back to Terminal (untimed): the Changes tab unmounts, so the next open starts from nothing.
  const pane = page.locator(`[data-testid="pane"][data-session-id="${id}"]`);
  await pane.getByTestId('tab-terminal').click();
  await pane.getByTestId('panel-changes').waitFor({ state: 'detached' });
  return ms;
}

async function timedList(orch: OrchestratorProcess, id: string): Promise<number> {
  await sleep(SETTLE_MS);
  const t0 = process.hrtime.bigint();
  const r = await callHttp(orch.api, 'changes.list', { ref: id });
  const ms = msSince(t0);
  if (!r.ok) throw new Error(`changes.list: ${r.error.message}`);
  const total = r.value.committed.length + r.value.staged.length + r.value.unstaged.length;
  if (total !== CHANGED) throw new Error(`changes.list lists ${total} files, not ${CHANGED}`);
  return ms;
}

export async function benchChangesOpen(runs: number): Promise<Figure[]> {
  const chromiumAt = chromiumStatus();
  if (!chromiumAt.found) {
    console.error(`SKIPPED: changes.open200 — Chromium not found at ${chromiumAt.path}`);
    return [];
  }
  const repo = makeBigRepo();
  const orch = await startOrchestratorProcess();
  let browser: Browser | undefined;
  let id: string | undefined;
  try {
    const session = await createSession(orch, repo);
    id = session.id;
    writeChanges(session.worktree);
    await waitForTrackedChanges(orch, session.id);
    browser = await chromium.launch({ executablePath: chromiumAt.path, args: [...CHROMIUM_ARGS, ...UNCAPPED_FRAMES] });
    const page = await browser.newPage({ viewport: VIEWPORT });
    const login = await callHttp(orch.api, 'auth.loginUrl', {});
    if (!login.ok) throw new Error(login.error.message);
    await page.goto(login.value.url);
    await page.getByTestId('sidebar').waitFor();
    await page.locator(`[data-testid="session-item"][data-session-name="${session.name}"]`).getByTestId('session-name').click();
    await page.locator(`[data-testid="pane"][data-session-id="${session.id}"]`).getByTestId('tab-changes').waitFor({ timeout: READY_TIMEOUT_MS });

    const [api, ui] = (await alternate(runs, [() => timedList(orch, session.id), () => openChanges(page, session.id)])) as [number[], number[]];
    return [figure('changes.open200', 'ms', ui, api, `p95 ≤ 250 ms (${CHANGED} changed files, tab click → list drawn; baseline: changes.list over HTTP)`)];
  } finally {
    await browser?.close();
    if (id) await callHttp(orch.api, 'sessions.stop', { ref: id });
    await orch.stop();
  }
}
