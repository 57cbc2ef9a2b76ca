import { describe, expect, it } from 'vitest';
import { CONFLICT_FILES_HEADER } from '../../../src-shared/changes.js';
import { describeAheadBehind } from './changes-format.js';
import { buildDiffModel, DIFF_BLOCK_LINES, languageOf } from './diff-model.js';
import { splitLines, tokensFor } from './highlight.js';
import { reselect } from './file-rows.js';
import { conflictFiles } from './OutcomeBar.js';
import type { TokenNode } from 'react-diff-view';

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

describe('highlighting', () => {
  it('cuts a syntax tree at newlines, repeating an element that spans lines (a block comment) on each', () => {
    const tree = [
      { type: 'text', value: 'a\n' },
      { type: 'element', tagName: 'span', properties: { className: ['token', 'comment'] }, children: [{ type: 'text', value: '/* one\ntwo */' }] },
      { type: 'text', value: ' b' },
    ];
    const lines = splitLines(tree);
    expect(lines.map((l) => l.map((n) => (n.type === 'text' ? n.value : `<${(n.properties as { className: string[] }).className[1]}:${n.children?.[0]?.value}>`)))).toEqual([
      ['a'],
      ['<comment:/* one>'],
      ['<comment:two */>', ' b'],
    ]);
  });

  it('puts the tokens of each line at its own line number on each side', () => {
    const model = buildDiffModel(diffOf('x.ts', [['@@ -10,2 +10,2 @@', ' const a = 1;', '-let b = 2;', '+let b = "3";']]));
    const block = model?.rows.find((r) => r.kind === 'block');
    const tokens = block ? tokensFor(block.hunk, 'typescript') : null;
    const text = (nodes: TokenNode[] | undefined): string => (nodes ?? []).map((n) => (n.type === 'text' ? String(n.value) : text(n.children))).join('');
    expect([text(tokens?.old[9]), text(tokens?.old[10]), text(tokens?.new[9]), text(tokens?.new[10])]).toEqual(['const a = 1;', 'let b = 2;', 'const a = 1;', 'let b = "3";']);
    expect(tokens?.new[10]?.some((n) => n.type === 'element')).toBe(true);
    expect(tokensFor(block!.hunk, null)).toBeNull();
  });
});

describe('reselect', () => {
  const base = { sessionId: 's1', branch: 'b', baseBranch: 'main', ahead: 0, behind: 0, remotes: [], pullRequest: { available: true, reason: null } };
  const f = (path: string) => ({ path, oldPath: null, status: 'modified' as const, additions: 1, deletions: 0, binary: false });

  it('keeps the file, follows it to the group it moved to, or falls back to the first file', () => {
    const changes = { ...base, committed: [f('a.ts')], staged: [f('b.ts')], unstaged: [f('c.ts')] };
    expect(reselect(changes, { area: 'unstaged', path: 'c.ts' })).toEqual({ area: 'unstaged', path: 'c.ts' });
    expect(reselect(changes, { area: 'unstaged', path: 'b.ts' })).toEqual({ area: 'staged', path: 'b.ts' });
    expect(reselect(changes, { area: 'staged', path: 'gone.ts' })).toEqual({ area: 'committed', path: 'a.ts' });
    expect(reselect({ ...changes, committed: [], staged: [], unstaged: [] }, { area: 'staged', path: 'b.ts' })).toBeNull();
  });
});
