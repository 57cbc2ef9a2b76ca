/**
 * The renderer's zustand store: the sessions, UI, settings, Docker and egress slices combined.
 *
 * Created per app instance (tests make their own) and handed down through React context.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createBenchSlice, type BenchSlice } from './bench-slice.js';
import { createDockerSlice, type DockerSlice } from './docker-slice.js';
import { createEgressSlice, type EgressSlice } from './egress-slice.js';
import { createSessionsSlice, type SessionsSlice } from './sessions-slice.js';
import { createSettingsSlice, type SettingsSlice } from './settings-slice.js';
import { createUiSlice, type TerminalRendererPref, type UiSlice } from './ui-slice.js';

/** The whole renderer state. */
export type AppState = SessionsSlice & UiSlice & SettingsSlice & DockerSlice & EgressSlice & BenchSlice;

/** A store instance. */
export type AppStore = StoreApi<AppState>;

export function createAppStore(initial: Partial<AppState> = {}): AppStore {
  return createStore<AppState>()((...args) => ({
    ...createSessionsSlice(...args),
    ...createUiSlice(...args),
    ...createSettingsSlice(...args),
    ...createDockerSlice(...args),
    ...createEgressSlice(...args),
    ...createBenchSlice(...args),
    ...initial,
  }));
}

/** localStorage key of the per-device terminal renderer preference. */
const RENDERER_PREF_KEY = 'berth.terminalRenderer';

/** Reads the terminal renderer preference saved on this device. */
export function loadRendererPref(storage: Pick<Storage, 'getItem'> | undefined): TerminalRendererPref {
  try {
    return storage?.getItem(RENDERER_PREF_KEY) === 'dom' ? 'dom' : 'webgl';
  } catch {
    return 'webgl';
  }
}

/** Saves the terminal renderer preference whenever it changes; returns the unsubscribe function. */
export function persistRendererPref(store: AppStore, storage: Pick<Storage, 'setItem'> | undefined): () => void {
  return store.subscribe((state, previous) => {
    if (state.terminalRenderer === previous.terminalRenderer) return;
    try {
      storage?.setItem(RENDERER_PREF_KEY, state.terminalRenderer);
    } catch {
      // Storage can be unavailable (private mode); the preference then lasts for this window only.
    }
  });
}
