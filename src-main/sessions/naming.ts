/**
 * Session names: a slug from the prompt, made unique.
 */
import crypto from 'node:crypto';
import path from 'node:path';

/** Words of the prompt used for the default name. */
const SLUG_WORDS = 6;
/** Longest generated slug (before a uniqueness suffix). */
const SLUG_MAX_CHARS = 40;

export function slugify(text: string, fallback: string): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9\s-]/g, ' ')
    .split(/[\s-]+/)
    .filter(Boolean)
    .slice(0, SLUG_WORDS)
    .join('-')
    .slice(0, SLUG_MAX_CHARS)
    .replace(/-+$/, '');
  return slug.length > 0 ? slug : fallback;
}

/** First of `base`, `base-2`, `base-3`, … for which `taken` says no. */
export async function uniqueName(base: string, taken: (name: string) => boolean | Promise<boolean>): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!(await taken(candidate))) return candidate;
  }
}

/** Folder holding one repository's worktrees under the data dir: `<name>-<hash of its path>`. */
export function repoWorktreesDir(dataDir: string, repoPath: string): string {
  const hash = crypto.createHash('sha256').update(repoPath).digest('hex').slice(0, 8);
  return path.join(dataDir, 'worktrees', `${path.basename(repoPath)}-${hash}`);
}

export function newSessionId(): string {
  return crypto.randomUUID();
}
