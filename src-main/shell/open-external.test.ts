import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetElectronMock, shell } from './testing/electron-mock.js';
import { MAX_EXTERNAL_URL_CHARS, WEB_PROTOCOLS, openExternalUrl, parseExternalUrl } from './open-external.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

beforeEach(() => resetElectronMock());

describe('parseExternalUrl', () => {
  it('accepts http, https and mailto, normalised', () => {
    expect(parseExternalUrl('https://Example.com/a b')).toEqual({ ok: true, value: 'https://example.com/a%20b' });
    expect(parseExternalUrl('http://localhost:3000/x')).toEqual({ ok: true, value: 'http://localhost:3000/x' });
    expect(parseExternalUrl('mailto:dev@example.com')).toEqual({ ok: true, value: 'mailto:dev@example.com' });
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://server/share',
    'vscode://extension/run',
    'data:text/html,<script>x</script>',
    'ms-msdt:/id PCWDiagnostic',
  ])('refuses %s', (url) => {
    const result = parseExternalUrl(url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('forbidden');
  });

  it('refuses garbage, overlong URLs and embedded credentials', () => {
    expect(parseExternalUrl('not a url').ok).toBe(false);
    expect(parseExternalUrl(`https://example.com/${'a'.repeat(MAX_EXTERNAL_URL_CHARS)}`).ok).toBe(false);
    expect(parseExternalUrl('https://user:pass@example.com/').ok).toBe(false);
  });

  it('refuses mailto from window.open (web schemes only)', () => {
    expect(parseExternalUrl('mailto:a@b.c', WEB_PROTOCOLS).ok).toBe(false);
    expect(parseExternalUrl('https://b.c/', WEB_PROTOCOLS).ok).toBe(true);
  });
});

describe('openExternalUrl', () => {
  it('hands allowed URLs to shell.openExternal', async () => {
    expect(await openExternalUrl('https://example.com/docs')).toEqual({ ok: true, value: undefined });
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');
  });

  it('never calls shell.openExternal for a refused URL', async () => {
    const result = await openExternalUrl('file:///bin/sh');
    expect(result.ok).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('turns a failing system handler into an error value', async () => {
    shell.openExternal.mockRejectedValueOnce(new Error('no browser'));
    const result = await openExternalUrl('https://example.com/');
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: expect.stringContaining('no browser') } });
  });
});
