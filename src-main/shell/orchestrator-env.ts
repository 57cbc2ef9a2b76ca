/**
 * Environment of the embedded orchestrator, including where Electron's build of better-sqlite3 is.
 *
 * `npm start` (scripts/rebuild-native.mjs) builds better-sqlite3 for Electron's ABI into
 * out/electron-native/, leaving node_modules' Node build for `npm test` and `berth serve`. The path is
 * passed in `BERTH_SQLITE_NATIVE_BINDING`; the store hands it to better-sqlite3's documented
 * `nativeBinding` option:
 * https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#new-databasepath-options
 * node-pty needs nothing: it is a Node-API addon, ABI-stable across Node and Electron.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Variable carrying the absolute path of the Electron-ABI better_sqlite3.node. */
export const SQLITE_BINDING_ENV = 'BERTH_SQLITE_NATIVE_BINDING';

/** Where scripts/rebuild-native.mjs puts the Electron build; keep the two in step. */
export function electronSqliteBindingPath(outDir: string): string {
  return path.join(outDir, 'electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

/**
 * The orchestrator's environment: the app's, plus `BERTH_MODE=desktop` and, when the Electron build
 * exists, its path. `outDir` is the build output folder (the parent of out/main).
 */
export function orchestratorEnv(
  base: NodeJS.ProcessEnv,
  outDir: string,
  exists: (file: string) => boolean = fs.existsSync,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && key !== SQLITE_BINDING_ENV) env[key] = value;
  }
  env.BERTH_MODE = 'desktop';
  const binding = electronSqliteBindingPath(outDir);
  if (exists(binding)) env[SQLITE_BINDING_ENV] = binding;
  return env;
}
