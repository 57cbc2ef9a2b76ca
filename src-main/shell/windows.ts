/**
 * The app window: locked-down web preferences, one main window revealed or recreated on demand.
 *
 * Settings follow Electron's security checklist:
 * https://www.electronjs.org/docs/latest/tutorial/security#checklist-security-recommendations
 */
import { BrowserWindow, type WebPreferences } from 'electron';
import { DesktopChannel } from '../../src-preload/channels.js';
import type { DesktopNavigation } from '../../src-shared/desktop-bridge.js';
import type { Logger } from './logger.js';

/** Initial window size, enough for a session list beside a terminal. */
const DEFAULT_WIDTH = 1280;
const DEFAULT_HEIGHT = 820;
/** Smallest usable layout. */
const MIN_WIDTH = 720;
const MIN_HEIGHT = 480;
/** Shown before the renderer paints, to avoid a white flash with the dark theme. */
const BACKGROUND_COLOR = '#111318';

/** Web preferences of every app window: isolated, sandboxed, no Node, web security on. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** What the window manager needs. */
export interface WindowManagerOptions {
  preloadPath: string;
  /** The app's page (file URL of out/renderer/index.html, or the dev server URL). */
  entryUrl: string;
  log: Logger;
  /** Called when a window has closed (to drop its pending port request). */
  onDidClose?(windowId: number): void;
}

/** Owns the main window. */
export class WindowManager {
  private main: BrowserWindow | undefined;
  /** A navigation for a window still loading, sent once its page has loaded. */
  private pendingNavigation: DesktopNavigation | undefined;

  constructor(private readonly options: WindowManagerOptions) {}

  /** The main window, if open. */
  get mainWindow(): BrowserWindow | undefined {
    return this.main && !this.main.isDestroyed() ? this.main : undefined;
  }

  /** Reveals and focuses the main window, creating it when there is none. */
  showMain(): BrowserWindow {
    const existing = this.mainWindow;
    if (existing) {
      revealWindow(existing);
      return existing;
    }
    const win = this.create();
    this.main = win;
    return win;
  }

  /**
   * Reveals the main window and sends its page to `navigation` (a session, or the create form) on the
   * `berth:navigate` channel; a window still loading gets it when its page has loaded.
   */
  navigate(navigation: DesktopNavigation): void {
    const loading = !this.mainWindow;
    const win = this.showMain();
    if (loading) this.pendingNavigation = navigation;
    else win.webContents.postMessage(DesktopChannel.navigate, navigation);
  }

  private create(): BrowserWindow {
    const { preloadPath, entryUrl, log } = this.options;
    const win = new BrowserWindow({
      width: DEFAULT_WIDTH,
      height: DEFAULT_HEIGHT,
      minWidth: MIN_WIDTH,
      minHeight: MIN_HEIGHT,
      show: false,
      title: 'Berth',
      backgroundColor: BACKGROUND_COLOR,
      webPreferences: secureWebPreferences(preloadPath),
    });
    const id = win.id;
    win.once('ready-to-show', () => win.show());
    win.webContents.once('did-finish-load', () => {
      const navigation = this.pendingNavigation;
      this.pendingNavigation = undefined;
      if (navigation && !win.webContents.isDestroyed()) win.webContents.postMessage(DesktopChannel.navigate, navigation);
    });
    win.on('closed', () => {
      if (this.main === win) this.main = undefined;
      this.options.onDidClose?.(id);
    });
    win.loadURL(entryUrl).catch((error: unknown) => log.error(`could not load ${entryUrl}`, error));
    return win;
  }
}

/** Restores a minimized window, shows a hidden one, and focuses it. */
export function revealWindow(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
