/**
 * The few session facts the Dashboard shows (name, backend, state, archived), taken from the app store
 * but changing only when one of them does. Sessions are updated every sampler tick (their stats), up
 * to one event per session per second; the Dashboard must not re-render for those.
 */
import { useEffect, useState } from 'react';
import type { SessionDto } from '../../../src-shared/dto.js';
import { useServices } from '../../app/services.js';

/** What the Dashboard needs of a session. */
export type SessionMeta = Pick<SessionDto, 'id' | 'name' | 'backend' | 'state' | 'archived'>;

/** The meta of every session, by id. */
export function sessionMeta(sessions: Readonly<Record<string, SessionDto>>): Record<string, SessionMeta> {
  const out: Record<string, SessionMeta> = {};
  for (const s of Object.values(sessions)) out[s.id] = { id: s.id, name: s.name, backend: s.backend, state: s.state, archived: s.archived };
  return out;
}

/** Whether two meta maps say the same. */
export function sameMeta(a: Readonly<Record<string, SessionMeta>>, b: Readonly<Record<string, SessionMeta>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const id of keys) {
    const x = a[id]!;
    const y = b[id];
    if (!y || x.name !== y.name || x.backend !== y.backend || x.state !== y.state || x.archived !== y.archived) return false;
  }
  return true;
}

export function useSessionMeta(): Record<string, SessionMeta> {
  const { store } = useServices();
  const [meta, setMeta] = useState(() => sessionMeta(store.getState().sessions));
  useEffect(() => {
    // The store may have changed between the first render and this subscription.
    setMeta((current) => {
      const next = sessionMeta(store.getState().sessions);
      return sameMeta(current, next) ? current : next;
    });
    return store.subscribe((state, previous) => {
      if (state.sessions === previous.sessions) return;
      setMeta((current) => {
        const next = sessionMeta(state.sessions);
        return sameMeta(current, next) ? current : next;
      });
    });
  }, [store]);
  return meta;
}
