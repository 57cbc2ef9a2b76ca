import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from '../../client/connection.js';
import { createAppStore } from '../../store/app-store.js';
import { FakeServer, makeSession } from '../../testing/fake-server.js';
import type { SessionDto } from '../../../src-shared/dto.js';
import { err } from '../../../src-shared/result.js';
import { bindAttention, type AttentionDocument } from './attention-sync.js';

const unread = (id: string, over: Partial<SessionDto> = {}) =>
  makeSession({ id, name: id, state: 'waiting-input', attention: { detail: 'Proceed?', source: 'hooks', since: 5, unread: true }, ...over });

function fakeDocument(): AttentionDocument & { visibilityState: string; fire(): void } {
  const listeners = new Set<() => void>();
  return {
    title: '',
    visibilityState: 'visible',
    addEventListener: (_t, l) => void listeners.add(l),
    removeEventListener: (_t, l) => void listeners.delete(l),
    fire: () => listeners.forEach((l) => l()),
  };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('bindAttention', () => {
  const connections: Connection[] = [];
  afterEach(() => connections.splice(0).forEach((c) => c.dispose()));

  async function setup(sessions: Record<string, SessionDto>) {
    const seen: string[] = [];
    let current = () => sessions;
    const server = new FakeServer().on('sessions.seen', ({ ref }) => {
      seen.push(ref);
      const s = current()[ref]!;
      return { ...s, updatedAt: s.updatedAt + 1, attention: { ...s.attention, unread: false } };
    });
    const connection = new Connection(server.factory);
    connections.push(connection);
    connection.start();
    await settle();
    const store = createAppStore({ sessions, sessionsLoaded: true });
    current = () => store.getState().sessions;
    const doc = fakeDocument();
    const binding = bindAttention(store, connection, doc);
    return { store, doc, seen, binding };
  }

  it('shows the unread count in the title and clears a session when the user opens it', async () => {
    const { store, doc, seen } = await setup({ a: unread('a'), b: unread('b'), c: makeSession({ id: 'c' }) });
    expect(doc.title).toBe('(2) Berth');
    expect(seen).toEqual([]);
    store.getState().openSession('a');
    await settle();
    expect(seen).toEqual(['a']);
    expect(store.getState().sessions.a!.attention.unread).toBe(false);
    expect(doc.title).toBe('(1) Berth');
  });

  it('marks the session in front of the user seen as soon as it becomes unread, but not while the page is hidden', async () => {
    const { store, doc, seen } = await setup({ a: makeSession({ id: 'a' }) });
    store.getState().openSession('a');
    await settle();
    expect(doc.title).toBe('Berth');
    doc.visibilityState = 'hidden';
    store.getState().upsertSession(unread('a', { updatedAt: 2_000 }));
    await settle();
    expect(seen).toEqual([]);
    expect(doc.title).toBe('(1) Berth');
    doc.visibilityState = 'visible';
    doc.fire();
    await settle();
    expect(seen).toEqual(['a']);
    expect(doc.title).toBe('Berth');
  });

  it('does not mark sessions seen while a page hides the panes', async () => {
    const { store, seen } = await setup({ a: makeSession({ id: 'a' }) });
    store.getState().openSession('a');
    store.getState().setView('settings');
    store.getState().upsertSession(unread('a', { updatedAt: 2_000 }));
    await settle();
    expect(seen).toEqual([]);
    store.getState().setView('sessions');
    await settle();
    expect(seen).toEqual(['a']);
  });

  it('asks once per version of a session even when the orchestrator refuses', async () => {
    const seen: string[] = [];
    const server = new FakeServer().on('sessions.seen', ({ ref }) => {
      seen.push(ref);
      return err('not_found', 'gone');
    });
    const connection = new Connection(server.factory);
    connections.push(connection);
    connection.start();
    await settle();
    const store = createAppStore({ sessions: { a: unread('a') }, panes: ['a'] });
    bindAttention(store, connection, fakeDocument());
    await settle();
    store.getState().setArchivedExpanded(true);
    store.getState().upsertSession(unread('a'));
    await settle();
    expect(seen).toEqual(['a']);
  });
});
