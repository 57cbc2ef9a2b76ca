import { describe, expect, it } from 'vitest';
import { CONFLICT_FILES_HEADER } from '../../../src-shared/changes.js';
import { describeAheadBehind } from './changes-format.js';
import { buildDiffModel, DIFF_BLOCK_LINES, languageOf } from './diff-model.js';
import { conflictFiles } from './OutcomeBar.js';

function diffOf(path: string, hunks: string[][]): string {
  return [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, ...hunks.flat(), ''].join('\n');
}

describe('buildDiffModel', () => {
  it('gives each hunk a header row with its exact @@ line, and cuts long hunks into blocks', () => {
    const long = Array.from({ length: DIFF_BLOCK_LINES * 2 + 5 }, (_, i) => `+line ${i}`);
    const model = buildDiffModel(
      diffOf('src/a.ts', [
        ['@@ -1,2 +1,2 @@ function head() {', ' keep', '-old', '+new'],
        [`@@ -50,0 +51,${long.length} @@`, ...long],
      ]),
    );
    expect(model?.rows.map((r) => (r.kind === 'header' ? r.hunk.content : r.lines))).toEqual([
      '@@ -1,2 +1,2 @@ function head() {',
      3,
      `@@ -50,0 +51,${long.length} @@`,
      DIFF_BLOCK_LINES,
      DIFF_BLOCK_LINES,
      5,
    ]);
    expect(model?.lines).toBe(3 + long.length);
  });

  it('is null for an empty or binary diff', () => {
    expect(buildDiffModel('')).toBeNull();
    const binary = buildDiffModel('diff --git a/x.png b/x.png\nindex 1111111..2222222 100644\nBinary files a/x.png and b/x.png differ\n');
    expect(binary?.rows ?? []).toEqual([]);
  });
});

describe('languageOf', () => {
  it('knows languages by extension and by whole name, and draws the rest plain', () => {
    expect(['src/a.tsx', 'lib/x.PY', 'Makefile', 'dir/.env', 'README', 'data.bin'].map(languageOf)).toEqual(['tsx', 'python', 'makefile', 'bash', null, null]);
  });
});

describe('conflictFiles', () => {
  it('splits the files a conflict names from its sentence', () => {
    expect(conflictFiles(`Landing conflicts; nothing changed. ${CONFLICT_FILES_HEADER}\nsrc/a b.ts\n-dash.md\n`)).toEqual({
      text: `Landing conflicts; nothing changed. ${CONFLICT_FILES_HEADER}`,
      files: ['src/a b.ts', '-dash.md'],
    });
    expect(conflictFiles('the main checkout is on another branch')).toEqual({ text: 'the main checkout is on another branch', files: [] });
  });
});

describe('describeAheadBehind', () => {
  it('says how the branch stands against its base', () => {
    expect([describeAheadBehind(0, 0, 'main'), describeAheadBehind(1, 0, 'main'), describeAheadBehind(0, 3, 'dev'), describeAheadBehind(2, 1, 'main')]).toEqual([
      'Up to date with main',
      '1 commit ahead of main',
      '3 commits behind dev',
      '2 commits ahead of main, 1 behind',
    ]);
  });
});
