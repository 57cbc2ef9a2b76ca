import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Notification, resetElectronMock } from './testing/electron-mock.js';
import { notify } from './notifications.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

beforeEach(() => resetElectronMock());

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
