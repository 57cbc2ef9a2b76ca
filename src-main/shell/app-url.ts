/**
 * Where the renderer is loaded from, and whether a URL belongs to the app.
 *
 * The one definition of "our app" used by the IPC sender check, the navigation guard and the CSP
 * installer: the file URL of out/renderer/index.html in a build, or the dev server's origin under
 * `electron-vite dev`.
 */
import { pathToFileURL } from 'node:url';

/** Where the renderer comes from. */
export interface AppLocation {
  /** The URL a window loads. */
  readonly entryUrl: string;
  /** True when loading from the dev server (electron-vite dev). */
  readonly isDev: boolean;
  /** The dev server's origin (`http://localhost:5173`), undefined for a build. */
  readonly devOrigin: string | undefined;
  /** True when `url` is the app's page (or, in dev, anything the dev server serves). */
  isAppUrl(url: string): boolean;
}

/** Dev servers are only trusted over plain web schemes. */
const DEV_PROTOCOLS = new Set(['http:', 'https:']);

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Resolves the app location.
 *
 * `devServerUrl` is `ELECTRON_RENDERER_URL` (set by electron-vite dev); callers pass it only when the
 * app is not packaged, so an environment variable cannot point a shipped app at a foreign page. An
 * unparsable or non-http(s) dev URL is ignored in favour of the built file.
 */
export function resolveAppLocation(options: { devServerUrl?: string; rendererIndexPath: string }): AppLocation {
  const dev = options.devServerUrl ? parse(options.devServerUrl) : undefined;
  if (dev && DEV_PROTOCOLS.has(dev.protocol)) {
    const origin = dev.origin;
    return {
      entryUrl: dev.href,
      isDev: true,
      devOrigin: origin,
      isAppUrl: (url) => parse(url)?.origin === origin,
    };
  }
  const entry = pathToFileURL(options.rendererIndexPath);
  return {
    entryUrl: entry.href,
    isDev: false,
    devOrigin: undefined,
    isAppUrl(url) {
      const parsed = parse(url);
      // Same file, any query or hash (the renderer routes with the hash).
      return parsed?.protocol === 'file:' && parsed.host === entry.host && parsed.pathname === entry.pathname;
    },
  };
}
