/**
 * Renders components inside the app's providers with a fake orchestrator (renderer unit tests only).
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Connection } from '../client/connection.js';
import { FakeServer } from './fake-server.js';
import { createAppStore, type AppState } from '../store/app-store.js';
import { ServicesProvider, type AppServices } from '../app/services.js';

/** Connects a fresh store to `server` and renders `ui`; dispose the returned connection when done. */
export async function renderWithServer(ui: ReactElement, server: FakeServer, initial: Partial<AppState> = {}, extra: Partial<AppServices> = {}) {
  const connection = new Connection(server.factory);
  connection.start();
  for (let i = 0; i < 5; i++) await Promise.resolve();
  const store = createAppStore(initial);
  const services: AppServices = {
    connection,
    store,
    desktop: null,
    links: { confirm: () => false, desktop: null, openWindow: () => undefined },
    ...extra,
  };
  const view = render(<ServicesProvider services={services}>{ui}</ServicesProvider>);
  return { ...view, store, connection, services };
}
