/**
 * Settings → Repositories: the editable form of a repository's stored settings and its conversion to
 * the `.berth.json`-shaped config the orchestrator validates again.
 */
import { BerthConfig, describeConfigError, type ReadyStatusDto } from '../../../src-shared/berth-config.js';
import { formatBytes } from '../docker/docker-format.js';
import type { AgentId, BackendId } from '../../../src-shared/dto.js';

/** The form's fields as the inputs hold them. */
export interface RepoSettingsForm {
  setup: string;
  teardown: string;
  waitForSetup: boolean;
  /** `KEY=value`, one a line. */
  env: string;
  /** Port names separated by commas or spaces. */
  ports: string;
  agent: AgentId | '';
  backend: BackendId | '';
  model: string;
  baseBranch: string;
  /** Ready worktrees to keep (a whole number; empty: none). */
  ready: string;
}

export const EMPTY_REPO_SETTINGS_FORM: RepoSettingsForm = { setup: '', teardown: '', waitForSetup: true, env: '', ports: '', agent: '', backend: '', model: '', baseBranch: '', ready: '' };

/** The form showing stored settings (empty fields for none). */
export function toRepoSettingsForm(config: BerthConfig | null): RepoSettingsForm {
  if (!config) return EMPTY_REPO_SETTINGS_FORM;
  const d = config.defaults ?? {};
  return {
    setup: config.setup ?? '',
    teardown: config.teardown ?? '',
    waitForSetup: config.waitForSetup,
    env: Object.entries(config.env ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    ports: (config.ports ?? []).join(', '),
    agent: d.agent ?? '',
    backend: d.backend ?? '',
    model: d.model ?? '',
    baseBranch: d.baseBranch ?? '',
    ready: config.ready && config.ready.count > 0 ? String(config.ready.count) : '',
  };
}

/** Fields of the stored config this form edits; any other (e.g. `ready`) is kept as stored. */
const EDITED = ['setup', 'teardown', 'waitForSetup', 'env', 'ports', 'defaults', 'ready'] as const;

/**
 * The config the form describes, or what is wrong with it (each problem naming its field). Fields the
 * form does not show are taken from `stored`.
 */
export function fromRepoSettingsForm(form: RepoSettingsForm, stored: BerthConfig | null = null): { ok: true; config: BerthConfig } | { ok: false; message: string } {
  const env: Record<string, string> = {};
  for (const [i, raw] of form.env.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { ok: false, message: `env line ${i + 1} ("${line}"): write KEY=value` };
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  const ports = form.ports.split(/[\s,]+/).filter((p) => p.length > 0);
  const trimmed = (s: string) => (s.trim() === '' ? undefined : s.trim());
  const defaults = { agent: form.agent || undefined, backend: form.backend || undefined, model: trimmed(form.model), baseBranch: trimmed(form.baseBranch) };
  const hasDefaults = Object.values(defaults).some((v) => v !== undefined);
  const readyText = form.ready.trim();
  if (readyText !== '' && !/^\d+$/.test(readyText)) return { ok: false, message: `"ready.count": write a whole number of ready worktrees (0 for none)` };
  const readyCount = readyText === '' ? 0 : Number(readyText);
  // refreshOn has no field here: kept as stored.
  const ready = readyCount > 0 ? { ...stored?.ready, count: readyCount } : undefined;
  const candidate = {
    setup: trimmed(form.setup),
    teardown: trimmed(form.teardown),
    waitForSetup: form.waitForSetup,
    env: Object.keys(env).length > 0 ? env : undefined,
    ports: ports.length > 0 ? ports : undefined,
    defaults: hasDefaults ? Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined)) : undefined,
    ready,
  };
  const kept = Object.fromEntries(Object.entries(stored ?? {}).filter(([k]) => !(EDITED as readonly string[]).includes(k)));
  const parsed = BerthConfig.safeParse({ ...kept, ...Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined)) });
  return parsed.success ? { ok: true, config: parsed.data } : { ok: false, message: describeConfigError(parsed.error) };
}

/** The repository's ready worktrees now, in words. */
export function readyNote(status: ReadyStatusDto | null): string | null {
  if (!status || (status.wanted === 0 && status.ready === 0)) return null;
  const parts = [`${status.ready} of ${status.wanted} ready`, `${formatBytes(status.bytes)} on disk`];
  if (status.filling) parts.push('making one now');
  if (status.lastError) parts.push(`last refill failed: ${status.lastError}`);
  return parts.join(' · ');
}
