import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session, WebContents } from 'electron';
import { FakeWebContents, resetElectronMock, session, shell } from './testing/electron-mock.js';
import { WEB_PROTOCOLS, openExternalUrl } from './open-external.js';
import { denyAllPermissions, guardWebContents } from './window-guards.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const APP = 'file:///opt/berth/out/renderer/index.html';
const isAppUrl = (url: string): boolean => url.split('#')[0] === APP;
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(() => resetElectronMock());

function guarded(): FakeWebContents {
  const contents = new FakeWebContents();
  // Same wiring as src-main/index.ts: window.open links go through the web-only external opener.
  const openExternal = (url: string): void => void openExternalUrl(url, WEB_PROTOCOLS);
  guardWebContents(contents as unknown as WebContents, { isAppUrl, openExternal, log });
  return contents;
}

describe('navigation guard', () => {
  it('prevents main-frame navigation away from the app and allows the app page', () => {
    const contents = guarded();
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-navigate', `${APP}#/settings`)).toBe(false);
  });

  it('prevents foreign redirects and subframe navigations', () => {
    const contents = guarded();
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'https://evil.example/', { isMainFrame: false })).toBe(true);
    expect(contents.navigate('will-frame-navigate', APP, { isMainFrame: false })).toBe(false);
  });

  it('blocks <webview> attachment', () => {
    expect(guarded().navigate('will-attach-webview', APP)).toBe(true);
  });
});

describe('window.open', () => {
  it('is always denied; http(s) links open in the browser after parsing', async () => {
    const contents = guarded();
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'https://example.com/pr/1' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/pr/1'));
  });

  it('opens nothing for other schemes or for the app itself', async () => {
    const handler = guarded().windowOpenHandler!;
    for (const url of ['file:///bin/sh', 'javascript:alert(1)', 'mailto:a@b.c', APP]) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('permissions', () => {
  it('denies every request and check', () => {
    const fake = session.defaultSession;
    denyAllPermissions(fake as unknown as Session, log);
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      const callback = vi.fn();
      fake.permissionRequestHandler!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(fake.permissionCheckHandler!({}, permission)).toBe(false);
    }
  });
});
