/**
 * Types of the desktop bridge, importable by the renderer without pulling in Node or Electron.
 *
 * Type-only: no runtime code, no imports. The preload implements `BerthDesktopApi` and exposes it as
 * `window.berthDesktop`; in a browser tab (headless mode) the property is absent.
 */

/**
 * The desktop bridge exposed as `window.berthDesktop`.
 *
 * Named methods only; there is deliberately no generic `invoke(channel)`.
 */
export interface BerthDesktopApi {
  /** `process.platform` of the machine running the app (`'linux'`, `'darwin'`, `'win32'`, ...). */
  readonly platform: string;
  /**
   * Asks the main process for a fresh MessagePort connected to the orchestrator.
   *
   * The port arrives as a window `message` event whose `data` is a `BerthPortMessage` and whose
   * `ports[0]` is the port; check `event.source === window`. Call it again when the port closes (the
   * orchestrator restarted) to get a new one.
   */
  requestPort(): void;
  /** Shows the native folder picker; resolves with the chosen folder or null when cancelled. */
  pickFolder(): Promise<string | null>;
  /**
   * Opens an http(s) or mailto URL outside the app.
   *
   * Rejects (with the reason) for any other scheme or an unparsable URL.
   */
  openExternal(url: string): Promise<void>;
}

/** `data` of the window message that carries the orchestrator port (in `event.ports[0]`). */
export interface BerthPortMessage {
  readonly type: 'berth:port';
}
