/**
 * Content Security Policy for the app's pages.
 *
 * Set as a response header through `session.webRequest.onHeadersReceived`, as Electron's security
 * checklist recommends: https://www.electronjs.org/docs/latest/tutorial/security#7-define-a-content-security-policy
 * Chromium may not run webRequest for file:// loads, so src-renderer/index.html carries the same
 * policy in a `<meta http-equiv="Content-Security-Policy">` tag as well (frame-ancestors only works
 * as a header).
 */
import type { Session } from 'electron';

/**
 * The production policy: no inline or eval'd script, nothing from other origins, no framing, no forms.
 *
 * Kept in step with the `<meta>` policy in src-renderer/index.html (a page gets the intersection of
 * both): style-src needs 'unsafe-inline' for xterm.js's injected styles
 * (https://github.com/xtermjs/xterm.js/issues/4445), font-src data: for fonts Vite inlines.
 */
const PRODUCTION_DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'self'"]],
  ['script-src', ["'self'"]],
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['img-src', ["'self'", 'data:']],
  ['font-src', ["'self'", 'data:']],
  ['connect-src', ["'self'"]],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['form-action', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
];

/**
 * Builds the CSP header value.
 *
 * With `devOrigin` (electron-vite dev only) two relaxations are added: an inline script for React
 * Fast Refresh's preamble and the dev server's WebSocket for hot reload, per
 * https://vite.dev/guide/features#content-security-policy-csp. Builds never get them.
 */
export function buildCsp(options: { devOrigin?: string } = {}): string {
  return PRODUCTION_DIRECTIVES.map(([name, values]) => {
    let all = [...values];
    if (options.devOrigin && name === 'script-src') all = [...all, "'unsafe-inline'"];
    if (options.devOrigin && name === 'connect-src') all = [...all, options.devOrigin.replace(/^http/, 'ws')];
    return `${name} ${all.join(' ')}`;
  }).join('; ');
}

/** Returns `headers` without any existing CSP header (any letter case) and with `csp` set. */
export function withCspHeader(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() !== 'content-security-policy') out[key] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** Adds `csp` to every response for an app URL in `session`; other responses pass through untouched. */
export function installCsp(session: Session, isAppUrl: (url: string) => boolean, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({});
      return;
    }
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
  });
}
