/**
 * Links in terminal output: plain http(s) URLs found on a line and OSC 8 hyperlinks, both opened only
 * through `openLinkSafely` (parse, then confirm).
 */
import type { ILink, ILinkHandler, ILinkProvider, Terminal } from '@xterm/xterm';
import { openLinkSafely, type LinkOpenerDeps } from '../../client/safe-links.js';

/** A URL in terminal text: scheme, then everything up to whitespace or a closing quote/bracket. */
const URL_PATTERN = /https?:\/\/[^\s"'<>`()[\]{}]+/g;
/** Trailing punctuation that usually ends a sentence rather than the URL. */
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

/** Finds http(s) URLs in one line of text, as [start index, url] pairs. */
export function findUrls(line: string): Array<{ index: number; url: string }> {
  const found: Array<{ index: number; url: string }> = [];
  for (const match of line.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (url.length > 'https://'.length) found.push({ index: match.index ?? 0, url });
  }
  return found;
}

/** Link provider detecting URLs in the terminal buffer. */
export function urlLinkProvider(term: Terminal, deps: LinkOpenerDeps): ILinkProvider {
  return {
    provideLinks(bufferLineNumber, callback) {
      const line = term.buffer.active.getLine(bufferLineNumber - 1)?.translateToString(true) ?? '';
      const links: ILink[] = findUrls(line).map(({ index, url }) => ({
        range: {
          start: { x: index + 1, y: bufferLineNumber },
          end: { x: index + url.length, y: bufferLineNumber },
        },
        text: url,
        activate: (_event, text) => {
          openLinkSafely(text, deps);
        },
      }));
      callback(links.length > 0 ? links : undefined);
    },
  };
}

/** Handler for OSC 8 hyperlinks (xterm's `linkHandler` option). */
export function osc8LinkHandler(deps: LinkOpenerDeps): ILinkHandler {
  return {
    allowNonHttpProtocols: false,
    activate: (_event, text) => {
      openLinkSafely(text, deps);
    },
  };
}
