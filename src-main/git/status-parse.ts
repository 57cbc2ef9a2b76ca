/**
 * Parsers for the machine-readable git output the status tracker reads besides `git status` (parsed by
 * changes-parse.ts): `git rev-list --left-right --count` and `git diff --name-only -z`.
 */

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
