/**
 * Guards applied to every web contents and to the session: no navigation away from the app, no new
 * windows, no permissions.
 *
 * Follows Electron's security checklist items 13 and 14 and the permission-handler item:
 * https://www.electronjs.org/docs/latest/tutorial/security#13-disable-or-limit-navigation
 */
import type { Event as ElectronEvent, Session, WebContents } from 'electron';
import type { Logger } from './logger.js';

/** What the guards need to know about the app. */
export interface GuardOptions {
  isAppUrl(url: string): boolean;
  /** Called with a parsed-later link a page tried to open in a new window (the guard only forwards it). */
  openExternal(url: string): void;
  log: Logger;
}

/**
 * Handler for `will-navigate` / `will-redirect`: prevents anything that leaves the app's page.
 *
 * Exported for tests; `guardWebContents` installs it.
 */
export function preventForeignNavigation(
  event: Pick<ElectronEvent, 'preventDefault'>,
  url: string,
  options: Pick<GuardOptions, 'isAppUrl' | 'log'>,
): boolean {
  if (options.isAppUrl(url)) return false;
  event.preventDefault();
  options.log.warn(`blocked navigation to ${url.slice(0, 200)}`);
  return true;
}

/**
 * Handler for `setWindowOpenHandler`: every new window is denied; the link is handed to
 * `openExternal`, which parses it and opens http(s) links in the browser.
 */
export function denyWindowOpen(url: string, options: Pick<GuardOptions, 'openExternal'>): { action: 'deny' } {
  options.openExternal(url);
  return { action: 'deny' };
}

/** Installs the navigation (main frame and subframes), redirect, window-open and webview guards on `contents`. */
export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  contents.on('will-navigate', (event) => {
    preventForeignNavigation(event, event.url, options);
  });
  contents.on('will-frame-navigate', (event) => {
    // The main frame is covered by will-navigate; this catches subframes.
    if (!event.isMainFrame) preventForeignNavigation(event, event.url, options);
  });
  contents.on('will-redirect', (event) => {
    preventForeignNavigation(event, event.url, options);
  });
  contents.setWindowOpenHandler(({ url }) => denyWindowOpen(url, options));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.log.warn('blocked a <webview>');
  });
}

/** Denies every permission request and check in `session` (camera, notifications, clipboard read...). */
export function denyAllPermissions(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`denied permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}
