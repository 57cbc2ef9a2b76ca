import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebFrameMain } from 'electron';
import { z } from 'zod';
import { fakeFrame as fakeFrameOf, ipcMainFake, resetElectronMock } from './testing/electron-mock.js';
import { Ipc, isTrustedSender } from './ipc.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const APP = 'file:///opt/berth/out/renderer/index.html';
const isAppUrl = (url: string): boolean => url.split('#')[0] === APP;
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(() => resetElectronMock());

/** A fake frame typed as the real one, for `isTrustedSender`. */
function fakeFrame(...args: Parameters<typeof fakeFrameOf>): WebFrameMain {
  return fakeFrameOf(...args) as unknown as WebFrameMain;
}

describe('isTrustedSender', () => {
  it('accepts only the top frame of the app page', () => {
    const top = fakeFrame(`${APP}#/`);
    expect(isTrustedSender(top, isAppUrl)).toBe(true);
    expect(isTrustedSender(fakeFrame('https://evil.example/'), isAppUrl)).toBe(false);
    expect(isTrustedSender(fakeFrame(APP, { parent: fakeFrameOf(APP) }), isAppUrl)).toBe(false);
    expect(isTrustedSender(fakeFrame(APP, { detached: true }), isAppUrl)).toBe(false);
    expect(isTrustedSender(null, isAppUrl)).toBe(false);
  });
});

describe('Ipc.handle', () => {
  function setup() {
    const ipc = new Ipc(isAppUrl, log);
    const handler = vi.fn(([n]: [number]) => ({ ok: true as const, value: n * 2 }));
    ipc.handle('test:double', z.tuple([z.number()]), handler);
    return { ipc, handler };
  }

  it('runs the handler for the app with valid arguments', async () => {
    const { handler } = setup();
    expect(await ipcMainFake.invoke('test:double', fakeFrame(APP), {}, 21)).toEqual({ ok: true, value: 42 });
    expect(handler).toHaveBeenCalledOnce();
  });

  it('refuses a foreign sender without running the handler', async () => {
    const { handler } = setup();
    const result = await ipcMainFake.invoke('test:double', fakeFrame('https://evil.example/'), {}, 21);
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses bad arguments with bad_request', async () => {
    const { handler } = setup();
    expect(await ipcMainFake.invoke('test:double', fakeFrame(APP), {}, 'x')).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await ipcMainFake.invoke('test:double', fakeFrame(APP), {}, 1, 2)).toMatchObject({ ok: false });
    expect(handler).not.toHaveBeenCalled();
  });

  it('turns a throwing handler into an internal error value', async () => {
    const ipc = new Ipc(isAppUrl, log);
    ipc.handle('test:boom', z.tuple([]), () => {
      throw new Error('kaput');
    });
    expect(await ipcMainFake.invoke('test:boom', fakeFrame(APP), {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'test:boom failed: kaput' },
    });
  });

  it('unregisters on dispose', () => {
    const { ipc } = setup();
    ipc.dispose();
    expect(ipcMainFake.handlers.has('test:double')).toBe(false);
  });
});

describe('Ipc.on', () => {
  it('delivers only checked, valid messages', () => {
    const ipc = new Ipc(isAppUrl, log);
    const listener = vi.fn();
    ipc.on('test:ping', z.tuple([z.string()]), listener);
    ipcMainFake.send('test:ping', fakeFrame('https://evil.example/'), {}, 'a');
    ipcMainFake.send('test:ping', fakeFrame(APP), {}, 42);
    expect(listener).not.toHaveBeenCalled();
    ipcMainFake.send('test:ping', fakeFrame(APP), {}, 'ok');
    expect(listener).toHaveBeenCalledWith(['ok'], expect.anything());
    ipc.dispose();
    ipcMainFake.send('test:ping', fakeFrame(APP), {}, 'late');
    expect(listener).toHaveBeenCalledOnce();
  });
});
