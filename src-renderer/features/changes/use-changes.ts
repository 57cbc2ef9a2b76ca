/**
 * The Changes tab's data and actions: the session's changes (`changes.list`), the selected file's diff
 * (`changes.diff`), and every action (stage, unstage, hunk, discard, commit, land, update, push, pull
 * request) with its pending state, its error and what it did. The list is read again after each action
 * and when the session changes (`session.updated`), coalesced so a burst of events costs one read.
 *
 * Local component state, not the store: only the open tab needs it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChangesDto, DiffDto, LandMode } from '../../../src-shared/changes.js';
import type { SessionDto } from '../../../src-shared/dto.js';
import type { ErrorDto, Result } from '../../../src-shared/result.js';
import { useServices } from '../../app/services.js';
import { reselect, type FileSelection } from './file-rows.js';

/** Session updates closer together than this cause one refresh. */
export const REFRESH_COALESCE_MS = 250;

/** Actions the tab offers (one runs at a time). */
export type ChangesAction = 'stage' | 'unstage' | 'hunk' | 'discard' | 'commit' | 'land' | 'update' | 'push' | 'pr';

/** The selected file's diff, or why it could not be read. */
export interface SelectedDiff {
  selection: FileSelection;
  diff: DiffDto | null;
  error: string | null;
}

/** An action's outcome shown at the top of the tab: what it did, or its error. */
export type Outcome = { kind: 'done'; action: ChangesAction; text: string; url?: string } | { kind: 'failed'; action: ChangesAction; error: ErrorDto };

export interface ChangesModel {
  changes: ChangesDto | null;
  loadError: string | null;
  selected: FileSelection | null;
  diff: SelectedDiff | null;
  pending: ChangesAction | null;
  outcome: Outcome | null;
  select(selection: FileSelection): void;
  refresh(): Promise<void>;
  stage(paths: string[]): Promise<void>;
  unstage(paths: string[]): Promise<void>;
  /** Stages (area unstaged) or unstages (area staged) the selected file's hunk with this `@@` header. */
  hunk(header: string): Promise<void>;
  discard(paths: string[]): Promise<boolean>;
  commit(message: string, all: boolean): Promise<boolean>;
  land(mode: LandMode, message: string | undefined): Promise<boolean>;
  update(): Promise<void>;
  push(remote: string | undefined): Promise<void>;
  pullRequest(): Promise<void>;
  dismissOutcome(): void;
}

/** Short commit id as git prints it. */
const SHORT_SHA = 7;

export function useChanges(session: SessionDto): ChangesModel {
  const { connection } = useServices();
  const ref = session.id;
  const [changes, setChanges] = useState<ChangesDto | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<FileSelection | null>(null);
  const [diff, setDiff] = useState<SelectedDiff | null>(null);
  const [pending, setPending] = useState<ChangesAction | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const selectedRef = useRef<FileSelection | null>(null);
  const diffSeq = useRef(0);
  const listSeq = useRef(0);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const loadDiff = useCallback(
    async (selection: FileSelection | null) => {
      const seq = ++diffSeq.current;
      if (!selection) {
        setDiff(null);
        return;
      }
      const result = await connection.request('changes.diff', { ref, area: selection.area, path: selection.path });
      if (!alive.current || seq !== diffSeq.current) return;
      setDiff(result.ok ? { selection, diff: result.value, error: null } : { selection, diff: null, error: result.error.message });
    },
    [connection, ref],
  );

  /** Takes a fresh list; the selection follows its file (see `reselect`). */
  const apply = useCallback(
    (next: ChangesDto) => {
      setChanges(next);
      setLoadError(null);
      const selection = reselect(next, selectedRef.current);
      selectedRef.current = selection;
      setSelected(selection);
      void loadDiff(selection);
    },
    [loadDiff],
  );

  const refresh = useCallback(async () => {
    const seq = ++listSeq.current;
    const result = await connection.request('changes.list', { ref });
    if (!alive.current || seq !== listSeq.current) return;
    if (result.ok) apply(result.value);
    else setLoadError(result.error.message);
  }, [connection, ref, apply]);

  // First load, then again (coalesced) whenever the session changes: its state, or its live git
  // status (which the orchestrator updates from file-system events); resource samples don't count.
  const changeKey = sessionChangeKey(session);
  const firstLoad = useRef(true);
  useEffect(() => {
    if (firstLoad.current) {
      firstLoad.current = false;
      void refresh();
      return;
    }
    const timer = setTimeout(() => void refresh(), REFRESH_COALESCE_MS);
    return () => clearTimeout(timer);
  }, [refresh, changeKey]);

  const select = useCallback(
    (selection: FileSelection) => {
      selectedRef.current = selection;
      setSelected(selection);
      void loadDiff(selection);
    },
    [loadDiff],
  );

  /** Runs one action: pending while it runs, its outcome after, and a fresh list either way. */
  const run = useCallback(
    async <T>(action: ChangesAction, call: () => Promise<Result<T>>, done: (value: T) => { text: string; url?: string } | null): Promise<boolean> => {
      setPending(action);
      setOutcome(null);
      const result = await call();
      if (!alive.current) return result.ok;
      setPending(null);
      if (result.ok) {
        const said = done(result.value);
        if (said) setOutcome({ kind: 'done', action, ...said });
      } else {
        setOutcome({ kind: 'failed', action, error: result.error });
      }
      // Actions that answer with the new list have applied it in `done`; the rest read it again.
      if (!result.ok || !isChangesDto(result.value)) await refresh();
      return result.ok;
    },
    [refresh],
  );

  const listAction = (action: ChangesAction, call: () => Promise<Result<ChangesDto>>) =>
    run(action, call, (value) => {
      apply(value);
      return null;
    });

  return {
    changes,
    loadError,
    selected,
    diff,
    pending,
    outcome,
    select,
    refresh,
    stage: async (paths) => void (await listAction('stage', () => connection.request('changes.stage', { ref, paths }))),
    unstage: async (paths) => void (await listAction('unstage', () => connection.request('changes.unstage', { ref, paths }))),
    hunk: async (header) => {
      const selection = selectedRef.current;
      if (!selection || selection.area === 'committed') return;
      await listAction('hunk', () =>
        connection.request('changes.stageHunk', { ref, path: selection.path, header, unstage: selection.area === 'staged' }),
      );
    },
    discard: (paths) => listAction('discard', () => connection.request('changes.discard', { ref, paths })),
    commit: (message, all) =>
      run(
        'commit',
        () => connection.request('changes.commit', { ref, message, all }),
        (c) => ({ text: `Committed ${c.commit.slice(0, SHORT_SHA)}: ${c.summary}` }),
      ),
    land: (mode, message) =>
      run(
        'land',
        () => connection.request('sessions.land', { ref, mode, ...(message ? { message } : {}) }),
        (l) => ({ text: `Landed on ${l.baseBranch} (${l.mode}) as ${l.commit.slice(0, SHORT_SHA)}` }),
      ),
    update: async () =>
      void (await run(
        'update',
        () => connection.request('sessions.update', { ref }),
        (u) => ({ text: `Updated from base (${u.mode}); now at ${u.head.slice(0, SHORT_SHA)}` }),
      )),
    push: async (remote) =>
      void (await run(
        'push',
        () => connection.request('sessions.push', { ref, ...(remote ? { remote } : {}) }),
        (p) => ({ text: `Pushed ${p.branch} to ${p.remote}` }),
      )),
    pullRequest: async () =>
      void (await run('pr', () => connection.request('sessions.pr', { ref }), (p) => ({ text: 'Pull request created', url: p.url }))),
    dismissOutcome: () => setOutcome(null),
  };
}

/** The session as a string, minus its resource samples (they change every second and say nothing about files). */
export function sessionChangeKey(session: SessionDto): string {
  const { stats: _stats, ...rest } = session;
  return JSON.stringify(rest);
}

function isChangesDto(value: unknown): value is ChangesDto {
  return typeof value === 'object' && value !== null && 'unstaged' in value && 'staged' in value && 'committed' in value;
}
