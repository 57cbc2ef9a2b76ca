/**
 * What the "New session" dialog offers: agent profiles, backends, recent repositories, defaults.
 */
import { useEffect, useState } from 'react';
import type { AgentProfileDto, BackendDto, RecentRepoDto, SettingsDto } from '../../../src-shared/dto.js';
import { useServices } from '../../app/services.js';

/** Lists loaded when the dialog opens; null until they arrive. */
export interface CreateOptions {
  agents: AgentProfileDto[] | null;
  backends: BackendDto[] | null;
  recent: RecentRepoDto[];
  settings: SettingsDto | null;
  loadError: string | null;
}

export function useCreateOptions(): CreateOptions {
  const { connection, store } = useServices();
  const [options, setOptions] = useState<CreateOptions>({
    agents: null,
    backends: null,
    recent: [],
    settings: store.getState().settings,
    loadError: null,
  });

  useEffect(() => {
    let current = true;
    void Promise.all([
      connection.request('agents.list', {}),
      connection.request('backends.list', {}),
      connection.request('repos.recent', {}),
      connection.request('settings.get', {}),
    ]).then(([agents, backends, recent, settings]) => {
      if (!current) return;
      const failed = [agents, backends].find((r) => !r.ok);
      setOptions((previous) => ({
        agents: agents.ok ? agents.value : [],
        backends: backends.ok ? backends.value : [],
        recent: recent.ok ? recent.value : [],
        settings: settings.ok ? settings.value : previous.settings,
        loadError: failed && !failed.ok ? failed.error.message : null,
      }));
    });
    return () => {
      current = false;
    };
  }, [connection]);

  return options;
}
