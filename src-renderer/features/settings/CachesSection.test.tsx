import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheDto, CacheType } from '../../../src-shared/docker.js';
import { err } from '../../../src-shared/result.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer } from '../../testing/fake-server.js';
import { CachesSection } from './CachesSection.js';

function cache(type: CacheType, sizeBytes: number | null): CacheDto {
  return { type, volume: `berth-cache-${type}`, mountPath: `/cache/${type}`, sizeBytes, exists: sizeBytes !== null };
}

describe('Settings → Caches', () => {
  afterEach(cleanup);

  it('lists caches with sizes, cleans one type, and shows the in-use error of Clean all', async () => {
    let caches = [cache('npm', 250_000_000), cache('pip', 1_200), cache('go', null)];
    const cleans: Array<CacheType | undefined> = [];
    const server = new FakeServer()
      .on('caches.list', () => caches)
      .on('caches.clean', ({ type }) => {
        cleans.push(type);
        if (type === undefined) return err('conflict', 'in use by running sessions, not removed: berth-cache-pip (removed: none)');
        caches = caches.map((c) => (c.type === type ? cache(type, null) : c));
        return { removed: [`berth-cache-${type}`] };
      });
    const { connection } = await renderWithServer(<CachesSection />, server, { connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getAllByTestId('cache-row')).toHaveLength(3));
    expect(screen.getAllByTestId('cache-size').map((e) => e.textContent)).toEqual(['250 MB', '1.2 kB', '—']);
    expect((screen.getByTestId('cache-clean-go') as HTMLButtonElement).disabled).toBe(true);

    await act(async () => fireEvent.click(screen.getByTestId('cache-clean-npm')));
    await waitFor(() => expect(screen.getByTestId('caches-outcome').textContent).toBe('Removed berth-cache-npm.'));
    await waitFor(() => expect(screen.getAllByTestId('cache-size')[0]?.textContent).toBe('—'));

    fireEvent.click(screen.getByTestId('caches-clean-all'));
    await act(async () => fireEvent.click(screen.getByTestId('caches-clean-all-confirm-button')));
    await waitFor(() => expect(screen.getByTestId('caches-outcome').textContent).toMatch(/^in use by running sessions/));
    expect(screen.getByTestId('caches-outcome').getAttribute('role')).toBe('alert');
    expect(cleans).toEqual(['npm', undefined]);
    connection.dispose();
  });
});
