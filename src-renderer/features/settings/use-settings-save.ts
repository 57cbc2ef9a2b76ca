/**
 * Saving settings from a page section: sends the patch, puts the answer in the store, and reports
 * saving / saved / the server's error for the section's status line.
 */
import { useState } from 'react';
import type { MethodParams } from '../../../src-shared/contract.js';
import { useServices } from '../../app/services.js';
import type { SaveState } from './SaveStatus.js';

export type SettingsPatch = MethodParams<'settings.update'>;

export function useSettingsSave(): [SaveState, (patch: SettingsPatch) => Promise<void>] {
  const { connection, store } = useServices();
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const update = async (patch: SettingsPatch) => {
    setSave({ kind: 'saving' });
    const result = await connection.request('settings.update', patch);
    if (result.ok) {
      store.getState().setSettings(result.value);
      setSave({ kind: 'saved' });
    } else {
      setSave({ kind: 'error', message: result.error.message });
    }
  };
  return [save, update];
}
