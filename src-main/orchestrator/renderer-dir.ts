/**
 * Where the built renderer bundle is, found from the module that asks.
 *
 * The bundler may put the asking module in `out/main/` or in `out/main/chunks/`, and from source it sits
 * in `src-main/…`: look upwards for `renderer/index.html` or `out/renderer/index.html`.
 */
import fs from 'node:fs';
import path from 'node:path';

/** How many folders up to look (out/main[/chunks] → out/renderer; src-main/x → out/renderer). */
const RENDERER_SEARCH_DEPTH = 4;

/** The renderer bundle's folder, or undefined when it has not been built. */
export function findRendererDir(start: string): string | undefined {
  let dir = start;
  for (let i = 0; i < RENDERER_SEARCH_DEPTH; i++) {
    for (const candidate of [path.join(dir, 'renderer'), path.join(dir, 'out', 'renderer')]) {
      if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    dir = path.dirname(dir);
  }
  return undefined;
}
