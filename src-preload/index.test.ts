import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesktopBridge } from '../src-shared/desktop-bridge.js';
import { DesktopChannel } from './channels.js';
import { contextBridge, ipcRendererFake, resetElectronMock } from '../src-main/shell/testing/electron-mock.js';

vi.mock('electron', () => import('../src-main/shell/testing/electron-mock.js'));

const postMessage = vi.fn();

beforeAll(async () => {
  resetElectronMock();
  await import('./index.js');
});
beforeEach(() => {
  vi.clearAllMocks();
  vi.stubGlobal('window', { postMessage });
});
afterEach(() => vi.unstubAllGlobals());

function api(): DesktopBridge {
  return contextBridge.exposed.get('berthDesktop') as DesktopBridge;
}

describe('preload', () => {
  it('exposes exactly the named methods', () => {
    expect(Object.keys(api()).sort()).toEqual(['openExternal', 'pickFolder', 'platform', 'requestPort']);
    expect(api().platform).toBe(process.platform);
  });

  it('requests a port over its own channel', () => {
    api().requestPort();
    expect(ipcRendererFake.send).toHaveBeenCalledWith(DesktopChannel.requestPort);
  });

  it("forwards main's port to the page with window.postMessage", () => {
    const port = { fake: 'port' };
    ipcRendererFake.emit(DesktopChannel.port, { ports: [port] });
    expect(postMessage).toHaveBeenCalledWith({ type: 'berth:port' }, '*', [port]);
    ipcRendererFake.emit(DesktopChannel.port, { ports: [] });
    expect(postMessage).toHaveBeenCalledOnce();
  });

  it("forwards main's navigation (from the tray) to the page", () => {
    const navigation = { kind: 'session', sessionId: 's1' };
    ipcRendererFake.emit(DesktopChannel.navigate, {}, navigation);
    expect(postMessage).toHaveBeenCalledWith({ type: 'berth:navigate', navigation }, '*');
  });

  it('unwraps results: values resolve, errors reject with their message', async () => {
    ipcRendererFake.invoke.mockResolvedValueOnce({ ok: true, value: '/home/dev/repo' });
    await expect(api().pickFolder()).resolves.toBe('/home/dev/repo');
    expect(ipcRendererFake.invoke).toHaveBeenLastCalledWith(DesktopChannel.pickFolder);

    ipcRendererFake.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'forbidden', message: 'only http links' } });
    await expect(api().openExternal('file:///etc/passwd')).rejects.toThrow('only http links');
    expect(ipcRendererFake.invoke).toHaveBeenLastCalledWith(DesktopChannel.openExternal, 'file:///etc/passwd');
  });
});
