/**
 * Preload: the desktop bridge (`window.berthDesktop`) and the MessagePort hand-off.
 *
 * Runs sandboxed with context isolation and is bundled to CommonJS (sandboxed preloads cannot be ES
 * modules). It exposes named methods only, never a generic `invoke(channel)`, and forwards the
 * orchestrator port from the main process to the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Result } from '../src-shared/result.js';
import { NAVIGATE_MESSAGE_TYPE, PORT_MESSAGE_TYPE, type DesktopBridge, type DesktopNavigation, type NavigateMessage, type PortMessage } from '../src-shared/desktop-bridge.js';
import { DesktopChannel } from './channels.js';

/** Turns the main process's Result envelope into a value or a rejection carrying its message. */
function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new Error(result.error.message);
}

/** Builds the API object; exported for the preload's unit test. */
export function createDesktopApi(): DesktopBridge {
  return {
    platform: process.platform,
    requestPort(): void {
      ipcRenderer.send(DesktopChannel.requestPort);
    },
    async pickFolder(): Promise<string | null> {
      return unwrap((await ipcRenderer.invoke(DesktopChannel.pickFolder)) as Result<string | null>);
    },
    async openExternal(url: string): Promise<void> {
      unwrap((await ipcRenderer.invoke(DesktopChannel.openExternal, url)) as Result<void>);
    },
  };
}

/**
 * Forwards a port from main to the page's main world.
 *
 * MessagePorts cannot pass through contextBridge; Electron's documented pattern is to post them to the
 * window from the preload:
 * https://www.electronjs.org/docs/latest/tutorial/message-ports#communicating-directly-between-the-main-process-and-the-main-world-of-a-context-isolated-page
 */
export function forwardPort(event: IpcRendererEvent): void {
  const [port] = event.ports;
  if (!port) return;
  const message: PortMessage = { type: PORT_MESSAGE_TYPE };
  window.postMessage(message, '*', [port]);
}

/** Forwards a navigation from main (the tray) to the page, as a window message the page listens for. */
export function forwardNavigation(_event: IpcRendererEvent, navigation: DesktopNavigation): void {
  const message: NavigateMessage = { type: NAVIGATE_MESSAGE_TYPE, navigation };
  window.postMessage(message, '*');
}

ipcRenderer.on(DesktopChannel.port, forwardPort);
ipcRenderer.on(DesktopChannel.navigate, forwardNavigation);
contextBridge.exposeInMainWorld('berthDesktop', createDesktopApi());
