/**
 * The one Content Security Policy of the renderer, wherever it is delivered: the Electron shell sets it
 * as a response header on the app's pages, `berth serve` sends it on every answer, and the build writes
 * it into the renderer's index.html as a `<meta http-equiv>` tag (electron.vite.config.ts), for loads
 * where no header applies (file:// in Chromium may skip webRequest).
 *
 * Strict: no inline or eval'd script, nothing from other origins, no framing, no forms, no plugins.
 * style-src needs 'unsafe-inline' for xterm.js's injected styles
 * (https://github.com/xtermjs/xterm.js/issues/4445); img-src and font-src allow data: for assets Vite
 * inlines; connect-src 'self' covers the same-origin WebSocket (CSP Level 3).
 */

/** Directive → sources, in the order they are written. */
const DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
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

/** Directives a `<meta>` policy may not carry (browsers ignore them there, with a console warning). */
const HEADER_ONLY = new Set(['frame-ancestors']);

export interface CspOptions {
  /** `meta` leaves out the header-only directives. Default: header. */
  delivery?: 'header' | 'meta';
  /**
   * electron-vite dev only: the dev server's origin. Adds an inline script for React Fast Refresh's
   * preamble and the dev server's WebSocket for hot reload, per
   * https://vite.dev/guide/features#content-security-policy-csp. Builds never get them.
   */
  devOrigin?: string;
}

/** The policy text. */
export function buildCsp(options: CspOptions = {}): string {
  return DIRECTIVES.filter(([name]) => options.delivery !== 'meta' || !HEADER_ONLY.has(name))
    .map(([name, values]) => {
      let all = [...values];
      if (options.devOrigin && name === 'script-src') all = [...all, "'unsafe-inline'"];
      if (options.devOrigin && name === 'connect-src') all = [...all, options.devOrigin.replace(/^http/, 'ws')];
      return `${name} ${all.join(' ')}`;
    })
    .join('; ');
}

/** `"` and `&` escaped for a double-quoted HTML attribute. */
function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/**
 * `html` with the meta policy as the first element after `<meta charset>` (before anything that loads),
 * replacing any CSP meta tag it already had. Used by the renderer build.
 */
export function withCspMeta(html: string, csp: string = buildCsp({ delivery: 'meta' })): string {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}" />`;
  const stripped = html.replace(/\s*<meta\s+http-equiv="Content-Security-Policy"[^>]*>/gi, '');
  const charset = /<meta\s+charset="[^"]*"\s*\/?>/i.exec(stripped);
  if (!charset) throw new Error('index.html has no <meta charset>: the CSP meta tag goes right after it');
  const at = charset.index + charset[0].length;
  return `${stripped.slice(0, at)}\n    ${tag}${stripped.slice(at)}`;
}
