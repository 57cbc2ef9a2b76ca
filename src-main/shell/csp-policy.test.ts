import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCsp, withCspMeta } from '../../src-shared/csp.js';

/** Parses a CSP into directive → sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
}

const INDEX_HTML = path.join(import.meta.dirname, '../../src-renderer/index.html');

describe('the one CSP', () => {
  it('is strict: no eval, no inline script, nothing remote, no framing', () => {
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

  it('as a meta tag is the header policy without frame-ancestors', () => {
    const header = directives(buildCsp());
    header.delete('frame-ancestors');
    expect(Object.fromEntries(directives(buildCsp({ delivery: 'meta' })))).toEqual(Object.fromEntries(header));
  });

  it('relaxes script-src and connect-src only for the dev server', () => {
    const csp = directives(buildCsp({ devOrigin: 'http://localhost:5173' }));
    expect(csp.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(csp.get('object-src')).toEqual(["'none'"]);
  });

  it('is the only policy in the renderer: the source index.html has none, the build writes one right after the charset', () => {
    const source = fs.readFileSync(INDEX_HTML, 'utf8');
    expect(source).not.toMatch(/http-equiv="Content-Security-Policy"/i);
    const built = withCspMeta(source);
    const metas = [...built.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/gi)];
    expect(metas.map((m) => m[1])).toEqual([buildCsp({ delivery: 'meta' })]);
    // Before anything that loads: the charset is the only element ahead of it.
    expect(built).toMatch(/<head>\s*<meta charset="UTF-8" \/>\s*<meta http-equiv="Content-Security-Policy"/);
    // A stale tag is replaced, not duplicated.
    expect([...withCspMeta(built).matchAll(/Content-Security-Policy/g)]).toHaveLength(1);
  });
});
