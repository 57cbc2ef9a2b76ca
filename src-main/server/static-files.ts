/**
 * Serves the built renderer (a handful of files) for browsers. A few lines instead of @fastify/static,
 * whose dependency tree cost ~180 ms of orchestrator start-up (measured with `npm run bench`).
 */
import fs from 'node:fs';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Hashed build assets never change; everything else is revalidated. */
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export interface StaticFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/**
 * Resolves a URL path to a file inside `root`, or the SPA's index.html for unknown non-asset paths.
 * Never leaves `root` (no `..`, no symlinks out).
 */
export function resolveStatic(root: string, urlPath: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return null;
  }
  const rootReal = fs.realpathSync(root);
  const candidate = path.resolve(rootReal, `.${decoded}`);
  const inside = (p: string) => p === rootReal || p.startsWith(rootReal + path.sep);
  let file = inside(candidate) ? candidate : null;
  try {
    if (file && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (file && !inside(fs.realpathSync(file))) file = null;
  } catch {
    file = null;
  }
  if (!file) {
    // Client-side routes fall back to the app; missing assets are 404s.
    if (decoded.startsWith('/assets/') || path.extname(decoded) !== '') return null;
    file = path.join(rootReal, 'index.html');
  }
  try {
    return {
      body: fs.readFileSync(file),
      contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      cacheControl: decoded.startsWith('/assets/') ? IMMUTABLE_CACHE : 'no-cache',
    };
  } catch {
    return null;
  }
}
