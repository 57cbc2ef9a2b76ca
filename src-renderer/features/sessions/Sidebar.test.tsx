import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithServer } from '../../testing/test-render.js';
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
    expect(within(list).getAllByTestId('state-badge').map((n) => n.dataset.state)).toEqual(['running', 'failed']);
    expect(screen.queryByTestId('archived-list')).toBeNull();
    fireEvent.click(screen.getByTestId('archived-toggle'));
    expect(within(screen.getByTestId('archived-list')).getByText('gamma')).toBeTruthy();

    fireEvent.click(within(list).getByText('alpha'));
    fireEvent.click(within(list).getAllByTestId('open-beside')[1]!);
    expect(store.getState().panes).toEqual(['a', 'b']);
    connection.dispose();
  });
});
