/**
 * One Berth per user session: a second launch focuses the running app instead of starting another.
 *
 * https://www.electronjs.org/docs/latest/api/app#apprequestsingleinstancelockadditionaldata
 */
import { app } from 'electron';

/**
 * Takes the single-instance lock.
 *
 * Returns false when another instance holds it (the caller should quit at once); otherwise calls
 * `onSecondInstance` each time a later launch is redirected here.
 */
export function acquireSingleInstanceLock(onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => onSecondInstance());
  return true;
}
