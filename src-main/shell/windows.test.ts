import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, app, resetElectronMock } from './testing/electron-mock.js';
import { acquireSingleInstanceLock } from './single-instance.js';
import { WindowManager } from './windows.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const ENTRY = 'file:///opt/berth/out/renderer/index.html';

beforeEach(() => resetElectronMock());

function manager(onDidClose = vi.fn()) {
  return new WindowManager({ preloadPath: '/opt/berth/out/preload/index.cjs', entryUrl: ENTRY, log, onDidClose });
}

describe('WindowManager', () => {
  it('creates a locked-down window loading the app', () => {
    const win = manager().showMain() as unknown as BrowserWindow;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: '/opt/berth/out/preload/index.cjs',
    });
    expect(win.loadURL).toHaveBeenCalledWith(ENTRY);
  });

  it('reveals the existing window instead of making another, and recreates it after close', () => {
    const onDidClose = vi.fn();
    const windows = manager(onDidClose);
    const first = windows.showMain() as unknown as BrowserWindow;
    first.minimized = true;
    expect(windows.showMain()).toBe(first);
    expect(first.restore).toHaveBeenCalled();
    expect(first.focus).toHaveBeenCalled();
    expect(BrowserWindow.all).toHaveLength(1);

    first.simulateClose();
    expect(onDidClose).toHaveBeenCalledWith(first.id);
    expect(windows.showMain()).not.toBe(first);
    expect(BrowserWindow.all).toHaveLength(2);
  });
});

describe('single instance', () => {
  it('reports a held lock so the second instance quits, without listening', () => {
    app.requestSingleInstanceLock.mockReturnValue(false);
    expect(acquireSingleInstanceLock(() => undefined)).toBe(false);
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('focuses the existing window when a second instance starts', () => {
    const windows = manager();
    expect(acquireSingleInstanceLock(() => windows.showMain())).toBe(true);
    const win = windows.showMain() as unknown as BrowserWindow;
    win.visible = false;
    win.minimized = true;
    vi.clearAllMocks();

    app.emit('second-instance', {}, ['berth'], '/home/dev');

    expect(win.restore).toHaveBeenCalledOnce();
    expect(win.show).toHaveBeenCalledOnce();
    expect(win.focus).toHaveBeenCalledOnce();
    expect(BrowserWindow.all).toHaveLength(1);
  });
});
