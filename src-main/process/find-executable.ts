/**
 * The one PATH lookup: where an executable would be found, the way a shell's `command -v` finds it.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * The first executable regular file `name` in the folders of `pathVar` (a PATH value), or null. A
 * `name` with a slash is checked as it is. Empty and relative PATH entries are skipped: they name
 * the current folder, which is not where Berth should pick up a program.
 */
export function findExecutable(name: string, pathVar: string | undefined = process.env.PATH): string | null {
  if (name.length === 0) return null;
  const candidates = name.includes('/') ? [name] : pathDirs(pathVar).map((dir) => path.join(dir, name));
  return candidates.find(isExecutableFile) ?? null;
}

/** The absolute folders of a PATH value, in order. */
export function pathDirs(pathVar: string | undefined): string[] {
  return (pathVar ?? '').split(path.delimiter).filter((dir) => path.isAbsolute(dir));
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
