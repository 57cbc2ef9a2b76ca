/**
 * Electron main entry: a thin shell around the embedded orchestrator.
 *
 * It takes the single-instance lock, hardens the session (CSP, permissions, navigation), forks the
 * orchestrator as a utility process, brokers one MessagePort per window between the two, and owns the
 * window, the tray and the native dialogs. Everything else lives in the orchestrator.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, session } from 'electron';
import { resolveAppLocation } from './shell/app-url.js';
import { buildCsp } from '../src-shared/csp.js';
import { installCsp } from './shell/csp.js';
import { registerDesktopIpc } from './shell/desktop-ipc.js';
import { Ipc } from './shell/ipc.js';
import { initLogging, logFilePath, scopedLogger } from './shell/logging.js';
import { notify } from './shell/notifications.js';
import { WEB_PROTOCOLS, openExternalUrl } from './shell/open-external.js';
import { DesktopKeychainService } from './shell/keychain.js';
import { OrchestratorHost } from './shell/orchestrator-host.js';
import { orchestratorEnv } from './shell/orchestrator-env.js';
import { PortBroker } from './shell/port-broker.js';
import { acquireSingleInstanceLock } from './shell/single-instance.js';
import { createTray } from './shell/tray.js';
import { connectTrayFeed } from './shell/tray-feed.js';
import { denyAllPermissions, guardWebContents } from './shell/window-guards.js';
import { WindowManager } from './shell/windows.js';

/** out/main, where this file is built (ESM output, so no __dirname). */
const MAIN_DIR = path.dirname(fileURLToPath(import.meta.url));
const OUT_DIR = path.dirname(MAIN_DIR);
const ORCHESTRATOR_ENTRY = path.join(MAIN_DIR, 'orchestrator.js');
const PRELOAD_ENTRY = path.join(OUT_DIR, 'preload', 'index.cjs');
const RENDERER_INDEX = path.join(OUT_DIR, 'renderer', 'index.html');

initLogging();
const log = scopedLogger('main');

function main(): void {
  let windows: WindowManager | undefined;
  if (!acquireSingleInstanceLock(() => windows?.showMain())) {
    log.info('another Berth is running; handing over to it');
    app.quit();
    return;
  }
  app
    .whenReady()
    .then(() => {
      windows = start();
    })
    .catch((error: unknown) => {
      log.error('startup failed', error);
      app.exit(1);
    });
}

function start(): WindowManager {
  const location = resolveAppLocation({
    devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
    rendererIndexPath: RENDERER_INDEX,
  });
  const openLink = (url: string): void => {
    void openExternalUrl(url, WEB_PROTOCOLS).then((result) => {
      if (!result.ok) log.warn(`link not opened: ${result.error.message}`);
    });
  };
  installCsp(session.defaultSession, location.isAppUrl, buildCsp({ devOrigin: location.devOrigin }));
  denyAllPermissions(session.defaultSession, log);
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, { isAppUrl: location.isAppUrl, openExternal: openLink, log }),
  );

  const broker = new PortBroker(log);
  const orchestrator = new OrchestratorHost({
    modulePath: ORCHESTRATOR_ENTRY,
    args: ['--embedded'],
    env: orchestratorEnv(process.env, OUT_DIR),
    log: scopedLogger('orchestrator-host'),
    // The vault's desktop key protector: the orchestrator asks main to seal and unseal its keys with
    // safeStorage over the utility process channel (never env or argv).
    keychain: new DesktopKeychainService({ userDataDir: app.getPath('userData'), allowBasicText: process.env.BERTH_ALLOW_BASIC_TEXT === '1' }),
  });
  orchestrator.onDidSpawn((child) => broker.setOrchestrator(child));
  orchestrator.onDidExit(() => broker.setOrchestrator(undefined));
  orchestrator.onDidGiveUp(({ crashes, lastExitCode, message }) => {
    const why = message ?? `It exited ${crashes} times in a row (last exit code ${lastExitCode}).`;
    dialog.showErrorBox('Berth could not start its orchestrator', `${why}\n\nDetails are in ${logFilePath()}.`);
  });
  orchestrator.start();

  const windows = new WindowManager({
    preloadPath: PRELOAD_ENTRY,
    entryUrl: location.entryUrl,
    log,
    onDidClose: (windowId) => broker.forget(windowId),
  });
  registerDesktopIpc(new Ipc(location.isAppUrl, scopedLogger('ipc')), broker);

  const tray = createTray({ show: () => windows.showMain(), navigate: (navigation) => windows.navigate(navigation), quit: () => app.quit() });
  const trayFeed = connectTrayFeed(tray, broker, scopedLogger('tray'));
  app.on('activate', () => windows.showMain());
  // Closing the window keeps Berth in the tray (sessions keep running); Quit is in the tray menu.
  app.on('window-all-closed', () => undefined);

  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    // Let the orchestrator flush its store before the app exits, then quit for real.
    event.preventDefault();
    stopped = true;
    void orchestrator.stop().finally(() => {
      trayFeed.dispose();
      tray.destroy();
      app.quit();
    });
  });

  orchestrator.onDidExit((code) => {
    if (stopped) return;
    notify({
      title: 'Berth',
      body: `The orchestrator stopped unexpectedly (exit code ${code}).`,
      onClick: () => windows.showMain(),
    });
  });

  windows.showMain();
  if (location.isDev) log.info(`renderer from the dev server ${location.entryUrl}`);
  return windows;
}

main();
