/**
 * Egress slice: requests an "ask" policy holds until the user allows or denies them, from the
 * `egress.ask` / `egress.settled` events (and `egress.pending` on connect).
 */
import type { StateCreator } from 'zustand';
import type { EgressAskDto } from '../../src-shared/proxy-settings.js';

/** State and actions of the egress slice. */
export interface EgressSlice {
  egressAsks: EgressAskDto[];
  setEgressAsks(asks: EgressAskDto[]): void;
  addEgressAsk(ask: EgressAskDto): void;
  removeEgressAsk(id: string): void;
}

export const createEgressSlice: StateCreator<EgressSlice, [], [], EgressSlice> = (set) => ({
  egressAsks: [],
  setEgressAsks: (egressAsks) => set({ egressAsks }),
  addEgressAsk: (ask) => set((s) => ({ egressAsks: [...s.egressAsks.filter((a) => a.id !== ask.id), ask] })),
  removeEgressAsk: (id) => set((s) => ({ egressAsks: s.egressAsks.filter((a) => a.id !== id) })),
});
