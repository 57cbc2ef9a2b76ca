/**
 * Where Berth keeps its data: `$BERTH_HOME` when set, else the platform's app-data folder.
 * Shared by the desktop app, `berth serve` and the CLI.
 */
import path from 'node:path';
import envPaths from 'env-paths';

export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.BERTH_HOME?.trim();
  if (override) return path.resolve(override);
  return envPaths('berth', { suffix: '' }).data;
}
