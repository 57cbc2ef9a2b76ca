/**
 * Opening links outside the app, after parsing them.
 *
 * Only web and mail links ever leave the app: `shell.openExternal` with a `file:`, `smb:` or custom
 * scheme URL can launch programs, see
 * https://www.electronjs.org/docs/latest/tutorial/security#15-do-not-use-shellopenexternal-with-untrusted-content
 */
import { shell } from 'electron';
import { err, ok, type Result } from '../../src-shared/result.js';

/** Schemes the renderer may open through `berthDesktop.openExternal`. */
export const EXTERNAL_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

/** Schemes a `window.open` / `target=_blank` link may open (no mailto from page script). */
export const WEB_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:']);

/** Longest URL accepted; longer ones are refused rather than truncated. */
export const MAX_EXTERNAL_URL_CHARS = 8_192;

/**
 * Parses `raw` and returns its normalised form when its scheme is in `allowed`.
 *
 * Refuses unparsable URLs, other schemes and http(s) URLs carrying credentials
 * (`https://user:pass@host`, a common way to disguise the real host).
 */
export function parseExternalUrl(raw: string, allowed: ReadonlySet<string> = EXTERNAL_PROTOCOLS): Result<string> {
  if (raw.length > MAX_EXTERNAL_URL_CHARS) return err('bad_request', 'URL is too long');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err('bad_request', `not a valid URL: ${raw.slice(0, 200)}`);
  }
  if (!allowed.has(url.protocol)) {
    return err('forbidden', `only ${[...allowed].join(', ')} links can be opened outside Berth (got ${url.protocol})`);
  }
  if (url.username || url.password) return err('forbidden', 'links with embedded credentials are not opened');
  return ok(url.href);
}

/** Opens `raw` with the system handler if `parseExternalUrl` accepts it. */
export async function openExternalUrl(
  raw: string,
  allowed: ReadonlySet<string> = EXTERNAL_PROTOCOLS,
): Promise<Result<void>> {
  const parsed = parseExternalUrl(raw, allowed);
  if (!parsed.ok) return parsed;
  try {
    await shell.openExternal(parsed.value);
    return ok();
  } catch (error) {
    return err('internal', `could not open ${parsed.value}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
