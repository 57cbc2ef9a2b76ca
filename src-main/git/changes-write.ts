/**
 * File-system side of discarding: deleting untracked files of a worktree, never anything outside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../src-shared/result.js';

/**
 * Deletes the untracked files `rels` of the worktree `dir` (a symlink itself, never its target), then
 * folders left empty by that. With `checkOnly`, only checks that each is a file or link whose folder
 * lies inside the worktree (a folder swapped for a symlink to elsewhere is refused), deleting nothing.
 */
export function removeUntracked(dir: string, rels: readonly string[], checkOnly: boolean): Result<void> {
  const root = fs.realpathSync(dir);
  for (const rel of rels) {
    const abs = path.join(root, rel);
    let parent: string;
    let st: fs.Stats;
    try {
      parent = fs.realpathSync(path.dirname(abs));
      st = fs.lstatSync(abs);
    } catch {
      continue; // gone already: nothing to discard
    }
    if (parent !== root && !parent.startsWith(root + path.sep)) return err('bad_request', `"${rel}" is not inside the worktree`);
    if (st.isDirectory()) return err('bad_request', `"${rel}" is a folder (a nested repository?); delete it yourself if you mean to`);
    if (checkOnly) continue;
    try {
      fs.unlinkSync(abs);
    } catch (e) {
      return err('internal', `could not delete "${rel}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    removeEmptyParents(root, path.dirname(abs));
  }
  return ok();
}

/** Removes `from` and its parents while empty, stopping at `root`. */
function removeEmptyParents(root: string, from: string): void {
  for (let d = from; d !== root && d.startsWith(root + path.sep); d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (or not ours to remove)
    }
  }
}
