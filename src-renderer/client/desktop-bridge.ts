/**
 * The desktop bridge (`window.berthDesktop`, see src-shared/desktop-bridge.ts) as the renderer finds it:
 * absent in a browser tab, and narrowed at runtime so anything missing means "not on the desktop".
 */
import type { DesktopBridge } from '../../src-shared/desktop-bridge.js';

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
    platform: typeof api.platform === 'string' ? api.platform : 'unknown',
    requestPort: () => api.requestPort?.(),
    pickFolder: () => (typeof api.pickFolder === 'function' ? api.pickFolder() : Promise.resolve(null)),
    openExternal: async (url) => api.openExternal?.(url),
  };
}
