/**
 * Settings slice: the orchestrator's settings and system info, loaded on connect.
 */
import type { StateCreator } from 'zustand';
import type { SettingsDto, SystemInfoDto } from '../../src-shared/dto.js';

/** State and actions of the settings slice. */
export interface SettingsSlice {
  settings: SettingsDto | null;
  systemInfo: SystemInfoDto | null;
  setSettings(settings: SettingsDto): void;
  setSystemInfo(info: SystemInfoDto): void;
}

export const createSettingsSlice: StateCreator<SettingsSlice, [], [], SettingsSlice> = (set) => ({
  settings: null,
  systemInfo: null,
  setSettings: (settings) => set({ settings }),
  setSystemInfo: (systemInfo) => set({ systemInfo }),
});
