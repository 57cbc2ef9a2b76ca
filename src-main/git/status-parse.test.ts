import { describe, expect, it } from 'vitest';
import { statusPaths } from './changes-parse.js';
import { parseLeftRight, parseNulList } from './status-parse.js';

describe('porcelain v2 -z parsing', () => {
  it('reads ordinary, renamed, unmerged and untracked entries, paths with spaces and newlines intact', () => {
    const out = [
      '# branch.oid 0123456789abcdef0123456789abcdef01234567',
      '# branch.head berth/x',
      '1 .M N... 100644 100644 100644 aaaaaaa bbbbbbb src/a file.ts',
      '2 R. N... 100644 100644 100644 aaaaaaa bbbbbbb R100 new name.ts',
      'old name.ts',
      'u UU N... 100644 100644 100644 100644 aaaaaaa bbbbbbb ccccccc conflict.ts',
      '? line\nbreak.txt',
      '! ignored.log',
      '',
    ].join('\0');
    expect(statusPaths(out)).toEqual(['src/a file.ts', 'new name.ts', 'old name.ts', 'conflict.ts', 'line\nbreak.txt']);
  });

  it('reads a clean worktree as no paths', () => {
    expect(statusPaths('# branch.oid abc\0# branch.head main\0')).toEqual([]);
  });

  it('reads left-right counts as behind then ahead', () => {
    expect(parseLeftRight('3\t5\n')).toEqual({ behind: 3, ahead: 5 });
    expect(parseLeftRight('fatal')).toBeNull();
  });

  it('splits NUL lists', () => {
    expect(parseNulList('a\0-b c\0')).toEqual(['a', '-b c']);
  });
});
