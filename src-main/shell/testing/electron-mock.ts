/**
 * The one fake of the `electron` module for unit tests.
 *
 * Use it with `vi.mock('electron', () => import('./testing/electron-mock.js'))` (path relative to the
 * test) and call `resetElectronMock()` in `beforeEach`. It fakes only what src-main/shell and
 * src-preload use, records calls, and exposes helpers to drive events (frames, IPC, crashes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';

// ---------------------------------------------------------------------------------------------- frames

/** A fake WebFrameMain. */
export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  detached: boolean;
}

/** A top-level frame showing `url`. */
export function fakeFrame(url: string, options: { parent?: FakeFrame | null; detached?: boolean } = {}): FakeFrame {
  return { url, parent: options.parent ?? null, detached: options.detached ?? false };
}

// ------------------------------------------------------------------------------------------------ ports

/** A fake MessagePortMain; `peer` is the other end of its channel. */
export class FakeMessagePort extends EventEmitter {
  peer: FakeMessagePort | undefined;
  readonly close = vi.fn();
  readonly start = vi.fn();
  readonly postMessage = vi.fn();
}

/** Every channel created, in order. */
export const channels: MessageChannelMain[] = [];

/** Fake MessageChannelMain: two entangled fake ports, recorded in `channels`. */
export class MessageChannelMain {
  readonly port1 = new FakeMessagePort();
  readonly port2 = new FakeMessagePort();
  constructor() {
    this.port1.peer = this.port2;
    this.port2.peer = this.port1;
    channels.push(this);
  }
}

// ----------------------------------------------------------------------------------------- web contents

let nextContentsId = 1;

/** A fake WebContents: an emitter with the methods the shell calls. */
export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  mainFrame: FakeFrame = fakeFrame('about:blank');
  readonly postMessage = vi.fn();
  readonly isDestroyed = (): boolean => this.destroyed;
  readonly setWindowOpenHandler = vi.fn((handler: (details: { url: string }) => { action: string }) => {
    this.windowOpenHandler = handler;
  });

  /** Emits a navigation-type event with a preventable event object; returns whether it was prevented. */
  navigate(
    eventName: 'will-navigate' | 'will-redirect' | 'will-frame-navigate' | 'will-attach-webview',
    url: string,
    extra: Record<string, unknown> = {},
  ): boolean {
    let prevented = false;
    const event = { url, isMainFrame: true, ...extra, preventDefault: () => (prevented = true) };
    this.emit(eventName, event, url);
    return prevented;
  }
}

// ------------------------------------------------------------------------------------------- windows

let nextWindowId = 1;

/** Fake BrowserWindow; every instance is recorded in `BrowserWindow.all`. */
export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  static fromWebContents(contents: unknown): BrowserWindow | null {
    return BrowserWindow.all.find((w) => w.webContents === contents && !w.destroyed) ?? null;
  }
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.destroyed);
  }

  readonly id = nextWindowId++;
  readonly webContents = new FakeWebContents();
  destroyed = false;
  minimized = false;
  visible = false;
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly restore = vi.fn(() => (this.minimized = false));
  readonly show = vi.fn(() => (this.visible = true));
  readonly focus = vi.fn();

  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    BrowserWindow.all.push(this);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  /** Test helper: the user closed the window. */
  simulateClose(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

// -------------------------------------------------------------------------------------- utility process

/** A fake UtilityProcess; drive it with `simulateSpawn()` / `simulateExit(code)`. */
export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined;
  stdout: NodeJS.ReadableStream | null = null;
  stderr: NodeJS.ReadableStream | null = null;
  readonly postMessage = vi.fn();
  /** By default kill() makes the process exit with code 0 on the next tick. */
  readonly kill = vi.fn((): boolean => {
    setTimeout(() => this.simulateExit(0), 0);
    return true;
  });

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, unknown>,
  ) {
    super();
  }

  simulateSpawn(pid = 4242): void {
    this.pid = pid;
    this.emit('spawn');
  }
  simulateExit(code: number): void {
    this.pid = undefined;
    this.emit('exit', code);
  }
}

/** tsx's loader and the parentPort shim, by URL, for real utility processes. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const PARENT_PORT_SHIM = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'parent-port-shim.ts')).href;
/** Exit code reported for a process ended by a signal (Electron reports a code, never a signal name). */
const SIGNAL_EXIT_CODE = 1;

/**
 * A utility process that really runs: the module (TypeScript, through tsx) in a Node child with the
 * `process.parentPort` of a utility process (parent-port-shim.ts), messages structured-cloned both ways
 * as Electron's are, stdout and stderr piped, `kill()` sending SIGTERM as Electron does on POSIX. For
 * tests of the main ⇄ orchestrator wire; MessagePorts can't be transferred to it.
 */
export class RealUtilityProcess extends EventEmitter {
  pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  private readonly child: ChildProcess;

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: { env?: NodeJS.ProcessEnv },
  ) {
    super();
    this.child = fork(modulePath, args, {
      env: options.env,
      execArgv: ['--import', TSX_LOADER, '--import', PARENT_PORT_SHIM],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.once('spawn', () => {
      this.pid = this.child.pid;
      this.emit('spawn');
    });
    this.child.on('message', (message) => this.emit('message', message));
    this.child.once('exit', (code) => {
      this.pid = undefined;
      this.emit('exit', code ?? SIGNAL_EXIT_CODE);
    });
  }

  postMessage(message: unknown, transfer: unknown[] = []): void {
    if (transfer.length > 0) throw new Error('a real utility process in tests cannot receive MessagePorts');
    if (this.child.connected) this.child.send(message as never);
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

/** Every forked utility process, in order. */
export const forked: FakeUtilityProcess[] = [];
/** Every real utility process (see `useRealUtilityProcesses`), in order. */
export const realForked: RealUtilityProcess[] = [];
let realForks = false;

/** From now on (until `resetElectronMock`), `utilityProcess.fork` runs the module for real. */
export function useRealUtilityProcesses(): void {
  realForks = true;
}

/** Fake `utilityProcess`: `fork` records a FakeUtilityProcess in `forked`, or runs a RealUtilityProcess. */
export const utilityProcess = {
  fork: vi.fn((modulePath: string, args: string[] = [], options: Record<string, unknown> = {}): FakeUtilityProcess | RealUtilityProcess => {
    if (realForks) {
      const real = new RealUtilityProcess(modulePath, args, options as { env?: NodeJS.ProcessEnv });
      realForked.push(real);
      return real;
    }
    const child = new FakeUtilityProcess(modulePath, args, options);
    forked.push(child);
    return child;
  }),
};

// ----------------------------------------------------------------------------------------------- IPC

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Test helper: what `ipcRenderer.invoke` would get from `sender` (a WebContents) in `frame`. */
  async invoke(channel: string, frame: FakeFrame | null, sender: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: frame, sender }, ...args);
  }
  /** Test helper: `ipcRenderer.send` from `sender` in `frame`. */
  send(channel: string, frame: FakeFrame | null, sender: unknown, ...args: unknown[]): void {
    this.emit(channel, { senderFrame: frame, sender }, ...args);
  }
}

/** The fake `ipcMain` (tests use this name: lint reserves `ipcMain.*` for src-main/shell/ipc.ts). */
export const ipcMainFake = new FakeIpcMain();
export { ipcMainFake as ipcMain };

// --------------------------------------------------------------------------------- app, session, misc

class FakeApp extends EventEmitter {
  isPackaged = false;
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly whenReady = vi.fn(async () => undefined);
  /** `userData` and friends: one temp folder per process, made on first use. */
  readonly getPath = vi.fn((_name: string) => (fakeUserData ??= fs.mkdtempSync(path.join(os.tmpdir(), 'berth-electron-userdata-'))));
}
let fakeUserData: string | undefined;

/**
 * Fake `safeStorage`: "seals" by XOR with a pad under a marker, so a sealed file differs from the
 * plaintext and unsealing anything else fails, as the real one does.
 */
export const safeStorage = {
  backend: 'gnome_libsecret' as string,
  isEncryptionAvailable: vi.fn(() => true),
  getSelectedStorageBackend: vi.fn(() => safeStorage.backend),
  encryptString: vi.fn((plain: string) => Buffer.concat([Buffer.from(SEAL_MARKER), xorPad(Buffer.from(plain, 'utf8'))])),
  decryptString: vi.fn((sealed: Buffer) => {
    if (sealed.subarray(0, SEAL_MARKER.length).toString() !== SEAL_MARKER) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return xorPad(sealed.subarray(SEAL_MARKER.length)).toString('utf8');
  }),
};
const SEAL_MARKER = 'v10';
/** The fake seal's XOR pad byte. */
const SEAL_PAD = 0x5a;
const xorPad = (bytes: Buffer) => Buffer.from(bytes.map((b) => b ^ SEAL_PAD));

/** Fake `app`: an emitter with the lock, quit and ready calls mocked. */
export const app = new FakeApp();

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;

class FakeSession {
  headersListener: HeadersListener | undefined;
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  permissionCheckHandler: ((contents: unknown, permission: string) => boolean) | undefined;
  readonly webRequest = {
    onHeadersReceived: vi.fn((listener: HeadersListener) => {
      this.headersListener = listener;
    }),
  };
  readonly setPermissionRequestHandler = vi.fn((handler: FakeSession['permissionRequestHandler']) => {
    this.permissionRequestHandler = handler;
  });
  readonly setPermissionCheckHandler = vi.fn((handler: FakeSession['permissionCheckHandler']) => {
    this.permissionCheckHandler = handler;
  });
}

/** Fake `session`: the default session keeps the handlers installed on it. */
export const session = { defaultSession: new FakeSession() };

/** Fake `dialog`: the folder picker is cancelled unless a test says otherwise. */
export const dialog = {
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
  showErrorBox: vi.fn(),
};

/** Fake `shell`: records openExternal calls. */
export const shell = { openExternal: vi.fn(async (_url: string) => undefined) };

/** Fake Notification; shown ones are recorded in `Notification.shown`. */
export class Notification extends EventEmitter {
  static supported = true;
  static readonly shown: Notification[] = [];
  static isSupported(): boolean {
    return Notification.supported;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    Notification.shown.push(this);
  }
}

/** Fake `nativeImage`. */
export const nativeImage = { createFromDataURL: vi.fn((url: string) => ({ url })) };

/** Fake `Menu`: a built menu is its template. */
export const Menu = { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })) };

/** Fake Tray; instances are recorded in `Tray.all`, the context menu in `menu`. */
export class Tray extends EventEmitter {
  static readonly all: Tray[] = [];
  menu: { template: Array<{ id?: string; type?: string; label?: string; enabled?: boolean; click?: () => void }> } | undefined;
  image: unknown;
  readonly setToolTip = vi.fn();
  readonly setImage = vi.fn((image: unknown) => (this.image = image));
  readonly destroy = vi.fn();
  readonly setContextMenu = vi.fn((menu: Tray['menu']) => (this.menu = menu));
  constructor(image: unknown) {
    super();
    this.image = image;
    Tray.all.push(this);
  }
}

// --------------------------------------------------------------------------------------------- preload

/** Fake `contextBridge`: exposed APIs land in `exposed`. */
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => contextBridge.exposed.set(key, api)),
};

class FakeIpcRenderer extends EventEmitter {
  readonly send = vi.fn();
  readonly invoke = vi.fn(async (..._args: unknown[]): Promise<unknown> => undefined);
}

/** The fake `ipcRenderer` (tests use this name: lint reserves `ipcRenderer.*` for the preload). */
export const ipcRendererFake = new FakeIpcRenderer();
export { ipcRendererFake as ipcRenderer };

// ------------------------------------------------------------------------------------------ electron-log

/**
 * Stand-in for electron-log/main's default export, which loads the real `electron` (and so must be
 * mocked too): `vi.mock('electron-log/main', async () => ({ default: (await import(...)).electronLog }))`.
 */
export const electronLog = {
  transports: { file: { level: 'info', getFile: () => ({ path: '/tmp/berth-test/main.log' }) }, console: { level: 'info' } },
  errorHandler: { startCatching: vi.fn() },
  scope: vi.fn((_name: string) => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() })),
};

// ----------------------------------------------------------------------------------------------- reset

/** Clears recorded calls and state between tests. */
export function resetElectronMock(): void {
  vi.clearAllMocks();
  channels.length = 0;
  forked.length = 0;
  realForked.length = 0;
  realForks = false;
  BrowserWindow.all.length = 0;
  Tray.all.length = 0;
  Notification.shown.length = 0;
  Notification.supported = true;
  ipcMainFake.handlers.clear();
  ipcMainFake.removeAllListeners();
  app.removeAllListeners();
  app.isPackaged = false;
  safeStorage.backend = 'gnome_libsecret';
  app.requestSingleInstanceLock.mockImplementation(() => true);
  ipcRendererFake.removeAllListeners();
  contextBridge.exposed.clear();
  session.defaultSession = new FakeSession();
  shell.openExternal.mockImplementation(async () => undefined);
  dialog.showOpenDialog.mockImplementation(async () => ({ canceled: true, filePaths: [] }));
}
