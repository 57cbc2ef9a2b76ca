#!/usr/bin/env node
/**
 * Builds the native modules Electron cannot share with Node into out/electron-native/, leaving
 * node_modules (Node's ABI, used by `npm test` and `berth serve`) untouched.
 *
 * Why: better-sqlite3 is compiled against V8's ABI, which differs between Node 20 and Electron 45, so
 * the utility-process orchestrator needs its own build. node-pty is a Node-API addon (ABI-stable across
 * runtimes) and is loaded from node_modules as is.
 * How: copy the module's sources to out/electron-native/<name>/, then, as better-sqlite3's own install
 * script does, try a prebuilt binary for Electron's ABI (prebuild-install --runtime=electron) and fall
 * back to compiling against Electron's headers with node-gyp, per
 * https://www.electronjs.org/docs/latest/tutorial/using-native-node-modules#manually-building-for-electron
 * The main process passes the result to the orchestrator in BERTH_SQLITE_NATIVE_BINDING
 * (src-main/shell/orchestrator-env.ts, keep the layout in step), which hands it to better-sqlite3's
 * `nativeBinding` option.
 *
 * Run by scripts/start.mjs only once it has established that Electron can launch; also runnable by
 * hand: `node scripts/rebuild-native.mjs [--force]`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Addons that need an Electron build, with the file each one's build produces. */
export const NATIVE_MODULES = [{ name: 'better-sqlite3', binary: path.join('build', 'Release', 'better_sqlite3.node') }];

/** Output folder, relative to the project root. */
export const NATIVE_DIR = path.join('out', 'electron-native');

/** Where Electron publishes its headers for node-gyp. */
const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/**
 * npm passes its config to scripts as npm_config_* variables; these would point node-gyp or
 * prebuild-install at Node's headers or runtime (e.g. a user-level `nodedir`) instead of Electron's.
 */
const CONFLICTING_NPM_CONFIG = /^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|platform|build_from_source)$/i;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Electron's version as installed in node_modules (package.json; dist/version once the binary exists). */
export function installedElectronVersion(root = ROOT) {
  const distVersion = path.join(root, 'node_modules', 'electron', 'dist', 'version');
  if (fs.existsSync(distVersion)) return fs.readFileSync(distVersion, 'utf8').trim().replace(/^v/, '');
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/**
 * Makes sure out/electron-native holds builds of NATIVE_MODULES for `electronVersion`.
 *
 * Skips the work when the stamp file says the same Electron, platform, arch and module versions were
 * built before. Resolves with `{ok:true, built}` or `{ok:false, reason}`; never throws.
 */
export async function ensureElectronNative({
  root = ROOT,
  electronVersion = installedElectronVersion(root),
  platform = process.platform,
  arch = process.arch,
  force = false,
  log = (line) => console.error(line),
} = {}) {
  try {
    const dest = path.join(root, NATIVE_DIR);
    const stampFile = path.join(dest, 'stamp.json');
    const wanted = JSON.stringify({
      electron: electronVersion,
      platform,
      arch,
      modules: Object.fromEntries(NATIVE_MODULES.map((m) => [m.name, packageVersion(root, m.name)])),
    });
    const built = NATIVE_MODULES.every((m) => fs.existsSync(path.join(dest, m.name, m.binary)));
    if (!force && built && readIfExists(stampFile) === wanted) return { ok: true, built: false };

    log(`Berth: building ${NATIVE_MODULES.map((m) => m.name).join(', ')} for Electron ${electronVersion} into ${NATIVE_DIR} (once per Electron version)...`);
    fs.rmSync(stampFile, { force: true });
    for (const mod of NATIVE_MODULES) {
      const result = await buildModule({ root, dest, mod, electronVersion, platform, arch, log });
      if (!result.ok) return result;
    }
    fs.writeFileSync(stampFile, wanted);
    return { ok: true, built: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

async function buildModule({ root, dest, mod, electronVersion, platform, arch, log }) {
  const source = path.join(root, 'node_modules', mod.name);
  if (!fs.existsSync(path.join(source, 'package.json'))) return { ok: false, reason: `${mod.name} is not installed` };
  const target = path.join(dest, mod.name);
  const sourceBuild = path.join(source, 'build');
  fs.rmSync(target, { recursive: true, force: true });
  // Sources only: Node's build/ stays where it is and is not copied.
  fs.cpSync(source, target, { recursive: true, filter: (file) => file !== sourceBuild });
  const binary = path.join(target, mod.binary);
  const env = buildEnv();

  const prebuild = path.join(root, 'node_modules', 'prebuild-install', 'bin.js');
  if (fs.existsSync(prebuild)) {
    const flags = ['--runtime=electron', `--target=${electronVersion}`, `--platform=${platform}`, `--arch=${arch}`];
    await run(process.execPath, [prebuild, ...flags], { cwd: target, env });
    if (fs.existsSync(binary)) return { ok: true };
    log(`Berth: no prebuilt ${mod.name} for Electron ${electronVersion}; compiling it (needs Python and a C++ toolchain)...`);
  }

  const nodeGyp = findNodeGyp(root);
  if (!nodeGyp) return { ok: false, reason: `node-gyp not found to compile ${mod.name}` };
  const devdir = path.join(os.homedir(), '.electron-gyp');
  const flags = [`--target=${electronVersion}`, `--arch=${arch}`, `--dist-url=${ELECTRON_HEADERS_URL}`, `--devdir=${devdir}`];
  const code = await run(process.execPath, [nodeGyp, 'rebuild', '--release', ...flags], { cwd: target, env });
  if (code === 0 && fs.existsSync(binary)) return { ok: true };
  return { ok: false, reason: `compiling ${mod.name} for Electron ${electronVersion} failed (node-gyp exit ${code})` };
}

/** This environment minus the npm settings that would retarget the build at Node. */
function buildEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!CONFLICTING_NPM_CONFIG.test(key)) env[key] = value;
  }
  return env;
}

/** npm's bundled node-gyp (the one `npm install` used), else a local one. */
function findNodeGyp(root) {
  const npmCli = process.env.npm_execpath;
  const candidates = [
    process.env.npm_config_node_gyp,
    npmCli && path.join(path.dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((file) => file && fs.existsSync(file));
}

function packageVersion(root, name) {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Runs a command with inherited output; resolves with its exit code (-1 when it could not start). */
function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: 'inherit' });
    child.once('error', () => resolve(-1));
    child.once('exit', (code) => resolve(code ?? -1));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await ensureElectronNative({ force: process.argv.includes('--force') });
  if (!result.ok) {
    console.error(`Berth: ${result.reason}`);
    process.exit(1);
  }
  console.error(result.built ? 'Berth: native modules built for Electron.' : 'Berth: native modules for Electron are up to date.');
}
