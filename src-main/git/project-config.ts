/**
 * A repository's session instructions, read from the main checkout: `.berth.json`; when there is none,
 * the repository's settings stored in Berth (Settings → Repositories); when there are none either, the
 * `setup` / `archive` scripts of Conductor's `conductor.json` (so its users get their setup without
 * writing a second file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BERTH_CONFIG_FILE, BerthConfig, type BerthDefaults, CONDUCTOR_CONFIG_FILE, ConductorConfig, describeConfigError } from '../../src-shared/berth-config.js';
import { describeZodError, err, ok, type Result } from '../../src-shared/result.js';

/** The source of a configuration stored in Berth's database rather than a file. */
export const REPO_SETTINGS_SOURCE = 'repository settings';

/** What Berth does with a repository's configuration, whichever file it came from. */
export interface ProjectConfig {
  /** The file it was read from, or the repository's stored settings. */
  source: typeof BERTH_CONFIG_FILE | typeof CONDUCTOR_CONFIG_FILE | typeof REPO_SETTINGS_SOURCE;
  setup: string | null;
  teardown: string | null;
  waitForSetup: boolean;
  /** Variables for the agent, setup and teardown. */
  env: Record<string, string>;
  /** Names of the ports each session gets (in order: the first is `PORT`). */
  ports: string[];
  /** Defaults for new sessions. */
  defaults: BerthDefaults;
  /** Ready worktrees kept for this repository (count 0: none), and the files whose change re-runs their setup. */
  ready: { count: number; refreshOn: string[] | null };
}

/** No ready worktrees. */
const NO_READY: ProjectConfig['ready'] = { count: 0, refreshOn: null };

/** A parsed `.berth.json` (or stored settings of the same shape) as what Berth does with it. */
export function fromBerthConfig(c: BerthConfig, source: ProjectConfig['source']): ProjectConfig {
  return { source, setup: c.setup ?? null, teardown: c.teardown ?? null, waitForSetup: c.waitForSetup, env: c.env ?? {}, ports: c.ports ?? [], defaults: c.defaults ?? {}, ready: c.ready ? { count: c.ready.count, refreshOn: c.ready.refreshOn ?? null } : NO_READY };
}

/** Reads `file` in `root`: null when it does not exist. */
async function readOptional(root: string, file: string): Promise<Result<string | null>> {
  try {
    return ok(await fs.promises.readFile(path.join(root, file), 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return ok(null);
    return err('bad_request', `cannot read ${file} in ${root}: ${code ?? (e as Error).message}`);
  }
}

function parseJson(file: string, text: string): Result<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err('bad_request', `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The configuration of the repository whose main checkout is `root`; null when it has neither file nor
 * `stored` settings (Settings → Repositories, used when there is no `.berth.json`).
 * A file that is not valid JSON, or a `.berth.json` with an unknown or mistyped field, is an error
 * naming the file and the field: the create that asked is refused before anything is made.
 */
export async function loadProjectConfig(root: string, stored: BerthConfig | null = null): Promise<Result<ProjectConfig | null>> {
  const berth = await readOptional(root, BERTH_CONFIG_FILE);
  if (!berth.ok) return berth;
  if (berth.value !== null) {
    const json = parseJson(BERTH_CONFIG_FILE, berth.value);
    if (!json.ok) return json;
    const parsed = BerthConfig.safeParse(json.value);
    if (!parsed.success) return err('bad_request', `${BERTH_CONFIG_FILE} in ${root}: ${describeConfigError(parsed.error)}`);
    return ok(fromBerthConfig(parsed.data, BERTH_CONFIG_FILE));
  }
  if (stored) return ok(fromBerthConfig(stored, REPO_SETTINGS_SOURCE));
  const conductor = await readOptional(root, CONDUCTOR_CONFIG_FILE);
  if (!conductor.ok) return conductor;
  if (conductor.value === null) return ok(null);
  const json = parseJson(CONDUCTOR_CONFIG_FILE, conductor.value);
  if (!json.ok) return json;
  const parsed = ConductorConfig.safeParse(json.value);
  if (!parsed.success) return err('bad_request', `${CONDUCTOR_CONFIG_FILE} in ${root}: ${describeZodError(parsed.error)}`);
  const scripts = parsed.data.scripts;
  // Conductor treats an empty script as none.
  const script = (s: string | undefined) => (s && s.trim().length > 0 ? s : null);
  return ok({ source: CONDUCTOR_CONFIG_FILE, setup: script(scripts?.setup), teardown: script(scripts?.archive), waitForSetup: true, env: {}, ports: [], defaults: {}, ready: NO_READY });
}
