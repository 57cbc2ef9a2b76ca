/**
 * IPC channel names between the preload and the main process.
 *
 * Shared by `src-preload/index.ts` and `src-main/shell/desktop-ipc.ts` so the two ends cannot drift.
 * Plain constants, no imports: the preload bundles this file into its sandboxed CommonJS output.
 */

/** Every channel the desktop bridge uses; nothing else crosses the preload boundary. */
export const DesktopChannel = {
  /** renderer → main (send): "give this window a fresh MessagePort to the orchestrator". */
  requestPort: 'berth:request-port',
  /** main → renderer (postMessage with one transferred port): the port asked for. */
  port: 'berth:port',
  /** renderer → main (invoke): show the folder picker; resolves with a path or null. */
  pickFolder: 'berth:pick-folder',
  /** renderer → main (invoke): open an http(s)/mailto URL in the user's browser or mail client. */
  openExternal: 'berth:open-external',
  /** main → renderer (postMessage, no ports): open a session or the create form (a `DesktopNavigation`, from the tray). */
  navigate: 'berth:navigate',
} as const;
