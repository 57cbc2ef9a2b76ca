import type { AgentId, BackendId } from './dto.js';

/**
 * The desktop bridge: what the preload exposes to the renderer as `window.berthDesktop`.
 *
 * One definition for both ends: the preload implements it, the renderer narrows what it finds at
 * runtime to it (in a browser tab, headless mode, the property is absent). Named methods only; there
 * is deliberately no generic `invoke(channel)`.
 */

/** The desktop bridge exposed as `window.berthDesktop`. */
export interface DesktopBridge {
  /** `process.platform` of the machine running the app (`'linux'`, `'darwin'`, `'win32'`, ...). */
  readonly platform: string;
  /**
   * Asks the main process for a fresh MessagePort connected to the orchestrator.
   *
   * The port arrives as a window `message` event whose `data` is a `PortMessage` and whose `ports[0]`
   * is the port; check `event.source === window`. Call it again when the port closes (the
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

/** `type` of the window message that carries the orchestrator port (in `event.ports[0]`). */
export const PORT_MESSAGE_TYPE = 'berth:port';

/** `data` of the window message that carries the orchestrator port. */
export interface PortMessage {
  readonly type: typeof PORT_MESSAGE_TYPE;
}

/**
 * Where the main process sends the page (the tray's roster and quick sessions): show a session's
 * terminal, or open the create form, prefilled with a repository and its last agent, backend and model
 * (the prompt is asked in the form) or empty for "New session…".
 */
export type DesktopNavigation =
  | { readonly kind: 'session'; readonly sessionId: string }
  | {
      readonly kind: 'create';
      readonly prefill: { readonly repoPath: string; readonly agent: AgentId; readonly backend: BackendId; readonly model: string | null } | null;
    };

/** `type` of the window message that carries a `DesktopNavigation` (check `event.source === window`). */
export const NAVIGATE_MESSAGE_TYPE = 'berth:navigate';

/** `data` of the window message that asks the page to navigate. */
export interface NavigateMessage {
  readonly type: typeof NAVIGATE_MESSAGE_TYPE;
  readonly navigation: DesktopNavigation;
}
