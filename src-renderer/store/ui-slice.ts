/**
 * UI slice: which view is shown, which sessions are open in terminal panes, dialogs, connection status.
 */
import type { StateCreator } from 'zustand';
import type { AgentId, BackendId } from '../../src-shared/dto.js';
import type { ConnectionStatus } from '../client/connection.js';
import type { SessionsSlice } from './sessions-slice.js';

/** Most terminal panes shown side by side. */
export const MAX_PANES = 2;

/**
 * Top-level views: the session panes, then the pages shown in their place (one line per page; App.tsx
 * maps each to its component, Sidebar.tsx links it).
 */
export const VIEWS = [
  'sessions',
  'dashboard',
  'settings',
  'doctor',
  'audit',
] as const;
export type View = (typeof VIEWS)[number];
/** Views that are pages (everything but the session panes). */
export type PageView = Exclude<View, 'sessions'>;

/** How terminals are drawn: WebGL when it works (falls back to DOM), or always the DOM renderer. */
export type TerminalRendererPref = 'webgl' | 'dom';

/** Fields a quick session fills in the New session dialog (a repository with its last agent, backend, model). */
export interface CreatePreset {
  repoPath: string;
  agent: AgentId;
  backend: BackendId;
  model: string | null;
}

/** State and actions of the UI slice. */
export interface UiSlice {
  view: View;
  /** Session ids shown in panes, left to right (at most MAX_PANES). */
  panes: string[];
  /** Index into `panes` that sidebar clicks replace. */
  focusedPane: number;
  createDialogOpen: boolean;
  /** What the New session dialog opens prefilled with (a quick session), or null for a blank form. */
  createPreset: CreatePreset | null;
  archivedExpanded: boolean;
  connectionStatus: ConnectionStatus;
  terminalRenderer: TerminalRendererPref;
  setView(view: View): void;
  /** Shows a session in the focused pane (or focuses the pane already showing it). */
  openSession(id: string): void;
  /** Shows a session in a second pane beside the focused one. */
  openBeside(id: string): void;
  closePane(index: number): void;
  /** Closes every pane showing a session (it was deleted). */
  closePanesOf(id: string): void;
  focusPane(index: number): void;
  /** Opens (blank) or closes the New session dialog. */
  setCreateDialogOpen(open: boolean): void;
  /** Opens the New session dialog prefilled with a quick session. */
  openCreateWith(preset: CreatePreset): void;
  setArchivedExpanded(expanded: boolean): void;
  setConnectionStatus(status: ConnectionStatus): void;
  setTerminalRenderer(pref: TerminalRendererPref): void;
}

export const createUiSlice: StateCreator<UiSlice & SessionsSlice, [], [], UiSlice> = (set) => ({
  view: 'sessions',
  panes: [],
  focusedPane: 0,
  createDialogOpen: false,
  createPreset: null,
  archivedExpanded: false,
  connectionStatus: 'connecting',
  terminalRenderer: 'webgl',
  setView: (view) => set({ view }),
  openSession: (id) =>
    set((state) => {
      const existing = state.panes.indexOf(id);
      if (existing >= 0) return { view: 'sessions', focusedPane: existing };
      if (state.panes.length === 0) return { view: 'sessions', panes: [id], focusedPane: 0 };
      const panes = [...state.panes];
      const index = Math.min(state.focusedPane, panes.length - 1);
      panes[index] = id;
      return { view: 'sessions', panes, focusedPane: index };
    }),
  openBeside: (id) =>
    set((state) => {
      const existing = state.panes.indexOf(id);
      if (existing >= 0) return { view: 'sessions', focusedPane: existing };
      if (state.panes.length < MAX_PANES) {
        return { view: 'sessions', panes: [...state.panes, id], focusedPane: state.panes.length };
      }
      // Both panes are taken: replace the one that is not focused.
      const panes = [...state.panes];
      const index = state.focusedPane === 0 ? 1 : 0;
      panes[index] = id;
      return { view: 'sessions', panes, focusedPane: index };
    }),
  closePane: (index) =>
    set((state) => {
      const panes = state.panes.filter((_, i) => i !== index);
      return { panes, focusedPane: Math.max(0, Math.min(state.focusedPane, panes.length - 1)) };
    }),
  closePanesOf: (id) =>
    set((state) => {
      if (!state.panes.includes(id)) return state;
      const panes = state.panes.filter((paneId) => paneId !== id);
      return { panes, focusedPane: Math.max(0, Math.min(state.focusedPane, panes.length - 1)) };
    }),
  focusPane: (index) => set((state) => (index < state.panes.length ? { focusedPane: index } : state)),
  setCreateDialogOpen: (createDialogOpen) => set({ createDialogOpen, createPreset: null }),
  openCreateWith: (createPreset) => set({ createDialogOpen: true, createPreset }),
  setArchivedExpanded: (archivedExpanded) => set({ archivedExpanded }),
  setConnectionStatus: (connectionStatus) => set({ connectionStatus }),
  setTerminalRenderer: (terminalRenderer) => set({ terminalRenderer }),
});
