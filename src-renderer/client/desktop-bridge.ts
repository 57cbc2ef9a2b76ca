/**
 * The desktop preload's API as the renderer sees it (`window.berthDesktop`), absent in a browser tab.
 *
 * The renderer may not import src-preload (the layers are linted apart), so the shape is restated here
 * and narrowed at runtime: anything missing is treated as "not on the desktop".
 */

/** Named methods the desktop preload exposes to the renderer. */
export interface DesktopBridge {
  /** Asks main for a MessagePort to the orchestrator; it arrives as a `berth:port` window message. */
  requestPort(): void;
  /** Shows the native folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** Opens an http(s) URL in the system browser. */
  openExternal(url: string): Promise<unknown> | void;
}

/** The window message carrying the orchestrator port (in `event.ports[0]`). */
export const PORT_MESSAGE_TYPE = 'berth:port';

declare global {
  interface Window {
    berthDesktop?: Partial<DesktopBridge>;
  }
}

/** The desktop bridge when running inside the Electron shell, otherwise null. */
export function getDesktopBridge(win: Window = window): DesktopBridge | null {
  const api = win.berthDesktop;
  if (!api || typeof api.requestPort !== 'function') return null;
  return {
    requestPort: () => api.requestPort?.(),
    pickFolder: () => (typeof api.pickFolder === 'function' ? api.pickFolder() : Promise.resolve(null)),
    openExternal: (url) => api.openExternal?.(url),
  };
}
