#!/usr/bin/env node
/**
 * `npm start`: the desktop app where Electron can run here, otherwise the same UI served headless.
 *
 * 1. Builds once if out/ is incomplete (`electron-vite build`).
 * 2. Decides whether Electron can launch: a display on Linux/BSD, the Electron binary present (found
 *    without `require('electron')`, which would try to download it), not root on Linux (Chromium's
 *    sandbox refuses), and the binary actually runs (`--version` probe).
 * 3. If so, builds the native modules for Electron's ABI into out/electron-native (see
 *    rebuild-native.mjs) and runs `electron .`; an Electron that fails within LAUNCH_GRACE_MS also falls
 *    back to headless.
 * 4. Otherwise prints one sentence saying why and runs `node bin/berth.mjs serve` with the same
 *    arguments (`npm start -- --port 8123`), forwarding SIGINT/SIGTERM.
 * `BERTH_HEADLESS=1 npm start` skips Electron.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureElectronNative, installedElectronVersion } from './rebuild-native.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Build outputs `npm start` needs; any missing one triggers a build. */
const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/orchestrator.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

/** An Electron that exits with an error this soon after launch is taken as "can't start here". */
const LAUNCH_GRACE_MS = 10_000;

/** Time allowed for the `electron --version` probe. */
const PROBE_TIMEOUT_MS = 10_000;

/** Signals passed on to the child so Ctrl+C and `kill` stop it too. */
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM'];

/** Platforms whose Electron needs an X11 or Wayland display. */
const DISPLAY_PLATFORMS = new Set(['linux', 'freebsd', 'openbsd']);

/** Why there is no display to open a window on, or undefined when there is one. */
export function displayProblem(platform = process.platform, env = process.env) {
  if (!DISPLAY_PLATFORMS.has(platform)) return undefined;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return undefined;
  return 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set';
}

/**
 * Locates the Electron binary the way node_modules/electron/index.js does, minus its download.
 *
 * Electron writes path.txt once its binary is extracted into dist/; Electron 45 fetches that binary
 * lazily on first launch, from a host outside the package registry.
 */
export function findElectronBinary(root = ROOT, env = process.env) {
  const pkg = path.join(root, 'node_modules', 'electron');
  if (!fs.existsSync(path.join(pkg, 'package.json'))) return { ok: false, reason: 'the electron package is not installed' };
  const pathFile = path.join(pkg, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : undefined;
  if (!relative && !env.ELECTRON_OVERRIDE_DIST_PATH) {
    return { ok: false, reason: 'Electron binary not installed: it is downloaded on first launch, from a host this machine may not reach' };
  }
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
    : path.join(pkg, 'dist', relative);
  if (!fs.existsSync(binary)) return { ok: false, reason: `Electron binary not installed: ${path.relative(root, binary)} is missing` };
  return { ok: true, binary };
}

/** Chromium refuses to run as root without --no-sandbox, which Berth does not pass. */
export function rootProblem(platform = process.platform, uid = process.getuid?.()) {
  if (platform === 'linux' && uid === 0) return 'running as root, where Chromium refuses to start with its sandbox on';
  return undefined;
}

/** Runs the binary once in Node mode to prove it loads (shared libraries present, executable). */
function probeProblem(binary) {
  const result = spawnSync(binary, ['--version'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: PROBE_TIMEOUT_MS,
    encoding: 'utf8',
  });
  if (result.error) return `the Electron binary does not run: ${result.error.message}`;
  if (result.status !== 0) {
    const detail = (result.stderr || '').trim().split('\n')[0] || `exit ${result.status ?? result.signal}`;
    return `the Electron binary does not run: ${detail}`;
  }
  return undefined;
}

function ensureBuilt() {
  const missing = BUILD_OUTPUTS.filter((file) => !fs.existsSync(path.join(ROOT, file)));
  if (missing.length === 0) return;
  console.error(`Berth: building first (${missing.join(', ')} missing)...`);
  const cli = path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('Berth: the build failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}

/** Spawns `command` with inherited stdio and passes our termination signals on to it. */
function spawnForwarding(command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env });
  const state = { signalled: false };
  const forward = (signal) => {
    state.signalled = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  const done = new Promise((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  });
  return { done, state };
}

/** Exits like the child did. */
function exitLike({ code, signal }) {
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
}

async function serveHeadless(reason, args) {
  console.error(`Berth: Electron can't start here (${reason}); serving the same UI headless instead.`);
  const cli = path.join(ROOT, 'bin', 'berth.mjs');
  const { done } = spawnForwarding(process.execPath, [cli, 'serve', ...args], process.env);
  const result = await done;
  if (result.error) {
    console.error(`Berth: could not run ${path.relative(ROOT, cli)} serve: ${result.error.message}`);
    process.exit(1);
  }
  exitLike(result);
}

/** Runs Electron; resolves with its exit, or with `{early: reason}` when it failed within the grace period. */
async function runElectron(binary, args) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const startedAt = Date.now();
  const { done, state } = spawnForwarding(binary, ['.', ...args], env);
  const result = await done;
  if (result.error) return { early: `Electron did not start: ${result.error.message}` };
  const failed = result.code !== 0;
  if (failed && !state.signalled && Date.now() - startedAt < LAUNCH_GRACE_MS) {
    return { early: `Electron exited with ${result.signal ?? `code ${result.code}`} right after launch` };
  }
  return result;
}

async function main() {
  const args = process.argv.slice(2);
  ensureBuilt();
  if (process.env.BERTH_HEADLESS === '1') return serveHeadless('BERTH_HEADLESS=1 is set', args);
  const display = displayProblem();
  if (display) return serveHeadless(display, args);
  const electron = findElectronBinary();
  if (!electron.ok) return serveHeadless(electron.reason, args);
  const blocked = rootProblem() ?? probeProblem(electron.binary);
  if (blocked) return serveHeadless(blocked, args);

  // Only now, with Electron known to run, build the native modules for its ABI.
  const electronVersion = installedElectronVersion(ROOT);
  const native = await ensureElectronNative({ root: ROOT, electronVersion });
  if (!native.ok) return serveHeadless(`native modules could not be built for Electron ${electronVersion}: ${native.reason}`, args);

  const result = await runElectron(electron.binary, args);
  if ('early' in result) return serveHeadless(result.early, args);
  exitLike(result);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
