/**
 * Opening links found in terminal output: parsed, restricted to http(s), confirmed by the user.
 *
 * Terminal output is written by agents, so every link is untrusted (DESIGN.md, "Rules of the layers").
 */
import type { DesktopBridge } from '../../src-shared/desktop-bridge.js';

/** Schemes a terminal link may open. */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

/** Longest URL shown in the confirmation prompt before it is shortened. */
const MAX_CONFIRM_URL_CHARS = 300;

/** Parses `text` as an http(s) URL; null for anything else (javascript:, file:, garbage). */
export function parseSafeUrl(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
  if (url.username || url.password) return null;
  return url;
}

/** What opening a link needs from its surroundings (injected so tests need no real window). */
export interface LinkOpenerDeps {
  confirm(message: string): boolean;
  desktop: DesktopBridge | null;
  openWindow(url: string): void;
}

/** Opens `text` after parsing and confirmation; returns whether it was opened. */
export function openLinkSafely(text: string, deps: LinkOpenerDeps): boolean {
  const url = parseSafeUrl(text);
  if (!url) return false;
  const shown = url.href.length > MAX_CONFIRM_URL_CHARS ? `${url.href.slice(0, MAX_CONFIRM_URL_CHARS)}…` : url.href;
  if (!deps.confirm(`Open this link from the terminal?\n\n${shown}\n\nHost: ${url.host}`)) return false;
  if (deps.desktop) {
    // The desktop shell re-checks the scheme and rejects anything else; nothing more to do then.
    void Promise.resolve(deps.desktop.openExternal(url.href)).catch(() => undefined);
  } else {
    deps.openWindow(url.href);
  }
  return true;
}

/**
 * Opens a link Berth made itself (a session's `http://localhost:N` port): parsed and restricted to http(s)
 * like any other, but not confirmed, since no agent wrote it. Returns whether it was opened.
 */
export function openBerthLink(text: string, deps: LinkOpenerDeps): boolean {
  const url = parseSafeUrl(text);
  if (!url) return false;
  if (deps.desktop) void Promise.resolve(deps.desktop.openExternal(url.href)).catch(() => undefined);
  else deps.openWindow(url.href);
  return true;
}

/** The real window's confirm/open, for the app. */
export function browserLinkDeps(desktop: DesktopBridge | null): LinkOpenerDeps {
  return {
    confirm: (message) => window.confirm(message),
    desktop,
    openWindow: (url) => {
      window.open(url, '_blank', 'noopener,noreferrer');
    },
  };
}
