import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DesktopChannel } from '../../src-preload/channels.js';
import { BrowserWindow, channels, dialog, fakeFrame, ipcMainFake, resetElectronMock, shell } from './testing/electron-mock.js';
import { registerDesktopIpc } from './desktop-ipc.js';
import { Ipc } from './ipc.js';
import { PortBroker } from './port-broker.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const APP = 'file:///opt/berth/out/renderer/index.html';
const isAppUrl = (url: string): boolean => url.split('#')[0] === APP;
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(() => resetElectronMock());

function setup() {
  const broker = new PortBroker(log);
  const orchestrator = { postMessage: vi.fn() };
  broker.setOrchestrator(orchestrator);
  registerDesktopIpc(new Ipc(isAppUrl, log), broker);
  const win = new BrowserWindow();
  return { orchestrator, win };
}

describe('desktop IPC', () => {
  it('answers a port request from the app window with a brokered port', () => {
    const { orchestrator, win } = setup();
    ipcMainFake.send(DesktopChannel.requestPort, fakeFrame(APP), win.webContents);
    const { port1, port2 } = channels[0]!;
    expect(orchestrator.postMessage).toHaveBeenCalledWith({ type: 'berth.port', windowId: win.id }, [port1]);
    expect(win.webContents.postMessage).toHaveBeenCalledWith(DesktopChannel.port, null, [port2]);
  });

  it('ignores a port request from a foreign page', () => {
    const { orchestrator, win } = setup();
    ipcMainFake.send(DesktopChannel.requestPort, fakeFrame('https://evil.example/'), win.webContents);
    expect(channels).toHaveLength(0);
    expect(orchestrator.postMessage).not.toHaveBeenCalled();
  });

  it('picks a folder with the directory dialog, null when cancelled', async () => {
    const { win } = setup();
    expect(await ipcMainFake.invoke(DesktopChannel.pickFolder, fakeFrame(APP), win.webContents)).toEqual({
      ok: true,
      value: null,
    });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/dev/repo'] });
    expect(await ipcMainFake.invoke(DesktopChannel.pickFolder, fakeFrame(APP), win.webContents)).toEqual({
      ok: true,
      value: '/home/dev/repo',
    });
    expect(dialog.showOpenDialog).toHaveBeenLastCalledWith(
      win,
      expect.objectContaining({ properties: ['openDirectory'] }),
    );
  });

  it('opens web links and refuses other schemes and foreign senders', async () => {
    const { win } = setup();
    const open = (frameUrl: string, url: unknown) =>
      ipcMainFake.invoke(DesktopChannel.openExternal, fakeFrame(frameUrl), win.webContents, url);
    expect(await open(APP, 'https://example.com/')).toEqual({ ok: true, value: undefined });
    expect(await open(APP, 'file:///etc/passwd')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await open(APP, 42)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await open('https://evil.example/', 'https://example.com/')).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(shell.openExternal).toHaveBeenCalledOnce();
  });
});
