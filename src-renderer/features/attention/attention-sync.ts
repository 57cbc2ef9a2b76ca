/**
 * Attention in the window: marks the sessions the user looks at as seen (`sessions.seen`), so their
 * unread marker clears when opened and never shows on the session already in front of the user, and
 * keeps the unread count in the document title ("(2) Berth").
 */
import type { SessionDto } from '../../../src-shared/dto.js';
import { DisposableStore, toDisposable, type Disposable } from '../../../src-shared/lifecycle.js';
import type { Connection } from '../../client/connection.js';
import type { AppState, AppStore } from '../../store/app-store.js';

/** The window's name without unread sessions. */
export const BASE_TITLE = 'Berth';

/** The part of `document` this module uses (tests pass a plain object). */
export interface AttentionDocument {
  title: string;
  /** 'visible' when the user can see the page. */
  readonly visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/** Sessions the user has not seen since something happened (active ones only). */
export function unreadSessions(sessions: Record<string, SessionDto>): SessionDto[] {
  return Object.values(sessions).filter((s) => !s.archived && s.attention.unread);
}

/** The window title for an unread count: "(2) Berth", or "Berth" when nothing is unread. */
export function titleFor(unread: number): string {
  return unread > 0 ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
}

/** Ids of unread sessions shown in a pane right now (the sessions view is up). */
export function visibleUnread(state: Pick<AppState, 'view' | 'panes' | 'sessions'>): string[] {
  if (state.view !== 'sessions') return [];
  return state.panes.filter((id) => state.sessions[id]?.attention.unread === true);
}

/**
 * Keeps the title in step with the unread count and marks visible unread sessions seen while the page
 * is visible; dispose to stop.
 */
export function bindAttention(store: AppStore, connection: Pick<Connection, 'request'>, doc: AttentionDocument): Disposable {
  const disposables = new DisposableStore('attention-sync');
  /**
   * The `updatedAt` of each session when it was last marked seen: asked once per version of the
   * session, so an answer the store keeps out (an older copy) or a refused request can't loop.
   */
  const asked = new Map<string, number>();
  let lastTitle = '';

  const markVisibleSeen = (state: AppState) => {
    if (doc.visibilityState !== 'visible') return;
    for (const id of visibleUnread(state)) {
      const version = state.sessions[id]?.updatedAt ?? 0;
      if (asked.get(id) === version) continue;
      asked.set(id, version);
      void connection.request('sessions.seen', { ref: id }).then((result) => {
        if (result.ok) store.getState().upsertSession(result.value);
      });
    }
  };

  const update = (state: AppState) => {
    const title = titleFor(unreadSessions(state.sessions).length);
    if (title !== lastTitle) {
      lastTitle = title;
      doc.title = title;
    }
    markVisibleSeen(state);
  };

  update(store.getState());
  disposables.add(toDisposable(store.subscribe((state, previous) => {
    if (state.sessions !== previous.sessions || state.panes !== previous.panes || state.view !== previous.view) update(state);
  })));
  const onVisibility = () => markVisibleSeen(store.getState());
  doc.addEventListener('visibilitychange', onVisibility);
  disposables.add(toDisposable(() => doc.removeEventListener('visibilitychange', onVisibility)));
  return disposables;
}
