import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveAppLocation } from './app-url.js';

const INDEX = path.resolve('/opt/berth/out/renderer/index.html');
const INDEX_URL = pathToFileURL(INDEX).href;

describe('resolveAppLocation', () => {
  it('loads the built file and accepts only that file (any hash or query)', () => {
    const location = resolveAppLocation({ rendererIndexPath: INDEX });
    expect(location.isDev).toBe(false);
    expect(location.entryUrl).toBe(INDEX_URL);
    expect(location.isAppUrl(INDEX_URL)).toBe(true);
    expect(location.isAppUrl(`${INDEX_URL}#/sessions/abc`)).toBe(true);
    expect(location.isAppUrl(pathToFileURL('/opt/berth/out/renderer/other.html').href)).toBe(false);
    expect(location.isAppUrl(pathToFileURL('/etc/passwd').href)).toBe(false);
    expect(location.isAppUrl('https://example.com/out/renderer/index.html')).toBe(false);
    expect(location.isAppUrl('not a url')).toBe(false);
  });

  it('trusts the dev server origin only', () => {
    const location = resolveAppLocation({ devServerUrl: 'http://localhost:5173/', rendererIndexPath: INDEX });
    expect(location.isDev).toBe(true);
    expect(location.devOrigin).toBe('http://localhost:5173');
    expect(location.entryUrl).toBe('http://localhost:5173/');
    expect(location.isAppUrl('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(location.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(location.isAppUrl('http://127.0.0.1:5173/')).toBe(false);
    expect(location.isAppUrl(INDEX_URL)).toBe(false);
  });

  it('ignores a dev URL that is not http(s) or not a URL', () => {
    for (const devServerUrl of ['javascript:alert(1)', 'file:///tmp/evil.html', '::nonsense']) {
      const location = resolveAppLocation({ devServerUrl, rendererIndexPath: INDEX });
      expect(location.isDev).toBe(false);
      expect(location.entryUrl).toBe(INDEX_URL);
    }
  });
});
