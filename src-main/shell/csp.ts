/**
 * Content Security Policy for the app's pages: the one policy of src-shared/csp.ts.
 *
 * Set as a response header through `session.webRequest.onHeadersReceived`, as Electron's security
 * checklist recommends: https://www.electronjs.org/docs/latest/tutorial/security#7-define-a-content-security-policy
 * Chromium may not run webRequest for file:// loads, so the build also writes the same policy into the
 * renderer's index.html as a `<meta http-equiv>` tag (frame-ancestors only works as a header).
 */
import type { Session } from 'electron';

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
