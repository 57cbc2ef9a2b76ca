/**
 * The New session dialog takes a repository's defaults (`.berth.json` `defaults`, or its stored
 * settings) when the user picks the repository: agent, backend, model and base branch.
 */
import { useEffect, useRef } from 'react';
import type { BerthDefaults } from '../../../src-shared/berth-config.js';
import type { AgentProfileDto, BackendDto } from '../../../src-shared/dto.js';
import { useServices } from '../../app/services.js';
import type { CreateForm } from './create-form.js';

/** Whether `id` names an item that can be used (unknown while the list loads). */
function usable(items: readonly { id: string; available: boolean }[] | null, id: string): boolean {
  return items === null || items.some((i) => i.id === id && i.available);
}

/**
 * `form` with the repository's defaults in place: each default that can be used here replaces the
 * field (an unavailable agent or backend, or a branch the repository lacks, leaves it as it is).
 */
export function applyRepoDefaults(
  form: CreateForm,
  defaults: BerthDefaults,
  lists: { agents: readonly AgentProfileDto[] | null; backends: readonly BackendDto[] | null; branches: readonly string[] },
): CreateForm {
  const next = { ...form };
  if (defaults.agent && usable(lists.agents, defaults.agent)) next.agent = defaults.agent;
  if (defaults.backend && usable(lists.backends, defaults.backend)) next.backend = defaults.backend;
  if (defaults.model) next.model = defaults.model;
  if (defaults.baseBranch && lists.branches.includes(defaults.baseBranch)) next.baseBranch = defaults.baseBranch;
  return next;
}

/** Asks for the defaults of the repository at `root` whenever it changes, and hands them to `apply`. */
export function useRepoDefaults(root: string | null, apply: (defaults: BerthDefaults) => void): void {
  const { connection } = useServices();
  const applyRef = useRef(apply);
  applyRef.current = apply;
  useEffect(() => {
    if (!root) return;
    let current = true;
    void connection.request('repos.settings.get', { repoPath: root }).then((r) => {
      if (current && r.ok && Object.keys(r.value.defaults).length > 0) applyRef.current(r.value.defaults);
    });
    return () => {
      current = false;
    };
  }, [connection, root]);
}
