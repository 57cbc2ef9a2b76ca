import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithServer } from '../../testing/test-render.js';
import { BrowserLogin, LOGIN_STORAGE_KEY } from '../../client/browser-login.js';
import { FakeServer, makeSession } from '../../testing/fake-server.js';
import { Sidebar } from './Sidebar.js';

describe('Sidebar', () => {
  afterEach(cleanup);

  it('lists active sessions, collapses archived ones and opens beside', async () => {
    const a = makeSession({ id: 'a', name: 'alpha', createdAt: 2 });
    const b = makeSession({ id: 'b', name: 'beta', createdAt: 1, state: 'failed' });
    const old = makeSession({ id: 'c', name: 'gamma', archived: true, state: 'exited' });
    const { store, connection } = await renderWithServer(<Sidebar />, new FakeServer(), {
      sessions: { a, b, c: old },
      sessionsLoaded: true,
    });
    const list = screen.getByTestId('session-list');
    expect(within(list).getAllByTestId('session-name').map((n) => n.textContent)).toEqual(['alpha', 'beta']);
    expect(within(list).getAllByTestId('state-badge').map((n) => n.dataset.state)).toEqual(['working', 'failed']);
    expect(screen.queryByTestId('archived-list')).toBeNull();
    fireEvent.click(screen.getByTestId('archived-toggle'));
    expect(within(screen.getByTestId('archived-list')).getByText('gamma')).toBeTruthy();

    fireEvent.click(within(list).getByText('alpha'));
    fireEvent.click(within(list).getAllByTestId('open-beside')[1]!);
    expect(store.getState().panes).toEqual(['a', 'b']);
    connection.dispose();
  });

  it('logs this browser out: the orchestrator ends the login and the stored secret goes; no button on the desktop', async () => {
    const server = new FakeServer().on('auth.logout', () => ({ revoked: 1 }));
    const { connection, services, unmount } = await renderWithServer(<Sidebar />, server);
    expect(services.login).toBeUndefined();
    expect(screen.queryByTestId('logout')).toBeNull();
    unmount();
    connection.dispose();

    window.localStorage.setItem(LOGIN_STORAGE_KEY, JSON.stringify({ secret: 'kept-in-this-origin', expiresAt: Date.now() + 60_000 }));
    const login = new BrowserLogin({ storage: window.localStorage, location: window.location, history: window.history, fetch: window.fetch });
    const browser = await renderWithServer(<Sidebar />, server, {}, { login });
    expect(login.secret()).toBe('kept-in-this-origin');
    fireEvent.click(screen.getByTestId('logout'));
    await waitFor(() => expect(login.secret()).toBeNull());
    expect(server.sentOfType('req').map((f) => f.method)).toContain('auth.logout');
    browser.connection.dispose();
  });
});
