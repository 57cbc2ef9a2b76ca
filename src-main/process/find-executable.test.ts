import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { findExecutable, pathDirs } from './find-executable.js';

/** Makes `dir/name` with `mode` (a folder when mode is 'dir'). */
function make(dir: string, name: string, mode: number | 'dir'): string {
  const file = path.join(dir, name);
  if (mode === 'dir') fs.mkdirSync(file);
  else fs.writeFileSync(file, '#!/bin/sh\n', { mode });
  return file;
}

describe('findExecutable', () => {
  it('finds the first executable file on PATH, passing over plain files, folders and later copies', () => {
    const [a, b, c, d] = [tempDir(), tempDir(), tempDir(), tempDir()];
    make(a, 'tool', 0o644); // not executable
    make(b, 'tool', 'dir'); // a folder
    const wanted = make(c, 'tool', 0o755);
    make(d, 'tool', 0o755); // later on PATH
    expect(findExecutable('tool', [a, b, c, d].join(path.delimiter))).toBe(wanted);
    expect(findExecutable('other-tool', [a, b, c, d].join(path.delimiter))).toBeNull();
  });

  it('skips empty and relative PATH entries (the current folder) and checks a name with a slash as given', () => {
    const dir = tempDir();
    const tool = make(dir, 'tool', 0o755);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(findExecutable('tool', `:.:${path.delimiter}`)).toBeNull();
      expect(findExecutable('./tool', '')).toBe('./tool');
    } finally {
      process.chdir(cwd);
    }
    expect(findExecutable(tool, undefined)).toBe(tool);
    expect(findExecutable('', dir)).toBeNull();
    expect(pathDirs(`/usr/bin::relative:${dir}`)).toEqual(['/usr/bin', dir]);
  });
});
