/**
 * The desktop bridge's main-process side: port requests, the folder picker, external links.
 *
 * Every channel goes through the checked `Ipc` wrapper; see src-preload/index.ts for the other end.
 */
import { BrowserWindow, dialog, type OpenDialogOptions } from 'electron';
import { z } from 'zod';
import type { Disposable } from '../../src-shared/lifecycle.js';
import { ok } from '../../src-shared/result.js';
import { DesktopChannel } from '../../src-preload/channels.js';
import type { Ipc } from './ipc.js';
import { MAX_EXTERNAL_URL_CHARS, openExternalUrl } from './open-external.js';
import type { PortBroker } from './port-broker.js';

const FOLDER_DIALOG: OpenDialogOptions = { title: 'Choose a repository folder', properties: ['openDirectory'] };

/** Registers the bridge's handlers on `ipc`; dispose to remove them. */
export function registerDesktopIpc(ipc: Ipc, broker: PortBroker): Disposable {
  const registrations = [
    ipc.on(DesktopChannel.requestPort, z.tuple([]), (_args, event) => {
      const win = BrowserWindow.fromWebContents(event.sender);
      if (win) broker.connect(win.id, event.sender);
    }),
    ipc.handle(DesktopChannel.pickFolder, z.tuple([]), async (_args, event) => {
      const win = BrowserWindow.fromWebContents(event.sender);
      const result = win ? await dialog.showOpenDialog(win, FOLDER_DIALOG) : await dialog.showOpenDialog(FOLDER_DIALOG);
      return ok(result.canceled ? null : (result.filePaths[0] ?? null));
    }),
    ipc.handle(DesktopChannel.openExternal, z.tuple([z.string().max(MAX_EXTERNAL_URL_CHARS)]), ([url]) =>
      openExternalUrl(url),
    ),
  ];
  return { dispose: () => registrations.forEach((r) => r.dispose()) };
}
