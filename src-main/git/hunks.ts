/**
 * Hunks of one file's unified diff: find the one a user picked and make a patch of it alone, for
 * `git apply --cached` (stage a hunk) or `git apply --cached --reverse` (unstage it).
 */

/** The `@@ -a,b +c,d @@` part of a hunk header (what follows it is the function context). */
const RANGE = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;

/** The range part of a hunk header line, or null when it is not one. */
export function hunkRange(header: string): string | null {
  const m = RANGE.exec(header.trim());
  return m ? m[0] : null;
}

/** One file's diff split into its header lines and its hunks (each starting with its `@@` line). */
export interface FileDiff {
  header: string[];
  hunks: string[][];
}

/** Splits the diff of a single file (`git diff -- path`) into header and hunks. */
export function splitFileDiff(diff: string): FileDiff {
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header: string[] = [];
  const hunks: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('@@')) hunks.push([line]);
    else if (hunks.length === 0) header.push(line);
    else hunks[hunks.length - 1]!.push(line);
  }
  return { header, hunks };
}

/**
 * The patch of the one hunk whose range matches `header`'s (the function context after the second
 * `@@` is ignored: renderers show it differently), or null when none does.
 */
export function patchForHunk(diff: string, header: string): string | null {
  const want = hunkRange(header);
  if (!want) return null;
  const file = splitFileDiff(diff);
  const hunk = file.hunks.find((h) => hunkRange(h[0]!) === want);
  if (!hunk) return null;
  return [...file.header, ...hunk].join('\n') + '\n';
}
