/**
 * Words and numbers of the Changes and Setup tabs: durations, status letters, ahead/behind.
 */
import type { FileStatus } from '../../../src-shared/changes.js';

/** Milliseconds in a second and in a minute. */
const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;

/** "850 ms", "4.2 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < SECOND_MS) return `${Math.round(ms)} ms`;
  if (ms < MINUTE_MS) return `${(ms / SECOND_MS).toFixed(1)} s`;
  const minutes = Math.floor(ms / MINUTE_MS);
  const seconds = Math.round((ms % MINUTE_MS) / SECOND_MS);
  return `${minutes} min ${seconds} s`;
}

/** The one-letter code git uses for a file's status, and its name for a tooltip. */
export const STATUS_LETTER: Record<FileStatus, { letter: string; title: string }> = {
  added: { letter: 'A', title: 'Added' },
  modified: { letter: 'M', title: 'Modified' },
  deleted: { letter: 'D', title: 'Deleted' },
  renamed: { letter: 'R', title: 'Renamed' },
  copied: { letter: 'C', title: 'Copied' },
  'type-changed': { letter: 'T', title: 'Type changed' },
  untracked: { letter: 'U', title: 'Untracked (new, not staged)' },
  conflicted: { letter: '!', title: 'Conflicted' },
};

/** "2 commits ahead of main, 1 behind" for the top of the Changes tab. */
export function describeAheadBehind(ahead: number, behind: number, base: string): string {
  const commits = (n: number) => `${n} commit${n === 1 ? '' : 's'}`;
  if (ahead === 0 && behind === 0) return `Up to date with ${base}`;
  if (behind === 0) return `${commits(ahead)} ahead of ${base}`;
  if (ahead === 0) return `${commits(behind)} behind ${base}`;
  return `${commits(ahead)} ahead of ${base}, ${behind} behind`;
}
