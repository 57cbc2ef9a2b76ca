import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Notification, Tray, resetElectronMock } from './testing/electron-mock.js';
import { notify } from './notifications.js';
import { createTray } from './tray.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

beforeEach(() => resetElectronMock());

describe('tray', () => {
  it('offers Show and Quit', () => {
    const actions = { show: vi.fn(), quit: vi.fn() };
    createTray(actions);
    const items = Tray.all[0]!.menu!.template.filter((item) => item.label);
    expect(items.map((item) => item.label)).toEqual(['Show Berth', 'Quit']);
    items[0]!.click!();
    expect(actions.show).toHaveBeenCalledOnce();
    expect(actions.quit).not.toHaveBeenCalled();
    items[1]!.click!();
    expect(actions.quit).toHaveBeenCalledOnce();
  });
});

describe('notify', () => {
  it('shows a notification whose click runs the callback', () => {
    const onClick = vi.fn();
    expect(notify({ title: 'Berth', body: 'done', onClick })).toBe(true);
    const shown = Notification.shown[0]!;
    expect(shown.options).toEqual({ title: 'Berth', body: 'done' });
    shown.emit('click');
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('does nothing where notifications are unsupported', () => {
    Notification.supported = false;
    expect(notify({ title: 'Berth', body: 'done' })).toBe(false);
    expect(Notification.shown).toHaveLength(0);
  });
});
