import { describe, expect, it, vi } from 'vitest';
import { findUrls } from '../features/terminal/terminal-links.js';
import { openLinkSafely, parseSafeUrl } from './safe-links.js';

describe('parseSafeUrl', () => {
  it('accepts http(s) only', () => {
    expect(parseSafeUrl('https://example.com/a?b=1')?.host).toBe('example.com');
    expect(parseSafeUrl('javascript:alert(1)')).toBeNull();
    expect(parseSafeUrl('file:///etc/passwd')).toBeNull();
    expect(parseSafeUrl('not a url')).toBeNull();
    expect(parseSafeUrl('https://user:pw@example.com')).toBeNull();
  });
});

describe('openLinkSafely', () => {
  it('asks first and opens in a browser window', () => {
    const openWindow = vi.fn();
    const confirm = vi.fn(() => true);
    expect(openLinkSafely('https://example.com', { confirm, desktop: null, openWindow })).toBe(true);
    expect(confirm).toHaveBeenCalledOnce();
    expect(openWindow).toHaveBeenCalledWith('https://example.com/');
  });

  it('does nothing when declined or unsafe', () => {
    const openWindow = vi.fn();
    expect(openLinkSafely('https://example.com', { confirm: () => false, desktop: null, openWindow })).toBe(false);
    const confirm = vi.fn(() => true);
    expect(openLinkSafely('javascript:alert(1)', { confirm, desktop: null, openWindow })).toBe(false);
    expect(confirm).not.toHaveBeenCalled();
    expect(openWindow).not.toHaveBeenCalled();
  });

  it('uses the desktop bridge when present', () => {
    const openExternal = vi.fn();
    const desktop = { platform: 'linux', requestPort: vi.fn(), pickFolder: vi.fn(async () => null), openExternal };
    openLinkSafely('http://localhost:3000', { confirm: () => true, desktop, openWindow: vi.fn() });
    expect(openExternal).toHaveBeenCalledWith('http://localhost:3000/');
  });
});

describe('findUrls', () => {
  it('finds urls and trims sentence punctuation', () => {
    expect(findUrls('see https://example.com/x. and http://a.b/c?d=1, ok')).toEqual([
      { index: 4, url: 'https://example.com/x' },
      { index: 31, url: 'http://a.b/c?d=1' },
    ]);
    expect(findUrls('(https://x.io/y)')).toEqual([{ index: 1, url: 'https://x.io/y' }]);
    expect(findUrls('https:// nothing')).toEqual([]);
  });
});
