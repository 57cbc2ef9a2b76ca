/**
 * The tray's Electron wiring (electron faked in its one place) and its coalescing under churn.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionDto, SessionState } from '../../src-shared/dto.js';
import { sessionFixture } from '../testing/session-fixture.js';
import { BrowserWindow, Menu, Tray, nativeImage, resetElectronMock } from './testing/electron-mock.js';
import { createTray, type TrayActions } from './tray.js';
import { TRAY_REBUILD_INTERVAL_MS } from './tray-coalescer.js';
import { trayIconDataUrl } from './tray-icon.js';
import { buildTrayMenu, trayTooltip } from './tray-menu.js';
import { WindowManager } from './windows.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const NOW = 1_800_000_000_000;

function session(id: string, state: SessionState, extra: Partial<SessionDto> = {}): SessionDto {
  return sessionFixture(id, { state, createdAt: NOW, attention: { detail: null, source: 'hooks', since: NOW, unread: false }, ...extra });
}

function actions() {
  return { show: vi.fn<TrayActions['show']>(), navigate: vi.fn<TrayActions['navigate']>(), quit: vi.fn<TrayActions['quit']>() };
}

const tray = () => Tray.all[0]!;
const item = (label: string) => tray().menu!.template.find((i) => i.label === label);
const labels = () => tray().menu!.template.flatMap((i) => (i.label ? [i.label] : []));

beforeEach(() => {
  resetElectronMock();
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => vi.useRealTimers());

describe('tray wiring', () => {
  it('starts quiet with Open Berth, New session… and Quit; clicks run the actions', () => {
    const a = actions();
    createTray(a);
    expect(tray().image).toEqual({ url: trayIconDataUrl('quiet') });
    expect(item('Nobody needs you')).toMatchObject({ enabled: false });
    expect(item('Nobody needs you')!.click).toBeUndefined();
    item('Open Berth')!.click!();
    expect(a.show).toHaveBeenCalledOnce();
    item('New session…')!.click!();
    expect(a.navigate).toHaveBeenCalledWith({ kind: 'create', prefill: null });
    item('Quit (leave surviving sessions running)')!.click!();
    expect(a.quit).toHaveBeenCalledOnce();
    tray().emit('click');
    expect(a.show).toHaveBeenCalledTimes(2);
  });

  it('colours the icon by status, counts unread in the tooltip, and focuses or prefills from the menu', () => {
    const a = actions();
    const berth = createTray(a);
    berth.setSessions([
      session('ask', 'waiting-input', { attention: { detail: 'Ship it?', source: 'hooks', since: NOW, unread: true } }),
      session('busy', 'working', { repoPath: '/src/app', agent: 'codex', backend: 'docker', model: 'o3', createdAt: NOW + 1 }),
    ]);
    vi.advanceTimersByTime(TRAY_REBUILD_INTERVAL_MS);
    expect(tray().setImage).toHaveBeenLastCalledWith({ url: trayIconDataUrl('needs-you') });
    expect(tray().setToolTip).toHaveBeenLastCalledWith('Berth — 1 needs you, 1 unread');

    item('● ask — Ship it?')!.click!();
    expect(a.navigate).toHaveBeenLastCalledWith({ kind: 'session', sessionId: 'ask' });
    item('app — codex · docker · o3')!.click!();
    expect(a.navigate).toHaveBeenLastCalledWith({ kind: 'create', prefill: { repoPath: '/src/app', agent: 'codex', backend: 'docker', model: 'o3' } });

    berth.removeSession('ask');
    berth.setOnQuit('stop-all');
    vi.advanceTimersByTime(TRAY_REBUILD_INTERVAL_MS);
    expect(tray().setImage).toHaveBeenLastCalledWith({ url: trayIconDataUrl('working') });
    expect(labels()).toContain('Quit (stop all sessions)');
    expect(labels()).not.toContain('● ask — Ship it?');
  });

  it('draws a distinct PNG per status', () => {
    const urls = (['needs-you', 'working', 'quiet'] as const).map(trayIconDataUrl);
    expect(new Set(urls).size).toBe(3);
    for (const url of urls) expect(Buffer.from(url.split(',')[1]!, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(nativeImage.createFromDataURL).not.toHaveBeenCalled();
  });
});

describe('tray coalescing', () => {
  it('rebuilds at most a few times for 200 changes across 20 sessions in one second, ending on the last state', () => {
    const berth = createTray(actions());
    const built = () => Menu.buildFromTemplate.mock.calls.length;
    const before = built();
    const states: SessionState[] = ['working', 'waiting-input', 'idle', 'waiting-approval', 'exited'];
    const last = new Map<string, SessionDto>();
    for (let n = 0; n < 200; n++) {
      const at = Date.now();
      const s = session(`s${n % 20}`, states[n % states.length]!, { attention: { detail: `question ${n}`, source: 'hooks', since: at, unread: n % 3 === 0 } });
      last.set(s.id, s);
      berth.updateSession(s);
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(1000);
    expect(built() - before).toBeGreaterThan(0);
    expect(built() - before).toBeLessThanOrEqual(5);
    // The final menu is the menu of the last state of every session: no change lost.
    const expected = buildTrayMenu({ sessions: [...last.values()], onQuit: 'leave-running', now: Date.now() }).flatMap((i) => (i.type === 'item' ? [i.label] : []));
    expect(labels()).toEqual(expected);
    expect(labels()).toContain('s19 — finished');
    expect(tray().setToolTip).toHaveBeenLastCalledWith(trayTooltip([...last.values()]));
  });

  it('shows a lone change within one second', () => {
    const berth = createTray(actions());
    berth.updateSession(session('a', 'waiting-input'));
    vi.advanceTimersByTime(1000);
    expect(labels()).toContain('a — waits for input');
    berth.destroy();
    expect(tray().destroy).toHaveBeenCalledOnce();
  });
});

describe('navigation to the window', () => {
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

  it('sends the page to a session: at once to an open window, after load to a new one', () => {
    const windows = new WindowManager({ preloadPath: '/p.cjs', entryUrl: 'file:///index.html', log });
    windows.navigate({ kind: 'session', sessionId: 'a' });
    const win = BrowserWindow.all[0]!;
    expect(win.webContents.postMessage).not.toHaveBeenCalled();
    win.webContents.emit('did-finish-load');
    expect(win.webContents.postMessage).toHaveBeenCalledWith('berth:navigate', { kind: 'session', sessionId: 'a' });

    windows.navigate({ kind: 'create', prefill: null });
    expect(BrowserWindow.all).toHaveLength(1);
    expect(win.focus).toHaveBeenCalled();
    expect(win.webContents.postMessage).toHaveBeenLastCalledWith('berth:navigate', { kind: 'create', prefill: null });
  });
});
