/**
 * The logging surface the shell's helpers need, so they can be tested without electron-log.
 */

/** Leveled logger; electron-log's scoped loggers satisfy it. */
export interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
