/**
 * Parsers for the machine-readable git output the status tracker reads: `git status --porcelain=v2 -z`,
 * `git rev-list --left-right --count` and `git diff --name-only -z`. Human output is never parsed.
 */

/** What `git status --porcelain=v2 -z` says about a worktree's uncommitted changes. */
export interface PorcelainStatus {
  /** Paths with staged, unstaged, untracked or conflicted changes (a rename's old path too). */
  paths: string[];
}

/**
 * Parses `git status --porcelain=v2 -z [--branch]` output. Records are NUL-terminated; a rename or copy
 * (`2 …`) is followed by one more NUL-terminated field, its original path. Header lines (`# …`) and
 * ignored entries (`! …`) are skipped.
 */
export function parsePorcelainV2(out: string): PorcelainStatus {
  const fields = out.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length === 0) continue;
    switch (f[0]) {
      case '1':
        // 1 XY sub mH mI mW hH hI path
        paths.push(afterSpaces(f, 8));
        break;
      case '2':
        // 2 XY sub mH mI mW hH hI Xscore path, then origPath in the next field
        paths.push(afterSpaces(f, 9));
        if (i + 1 < fields.length && fields[i + 1]!.length > 0) paths.push(fields[++i]!);
        break;
      case 'u':
        // u XY sub m1 m2 m3 mW h1 h2 h3 path
        paths.push(afterSpaces(f, 10));
        break;
      case '?':
        paths.push(f.slice(2));
        break;
      default:
        // '#' headers and '!' ignored entries
        break;
    }
  }
  return { paths };
}

/** The text after the `n`th space (paths may contain spaces; the fields before them never do). */
function afterSpaces(record: string, n: number): string {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = record.indexOf(' ', at + 1);
    if (at < 0) return '';
  }
  return record.slice(at + 1);
}

/** `git rev-list --left-right --count base...HEAD` → behind (left: only in base), ahead (right: only in HEAD). */
export function parseLeftRight(out: string): { behind: number; ahead: number } | null {
  const m = /^(\d+)\s+(\d+)\s*$/.exec(out.trim());
  if (!m) return null;
  return { behind: Number(m[1]), ahead: Number(m[2]) };
}

/** NUL-separated path list (`git diff --name-only -z`, `git check-ignore -z`). */
export function parseNulList(out: string): string[] {
  return out.split('\0').filter((p) => p.length > 0);
}
