/**
 * Turns git's unified diff text into what the diff view draws: react-diff-view's parsed hunks, cut
 * into blocks of at most DIFF_BLOCK_LINES lines so a long diff is drawn a window at a time, and the
 * refractor language of the file for syntax highlighting.
 */
import { parseDiff, type FileData, type HunkData } from 'react-diff-view';

/** Lines per drawn block: small enough that a 5,000-line diff draws only a few blocks at a time. */
export const DIFF_BLOCK_LINES = 40;

/** One row of the virtualised diff: a hunk's header (with its stage button) or a block of its lines. */
export type DiffRow =
  | { kind: 'header'; key: string; hunk: HunkData; hunkIndex: number }
  | { kind: 'block'; key: string; hunk: HunkData; lines: number };

/** A parsed one-file diff with the rows to draw. */
export interface DiffModel {
  file: FileData;
  rows: DiffRow[];
  /** Lines of all hunks (to decide whether highlighting is affordable). */
  lines: number;
}

/** Parses one file's diff (the first `diff --git` section); null when the text holds none or no hunks (binary, mode change). */
export function buildDiffModel(text: string): DiffModel | null {
  if (!text.trim()) return null;
  const [file] = parseDiff(text);
  if (!file) return null;
  const rows: DiffRow[] = [];
  let lines = 0;
  file.hunks.forEach((hunk, hunkIndex) => {
    rows.push({ kind: 'header', key: `h${hunkIndex}`, hunk, hunkIndex });
    for (let start = 0; start < hunk.changes.length; start += DIFF_BLOCK_LINES) {
      const changes = hunk.changes.slice(start, start + DIFF_BLOCK_LINES);
      rows.push({ kind: 'block', key: `h${hunkIndex}b${start}`, hunk: { ...hunk, changes }, lines: changes.length });
    }
    lines += hunk.changes.length;
  });
  return { file, rows, lines };
}

/** react-diff-view's diff type of a parsed file (how the file changed). */
export function diffTypeOf(file: FileData): 'add' | 'delete' | 'modify' | 'rename' | 'copy' {
  return file.type;
}

/** File extensions (and a few whole names) → refractor language ids registered by highlight.ts. */
const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'tsx',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'jsx',
  json: 'json', css: 'css', scss: 'scss', sass: 'sass', less: 'less',
  html: 'markup', htm: 'markup', xml: 'markup', svg: 'markup',
  md: 'markdown', markdown: 'markdown', yml: 'yaml', yaml: 'yaml', ini: 'ini', toml: 'ini',
  sh: 'bash', bash: 'bash', zsh: 'bash', py: 'python', rb: 'ruby', go: 'go', rs: 'rust',
  java: 'java', kt: 'kotlin', kts: 'kotlin', swift: 'swift', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp',
  hpp: 'cpp', cs: 'csharp', php: 'php', pl: 'perl', lua: 'lua', sql: 'sql', r: 'r', m: 'objectivec',
};
const LANGUAGE_BY_NAME: Record<string, string> = { makefile: 'makefile', dockerfile: 'bash', '.bashrc': 'bash', '.env': 'bash' };

/** The highlighting language of a path, or null to draw it plain. */
export function languageOf(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (name in LANGUAGE_BY_NAME) return LANGUAGE_BY_NAME[name] ?? null;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  return LANGUAGE_BY_EXTENSION[name.slice(dot + 1)] ?? null;
}
