/**
 * The main entry's wiring, with Electron faked: lock, hardening, orchestrator fork, port hand-off,
 * second instance, crash notice, graceful quit.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DesktopChannel } from '../../src-preload/channels.js';
import { sessionFixture } from '../testing/session-fixture.js';
import * as electron from './testing/electron-mock.js';
import { TRAY_CLIENT_ID } from './tray-feed.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));
vi.mock('electron-log/main', async () => ({ default: (await import('./testing/electron-mock.js')).electronLog }));

const { BrowserWindow, FakeWebContents, app, channels, fakeFrame, forked, ipcMainFake, session } = electron;

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('main entry', () => {
  beforeAll(async () => {
    electron.resetElectronMock();
    delete process.env.ELECTRON_RENDERER_URL;
    await import('../index.js');
    await settle();
  });

  it('hardens the session, forks the orchestrator and opens the window', () => {
    expect(app.requestSingleInstanceLock).toHaveBeenCalledOnce();
    expect(session.defaultSession.headersListener).toBeDefined();
    expect(session.defaultSession.permissionRequestHandler).toBeDefined();

    expect(forked).toHaveLength(1);
    const child = forked[0]!;
    expect(path.basename(child.modulePath)).toBe('orchestrator.js');
    expect(child.args).toEqual(['--embedded']);
    expect(child.options).toMatchObject({ serviceName: 'berth-orchestrator', env: { BERTH_MODE: 'desktop' } });

    expect(BrowserWindow.all).toHaveLength(1);
    const win = BrowserWindow.all[0]!;
    const prefs = win.options.webPreferences as { preload: string };
    expect(prefs.preload.endsWith(path.join('preload', 'index.cjs'))).toBe(true);
    expect(win.loadURL.mock.calls[0]![0]).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
  });

  it('guards every new web contents', () => {
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('hands a port to the app window once the orchestrator is up, never to a foreign frame', () => {
    const win = BrowserWindow.all[0]!;
    const appUrl = win.loadURL.mock.calls[0]![0];
    ipcMainFake.send(DesktopChannel.requestPort, fakeFrame('https://evil.example/'), win.webContents);
    ipcMainFake.send(DesktopChannel.requestPort, fakeFrame(appUrl), win.webContents);
    expect(channels).toHaveLength(0);

    const child = forked[0]!;
    child.simulateSpawn();
    // One channel for the window, one for the tray's own connection.
    expect(channels).toHaveLength(2);
    const windowChannel = channels.find((c) => child.postMessage.mock.calls.some(([m, ports]) => (m as { windowId: number }).windowId === win.id && (ports as unknown[])[0] === c.port1))!;
    expect(windowChannel).toBeDefined();
    expect(win.webContents.postMessage).toHaveBeenCalledWith(DesktopChannel.port, null, [windowChannel.port2]);
  });

  it('feeds the tray from the orchestrator over its own port', async () => {
    const child = forked[0]!;
    const [, ports] = child.postMessage.mock.calls.find(([m]) => (m as { windowId: number }).windowId === TRAY_CLIENT_ID)!;
    const trayPort = (ports as electron.FakeMessagePort[])[0]!.peer!;
    const requests = trayPort.postMessage.mock.calls.map(([frame]) => frame as { id: number; method: string });
    expect(requests.map((r) => r.method).sort()).toEqual(['sessions.list', 'settings.get']);
    const list = requests.find((r) => r.method === 'sessions.list')!;
    const asking = sessionFixture('s1', { name: 'fix-login', state: 'waiting-input', attention: { detail: 'Proceed?', source: 'hooks', since: Date.now(), unread: true } });
    trayPort.emit('message', { data: { type: 'res', id: list.id, result: { ok: true, value: [asking] } } });
    await vi.waitFor(() => expect(electron.Tray.all[0]!.menu!.template.map((i) => i.label)).toContain('● fix-login — Proceed?'));
    trayPort.emit('message', { data: { type: 'event', event: 'session.removed', id: 's1' } });
    await vi.waitFor(() => expect(electron.Tray.all[0]!.menu!.template.map((i) => i.label)).toContain('Nobody needs you'));
  });

  it('stays in the tray when the window is closed', () => {
    app.emit('window-all-closed');
    expect(app.quit).not.toHaveBeenCalled();
  });

  it("answers the orchestrator's keychain requests with safeStorage, on the utility process channel", () => {
    const child = forked[0]!;
    const secret = Buffer.alloc(32, 5).toString('base64');
    child.emit('message', { type: 'berth.keychain', id: 7, op: 'seal', secret });
    const reply = child.postMessage.mock.calls.at(-1)![0] as { type: string; id: number; ok: boolean; value: { sealed: string } };
    expect(reply).toMatchObject({ type: 'berth.keychain.reply', id: 7, ok: true });
    expect(Buffer.from(reply.value.sealed, 'base64').includes(secret)).toBe(false);
    child.emit('message', { type: 'berth.keychain', id: 8, op: 'unseal', sealed: reply.value.sealed });
    expect(child.postMessage.mock.calls.at(-1)![0]).toEqual({ type: 'berth.keychain.reply', id: 8, ok: true, value: { secret } });
    // Keys never go in the process's environment or arguments.
    expect(JSON.stringify([child.args, child.options])).not.toContain(secret);
  });

  it('focuses the existing window on a second launch', () => {
    const win = BrowserWindow.all[0]!;
    win.minimized = true;
    app.emit('second-instance', {}, ['berth'], '/');
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(BrowserWindow.all).toHaveLength(1);
  });

  it('tells the user when the orchestrator crashes', () => {
    forked[0]!.simulateExit(134);
    expect(electron.Notification.shown.at(-1)?.options.body).toContain('exit code 134');
  });

  it('stops the orchestrator before quitting', async () => {
    await vi.waitFor(() => expect(forked).toHaveLength(2), { timeout: 2_000 });
    const child = forked[1]!;
    child.simulateSpawn();
    const preventDefault = vi.fn();
    app.emit('before-quit', { preventDefault });
    expect(preventDefault).toHaveBeenCalledOnce();
    expect(child.kill).toHaveBeenCalledOnce();
    expect(app.quit).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledOnce());
    // The second round lets the quit proceed.
    const again = vi.fn();
    app.emit('before-quit', { preventDefault: again });
    expect(again).not.toHaveBeenCalled();
  });
});

describe('main entry, second instance', () => {
  it('quits at once when another Berth holds the lock', async () => {
    // A fresh copy of the entry; the mocked electron module (and its state) is shared with the above.
    vi.resetModules();
    electron.resetElectronMock();
    app.requestSingleInstanceLock.mockReturnValue(false);
    await import('../index.js');
    await settle();
    expect(app.requestSingleInstanceLock).toHaveBeenCalledOnce();
    expect(app.quit).toHaveBeenCalledOnce();
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(forked).toHaveLength(0);
    expect(BrowserWindow.all).toHaveLength(0);
  });
});
