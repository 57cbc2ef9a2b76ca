/**
 * The porcelain v2 / numstat / name-status parsers and the hunk picker on git's real record shapes,
 * including the cases the integration tests reach only by chance (unmerged entries, copies, cut diffs).
 */
import { describe, expect, it } from 'vitest';
import { parseNameStatus, parseNumstat, parseStatusV2 } from './changes-parse.js';
import { cutLines } from './changes-read.js';
import { hunkRange, patchForHunk } from './hunks.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('parseStatusV2', () => {
  it('reads ordinary, renamed, unmerged and untracked entries with spaces and newlines in paths', () => {
    const out = [
      '# branch.oid ' + SHA,
      `1 .M N... 100644 100644 100644 ${SHA} ${SHA} a file.txt`,
      `2 R. N... 100644 100644 100644 ${SHA} ${SHA} R100 new\nname.txt`,
      'old name.txt',
      `u UU N... 100644 100644 100644 100644 ${SHA} ${SHA} ${SHA} both.txt`,
      '? -dash.txt',
      '! ignored.log',
      '',
    ].join('\0');
    expect(parseStatusV2(out)).toEqual([
      { path: 'a file.txt', oldPath: null, index: '.', worktree: 'M', conflicted: false },
      { path: 'new\nname.txt', oldPath: 'old name.txt', index: 'R', worktree: '.', conflicted: false },
      { path: 'both.txt', oldPath: null, index: 'U', worktree: 'U', conflicted: true },
      { path: '-dash.txt', oldPath: null, index: '?', worktree: '?', conflicted: false },
    ]);
  });
});

describe('parseNumstat and parseNameStatus', () => {
  it('key a rename by its new path and mark binary files', () => {
    const stats = parseNumstat(['3\t1\tplain.txt', '0\t0\t', 'old.txt', 'new\tname.txt', '-\t-\timage.png', ''].join('\0'));
    expect([...stats]).toEqual([
      ['plain.txt', { additions: 3, deletions: 1 }],
      ['new\tname.txt', { additions: 0, deletions: 0 }],
      ['image.png', { additions: null, deletions: null }],
    ]);
  });

  it('read copies, renames and plain statuses', () => {
    const out = ['M', 'm.txt', 'R087', 'from.txt', 'to.txt', 'C100', 'src.txt', 'copy.txt', 'D', 'gone.txt', 'T', 'link', ''].join('\0');
    expect(parseNameStatus(out)).toEqual([
      { path: 'm.txt', oldPath: null, status: 'modified' },
      { path: 'to.txt', oldPath: 'from.txt', status: 'renamed' },
      { path: 'copy.txt', oldPath: 'src.txt', status: 'copied' },
      { path: 'gone.txt', oldPath: null, status: 'deleted' },
      { path: 'link', oldPath: null, status: 'type-changed' },
    ]);
  });
});

describe('hunks', () => {
  const diff = [
    'diff --git a/f.ts b/f.ts',
    'index 1111111..2222222 100644',
    '--- a/f.ts',
    '+++ b/f.ts',
    '@@ -1,3 +1,3 @@',
    ' a',
    '-b',
    '+B',
    '@@ -10,3 +10,4 @@ function g() {',
    ' x',
    '+y',
    ' z',
    '\\ No newline at end of file',
    '',
  ].join('\n');

  it('makes a patch of the file header and the one hunk, matched on its range alone', () => {
    expect(patchForHunk(diff, '@@ -10,3 +10,4 @@')).toBe(
      ['diff --git a/f.ts b/f.ts', 'index 1111111..2222222 100644', '--- a/f.ts', '+++ b/f.ts', '@@ -10,3 +10,4 @@ function g() {', ' x', '+y', ' z', '\\ No newline at end of file', ''].join('\n'),
    );
    expect(patchForHunk(diff, '@@ -1,3 +1,3 @@ other context')).toContain('+B\n');
  });

  it('finds nothing for a header that is not in the diff, or not a header', () => {
    expect(patchForHunk(diff, '@@ -2,3 +2,3 @@')).toBeNull();
    expect(patchForHunk(diff, 'diff --git a/f.ts b/f.ts')).toBeNull();
    expect(hunkRange('@@ -5 +5,2 @@ x')).toBe('@@ -5 +5,2 @@');
  });
});

describe('cutLines', () => {
  it('keeps whole lines up to the limit and says whether it cut', () => {
    expect(cutLines('a\nb\nc\n', 3)).toEqual({ diff: 'a\nb\nc\n', truncated: false });
    expect(cutLines('a\nb\nc\n', 2)).toEqual({ diff: 'a\nb\n', truncated: true });
    expect(cutLines('a\nb', 5)).toEqual({ diff: 'a\nb', truncated: false });
  });
});
