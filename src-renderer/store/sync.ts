/**
 * Keeps the store in step with the orchestrator: a full load on every (re)connect, then events.
 */
import type { ProtocolClient } from '../../src-shared/client.js';
import type { EventFrame } from '../../src-shared/contract.js';
import { DisposableStore, type Disposable } from '../../src-shared/lifecycle.js';
import { assertNever } from '../../src-shared/result.js';
import type { Connection } from '../client/connection.js';
import type { AppStore } from './app-store.js';

/** Applies one orchestrator event to the store. */
export function applyEvent(store: AppStore, frame: EventFrame): void {
  const state = store.getState();
  switch (frame.event) {
    case 'session.updated':
      state.upsertSession(frame.session);
      return;
    case 'session.removed':
      state.removeSession(frame.id);
      state.closePanesOf(frame.id);
      return;
    case 'session.progress':
      state.applyProgress(frame.progress);
      return;
    case 'egress.ask':
      state.addEgressAsk(frame.ask);
      return;
    case 'egress.settled':
      state.removeEgressAsk(frame.id);
      return;
    case 'bench.progress':
      state.applyBenchProgress(frame.progress);
      return;
    default:
      assertNever(frame);
  }
}

/** Loads sessions (active and archived), settings and system info from a fresh client. */
export async function loadAll(store: AppStore, client: ProtocolClient): Promise<void> {
  const [active, archived, settings, info, asks] = await Promise.all([
    client.request('sessions.list', {}),
    client.request('sessions.list', { archived: true }),
    client.request('settings.get', {}),
    client.request('system.info', {}),
    client.request('egress.pending', {}),
  ]);
  const state = store.getState();
  if (asks.ok) state.setEgressAsks(asks.value);
  if (active.ok && archived.ok) {
    state.replaceSessions([...active.value, ...archived.value]);
    for (const id of store.getState().panes) {
      if (!(id in store.getState().sessions)) store.getState().closePanesOf(id);
    }
  }
  if (settings.ok) state.setSettings(settings.value);
  if (info.ok) state.setSystemInfo(info.value);
}

/** Wires a connection to the store; dispose to stop. */
export function bindStoreToConnection(store: AppStore, connection: Connection): Disposable {
  const disposables = new DisposableStore('store-sync');
  store.getState().setConnectionStatus(connection.status);
  disposables.add(connection.onDidChangeStatus((status) => store.getState().setConnectionStatus(status)));
  disposables.add(
    connection.withClient((client) => {
      const perClient = new DisposableStore('store-sync.client');
      perClient.add(client.onDidEvent((frame) => applyEvent(store, frame)));
      void loadAll(store, client);
      return perClient;
    }),
  );
  return disposables;
}
