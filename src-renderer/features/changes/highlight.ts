/**
 * Syntax highlighting of diffs: refractor (Prism grammars as a syntax tree) with its common languages
 * plus JSX and TSX, drawn by react-diff-view from per-line tokens.
 *
 * Each side of a block is highlighted as one text and the syntax tree cut at its newlines into the
 * per-line tokens react-diff-view draws (hast nodes are what its token renderer draws). Its own
 * `tokenize` does the same through a general token-path pipeline that costs ~0.3 ms a line (1.5 s for
 * a 5,000-line diff, a dropped frame per block while scrolling); this costs what refractor does.
 */
import { refractor } from 'refractor';
import jsx from 'refractor/jsx';
import tsx from 'refractor/tsx';
import type { HunkData, HunkTokens, TokenNode } from 'react-diff-view';

refractor.register(jsx);
refractor.register(tsx);

/** Diffs longer than this are drawn without highlighting. */
export const MAX_HIGHLIGHT_LINES = 50_000;

/** Lines longer than this are drawn plain (a minified file's single line would stall the grammar). */
const MAX_HIGHLIGHT_LINE_CHARS = 2_000;

/**
 * Tokens for the lines of `hunk` highlighted in `language`, indexed by line number − 1 on each side
 * (sparse arrays: nothing is made for lines outside the hunk); null when the language is unknown.
 */
export function tokensFor(hunk: HunkData, language: string | null): HunkTokens | null {
  if (!language || !refractor.registered(language)) return null;
  const oldSide: Array<{ line: number; text: string }> = [];
  const newSide: Array<{ line: number; text: string }> = [];
  for (const change of hunk.changes) {
    if (change.type === 'normal') {
      oldSide.push({ line: change.oldLineNumber, text: change.content });
      newSide.push({ line: change.newLineNumber, text: change.content });
    } else if (change.type === 'delete') {
      oldSide.push({ line: change.lineNumber, text: change.content });
    } else {
      newSide.push({ line: change.lineNumber, text: change.content });
    }
  }
  return { old: highlightSide(oldSide, language), new: highlightSide(newSide, language) };
}

/** Highlights one side's lines as one text (constructs spanning lines keep their colour), then cuts it into lines. */
function highlightSide(lines: Array<{ line: number; text: string }>, language: string): TokenNode[][] {
  const out: TokenNode[][] = [];
  if (lines.length === 0) return out;
  let perLine: TokenNode[][];
  if (lines.some((l) => l.text.length > MAX_HIGHLIGHT_LINE_CHARS)) {
    perLine = lines.map((l) => [{ type: 'text', value: l.text }]);
  } else {
    try {
      perLine = splitLines(refractor.highlight(lines.map((l) => l.text).join('\n'), language).children as TokenNode[]);
    } catch {
      // A grammar that throws on odd input: the side is drawn plain.
      perLine = lines.map((l) => [{ type: 'text', value: l.text }]);
    }
  }
  lines.forEach((l, i) => {
    out[l.line - 1] = perLine[i] ?? [{ type: 'text', value: l.text }];
  });
  return out;
}

/** Cuts a syntax tree at its newlines into one node list per line; an element spanning lines is repeated on each. */
export function splitLines(nodes: readonly TokenNode[]): TokenNode[][] {
  const lines: TokenNode[][] = [[]];
  for (const node of nodes) {
    if (node.type === 'text') {
      const parts = String(node.value).split('\n');
      parts.forEach((part, i) => {
        if (i > 0) lines.push([]);
        if (part) lines[lines.length - 1]!.push({ type: 'text', value: part });
      });
    } else {
      const inner = splitLines(node.children ?? []);
      inner.forEach((children, i) => {
        if (i > 0) lines.push([]);
        if (children.length > 0) lines[lines.length - 1]!.push({ ...node, children });
      });
    }
  }
  return lines;
}
