/**
 * The tray icon: a state-coloured icon, a tooltip with the unread count, and the menu of
 * tray-menu.ts (quick sessions, roster, Open Berth, Quit) kept in step with the sessions.
 *
 * Session changes are coalesced (tray-coalescer.ts): the menu follows a change within a quarter of a
 * second and is rebuilt at most four times a second however many sessions churn.
 */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { QuitPolicy, SessionDto } from '../../src-shared/dto.js';
import type { DesktopNavigation } from '../../src-shared/desktop-bridge.js';
import { Coalescer, TRAY_REBUILD_INTERVAL_MS } from './tray-coalescer.js';
import { trayIconDataUrl } from './tray-icon.js';
import { buildTrayMenu, trayStatus, trayTooltip, type TrayAction, type TrayMenuItem, type TrayStatus } from './tray-menu.js';

/** What the tray's items do. */
export interface TrayActions {
  /** Reveal (or reopen) the window. */
  show(): void;
  /** Reveal the window on a session, or on the create form (prefilled for a quick session). */
  navigate(navigation: DesktopNavigation): void;
  quit(): void;
}

/** Options of the tray; `now` and `intervalMs` are for tests. */
export interface TrayOptions {
  now?: () => number;
  intervalMs?: number;
}

/** What a tray action does, as a navigation or a plain window/app action. */
export function runTrayAction(action: TrayAction, actions: TrayActions): void {
  switch (action.kind) {
    case 'focus':
      return actions.navigate({ kind: 'session', sessionId: action.sessionId });
    case 'quick': {
      const { repoPath, agent, backend, model } = action;
      return actions.navigate({ kind: 'create', prefill: { repoPath, agent, backend, model } });
    }
    case 'new-session':
      return actions.navigate({ kind: 'create', prefill: null });
    case 'open':
      return actions.show();
    case 'quit':
      return actions.quit();
  }
}

/** The data menu as an Electron menu template. */
export function toMenuTemplate(items: readonly TrayMenuItem[], actions: TrayActions): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const { action } = item;
    return {
      id: item.id,
      label: item.label,
      enabled: item.enabled,
      ...(action ? { click: () => runTrayAction(action, actions) } : {}),
    };
  });
}

/** The tray icon and menu, fed with the sessions as they change. */
export class BerthTray {
  readonly tray: Tray;
  private readonly sessions = new Map<string, SessionDto>();
  private onQuit: QuitPolicy = 'leave-running';
  private status: TrayStatus | undefined;
  private readonly coalescer: Coalescer;
  private readonly now: () => number;
  /** How many times the menu was built (for tests and diagnostics). */
  rebuilds = 0;

  constructor(
    private readonly actions: TrayActions,
    options: TrayOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.coalescer = new Coalescer(() => this.render(), options.intervalMs ?? TRAY_REBUILD_INTERVAL_MS);
    this.tray = new Tray(nativeImage.createFromDataURL(trayIconDataUrl('quiet')));
    this.status = 'quiet';
    this.tray.on('click', () => actions.show());
    this.render();
  }

  /** Replaces every session (a fresh list from the orchestrator). */
  setSessions(sessions: readonly SessionDto[]): void {
    this.sessions.clear();
    for (const s of sessions) this.sessions.set(s.id, s);
    this.coalescer.changed();
  }

  /** A session was created or changed. */
  updateSession(session: SessionDto): void {
    this.sessions.set(session.id, session);
    this.coalescer.changed();
  }

  /** A session was deleted. */
  removeSession(id: string): void {
    if (this.sessions.delete(id)) this.coalescer.changed();
  }

  /** The on-quit choice shown on the Quit item. */
  setOnQuit(onQuit: QuitPolicy): void {
    if (onQuit === this.onQuit) return;
    this.onQuit = onQuit;
    this.coalescer.changed();
  }

  destroy(): void {
    this.coalescer.dispose();
    this.tray.destroy();
  }

  private render(): void {
    this.rebuilds++;
    const sessions = [...this.sessions.values()];
    const { status } = trayStatus(sessions);
    if (status !== this.status) {
      this.status = status;
      this.tray.setImage(nativeImage.createFromDataURL(trayIconDataUrl(status)));
    }
    this.tray.setToolTip(trayTooltip(sessions));
    const items = buildTrayMenu({ sessions, onQuit: this.onQuit, now: this.now() });
    this.tray.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(items, this.actions)));
  }
}

/** Creates the tray; keep the returned object referenced or the icon is garbage-collected away. */
export function createTray(actions: TrayActions, options?: TrayOptions): BerthTray {
  return new BerthTray(actions, options);
}
