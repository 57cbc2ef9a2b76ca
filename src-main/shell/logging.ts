/**
 * Main-process logging through electron-log (file + console).
 *
 * The file lands in the platform's log folder (`~/.config/Berth/logs/main.log` on Linux). Only
 * src-main/index.ts imports this; helpers take a `Logger` so they test without electron-log.
 */
import log from 'electron-log/main';
import type { Logger } from './logger.js';

/** Sets levels and starts logging uncaught errors; call once, first thing in main. */
export function initLogging(): void {
  log.transports.file.level = 'info';
  log.transports.console.level = process.env.BERTH_LOG_LEVEL === 'debug' ? 'debug' : 'info';
  log.errorHandler.startCatching({ showDialog: false });
}

/** A logger whose lines are prefixed with `scope`. */
export function scopedLogger(scope: string): Logger {
  return log.scope(scope);
}

/** The log file's path, for error messages. */
export function logFilePath(): string {
  return log.transports.file.getFile().path;
}
