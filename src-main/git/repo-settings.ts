/**
 * Settings → Repositories: each repository's stored settings next to the file that would override them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BERTH_CONFIG_FILE, CONDUCTOR_CONFIG_FILE, type BerthConfig } from '../../src-shared/berth-config.js';
import type { RepoSettingsDto } from '../../src-shared/repo-settings.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { RepoSettingsRepo } from '../store/repo-settings-repo.js';
import { inspectRepo } from './git.js';
import { loadProjectConfig } from './project-config.js';

/** Which of the repository's own files exists at its root (`.berth.json` first). */
function fileIn(root: string): RepoSettingsDto['file'] {
  for (const f of [BERTH_CONFIG_FILE, CONDUCTOR_CONFIG_FILE] as const) if (fs.existsSync(path.join(root, f))) return f;
  return null;
}

/** The settings of the repository whose main checkout is `root`. */
export async function describeRepoSettings(root: string, repo: RepoSettingsRepo): Promise<RepoSettingsDto> {
  const stored = repo.get(root);
  const config = await loadProjectConfig(root, stored);
  return {
    repoPath: root,
    name: path.basename(root),
    file: fileIn(root),
    stored,
    defaults: config.ok ? (config.value?.defaults ?? {}) : {},
    error: config.ok ? null : config.error.message,
  };
}

/** The settings of the repository at (or containing) `input`. */
export async function getRepoSettings(input: string, repo: RepoSettingsRepo): Promise<Result<RepoSettingsDto>> {
  const info = await inspectRepo(input);
  if (!info.ok) return info;
  return ok(await describeRepoSettings(info.value.path, repo));
}

/** Stores (or with null removes) the settings of the repository at `input`; they apply at its next create. */
export async function setRepoSettings(input: string, config: BerthConfig | null, repo: RepoSettingsRepo): Promise<Result<RepoSettingsDto>> {
  const info = await inspectRepo(input);
  if (!info.ok) return info;
  repo.set(info.value.path, config);
  return ok(await describeRepoSettings(info.value.path, repo));
}

/** Every repository with stored settings and every recent one (`recent`, most recent first), once each. */
export async function listRepoSettings(recent: readonly string[], repo: RepoSettingsRepo): Promise<Result<RepoSettingsDto[]>> {
  const paths = [...new Set([...recent, ...repo.list().map((r) => r.repoPath)])].filter((p) => fs.existsSync(p));
  try {
    return ok(await Promise.all(paths.map((p) => describeRepoSettings(p, repo))));
  } catch (e) {
    return err('internal', `cannot read repository settings: ${(e as Error).message}`);
  }
}
