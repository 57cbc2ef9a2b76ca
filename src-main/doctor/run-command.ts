/**
 * Small helpers for the doctor: run a tool without a shell (bounded, abortable, never throwing), quote a path for
 * a suggested command, and print byte counts.
 */
import { execFile } from 'node:child_process';

/** Longest a probe command (`tmux -V`, `bwrap … true`) may run. */
const COMMAND_TIMEOUT_MS = 10_000;
/** Output cap: these commands print a line or two. */
const COMMAND_MAX_BUFFER = 1024 * 1024;

export interface CommandOutcome {
  /** Exit code; null when the command could not start, was killed or timed out. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Node's error code when it did not run to an exit (`ENOENT` for a missing executable, `ABORT_ERR`, …). */
  errorCode: string | null;
  errorMessage: string | null;
}

/** Runs `cmd args` with execFile; every outcome is a value. */
export function runCommand(cmd: string, args: readonly string[], signal?: AbortSignal): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: COMMAND_TIMEOUT_MS, maxBuffer: COMMAND_MAX_BUFFER, signal, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ code: 0, stdout, stderr, errorCode: null, errorMessage: null });
        return;
      }
      const e = error as NodeJS.ErrnoException & { code?: string | number };
      const code = typeof e.code === 'number' ? e.code : null;
      resolve({ code, stdout, stderr, errorCode: typeof e.code === 'string' ? e.code : null, errorMessage: e.message });
    });
  });
}

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
