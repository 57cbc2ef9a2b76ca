import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from 'electron';
import { resetElectronMock, session } from './testing/electron-mock.js';
import { installCsp, withCspHeader } from './csp.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

beforeEach(() => resetElectronMock());

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
