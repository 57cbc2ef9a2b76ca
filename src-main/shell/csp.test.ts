import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from 'electron';
import { resetElectronMock, session } from './testing/electron-mock.js';
import { buildCsp, installCsp, withCspHeader } from './csp.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

beforeEach(() => resetElectronMock());

/** Parses a CSP header into directive → sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
}

describe('buildCsp', () => {
  it('is the strict production policy', () => {
    const csp = directives(buildCsp());
    expect(Object.fromEntries(csp)).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
    expect(buildCsp()).not.toContain('unsafe-eval');
  });

  it('matches the <meta> policy in src-renderer/index.html, plus frame-ancestors', () => {
    const html = fs.readFileSync(path.join(import.meta.dirname, '../../src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta, 'index.html has a CSP meta tag').toBeDefined();
    const header = directives(buildCsp());
    header.delete('frame-ancestors');
    expect(Object.fromEntries(directives(meta!))).toEqual(Object.fromEntries(header));
  });

  it('relaxes script-src and connect-src only for the dev server', () => {
    const csp = directives(buildCsp({ devOrigin: 'http://localhost:5173' }));
    expect(csp.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(csp.get('object-src')).toEqual(["'none'"]);
  });
});

describe('installCsp', () => {
  const isAppUrl = (url: string): boolean => url.startsWith('file:///app/');

  it("replaces any CSP on the app's responses and leaves other responses alone", () => {
    const fake = session.defaultSession;
    installCsp(fake as unknown as Session, isAppUrl, 'default-src self-test');
    const listener = fake.headersListener!;

    const appResponse = vi.fn();
    listener(
      { url: 'file:///app/index.html', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      appResponse,
    );
    expect(appResponse).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': ['default-src self-test'] },
    });

    const foreign = vi.fn();
    listener({ url: 'https://example.com/', responseHeaders: { a: ['b'] } }, foreign);
    expect(foreign).toHaveBeenCalledWith({});
  });

  it('adds the header when the response had none', () => {
    expect(withCspHeader(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});
