/**
 * Per-repository settings (Settings → Repositories): for a repository without a `.berth.json`, the same
 * fields stored in Berth. The file, when there is one, always wins.
 */
import { z } from 'zod';
import { BERTH_CONFIG_FILE, BerthConfig, BerthDefaults, CONDUCTOR_CONFIG_FILE } from './berth-config.js';

/** A repository's settings as Settings → Repositories shows them. */
export const RepoSettingsDto = z.object({
  /** The main checkout. */
  repoPath: z.string(),
  name: z.string(),
  /**
   * The repository's own file: `.berth.json` makes the stored settings unused; `conductor.json` is used
   * only when nothing is stored. Null: no file.
   */
  file: z.enum([BERTH_CONFIG_FILE, CONDUCTOR_CONFIG_FILE]).nullable(),
  /** Settings stored in Berth; null when none. */
  stored: BerthConfig.nullable(),
  /** What a new session of this repository starts with (from the file or the stored settings). */
  defaults: BerthDefaults,
  /** Why the repository's file can't be used (a bad field); null when it can. */
  error: z.string().nullable(),
});
export type RepoSettingsDto = z.infer<typeof RepoSettingsDto>;

export const RepoSettingsGetParams = z.object({ repoPath: z.string().min(1) }).strict();
/** `config: null` removes the stored settings. */
export const RepoSettingsSetParams = z.object({ repoPath: z.string().min(1), config: BerthConfig.nullable() }).strict();
