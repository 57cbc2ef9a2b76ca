/**
 * The Changes tab's file list as flat rows (a group heading, then its files), for a virtualised list.
 */
import type { ChangeArea, ChangedFileDto, ChangesDto } from '../../../src-shared/changes.js';

/** Headings of the three groups. */
export const AREA_TITLES: Record<ChangeArea, string> = {
  committed: 'Committed on branch',
  staged: 'Staged',
  unstaged: 'Unstaged',
};

/** Order the groups are listed in. */
export const AREAS: readonly ChangeArea[] = ['committed', 'staged', 'unstaged'];

/** One row of the list. */
export type FileRow =
  | { kind: 'group'; key: string; area: ChangeArea; count: number }
  | { kind: 'file'; key: string; area: ChangeArea; file: ChangedFileDto };

/** A file picked in the list. */
export interface FileSelection {
  area: ChangeArea;
  path: string;
}

/** The rows for `changes`: every group with its heading (an empty group shows its heading only). */
export function fileRows(changes: ChangesDto): FileRow[] {
  const rows: FileRow[] = [];
  for (const area of AREAS) {
    const files = changes[area];
    rows.push({ kind: 'group', key: `g:${area}`, area, count: files.length });
    for (const file of files) rows.push({ kind: 'file', key: `f:${area}:${file.path}`, area, file });
  }
  return rows;
}

/** Whether `selection` still names a file of `changes` (after a refresh it may have moved or gone). */
export function stillListed(changes: ChangesDto, selection: FileSelection | null): boolean {
  return selection !== null && changes[selection.area].some((f) => f.path === selection.path);
}

/**
 * What to show after a refresh: the same file in the same group while it is listed, else the same file
 * where it went (its last hunk staged: Staged; committed: Committed on branch), else the first file.
 */
export function reselect(changes: ChangesDto, selection: FileSelection | null): FileSelection | null {
  if (selection === null) return firstFile(changes);
  if (stillListed(changes, selection)) return selection;
  const moved = AREAS.map((area) => ({ area, path: selection.path })).find((s) => stillListed(changes, s));
  return moved ?? firstFile(changes);
}

/** The first file listed, to show when nothing is selected. */
export function firstFile(changes: ChangesDto): FileSelection | null {
  for (const area of AREAS) {
    const file = changes[area][0];
    if (file) return { area, path: file.path };
  }
  return null;
}
