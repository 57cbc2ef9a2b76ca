/**
 * Small text helpers for the doctor: quote a path for a suggested command, print byte counts, a thrown value as a
 * line. (Tools run through src-main/process/run.ts.)
 */
/** `s` quoted for a POSIX shell when it needs it (for commands we suggest, never run). */
export function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal below 100, none for whole numbers: `1.5 KiB`, `50 MiB`, `120 MiB`.
  const shown = value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${shown} ${UNITS[unit]}`;
}

/** A thrown value as one line. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
