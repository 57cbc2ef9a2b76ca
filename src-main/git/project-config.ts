/**
 * A repository's session instructions, read from the main checkout: `.berth.json`, or, when there is
 * none, the `setup` / `archive` scripts of Conductor's `conductor.json` (so its users get their setup
 * without writing a second file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BERTH_CONFIG_FILE, BerthConfig, CONDUCTOR_CONFIG_FILE, ConductorConfig, describeConfigError } from '../../src-shared/berth-config.js';
import { describeZodError, err, ok, type Result } from '../../src-shared/result.js';

/** What Berth does with a repository's configuration, whichever file it came from. */
export interface ProjectConfig {
  /** The file it was read from. */
  source: typeof BERTH_CONFIG_FILE | typeof CONDUCTOR_CONFIG_FILE;
  setup: string | null;
  teardown: string | null;
  waitForSetup: boolean;
  /** Variables for the agent, setup and teardown. */
  env: Record<string, string>;
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
 * The configuration of the repository whose main checkout is `root`; null when it has neither file.
 * A file that is not valid JSON, or a `.berth.json` with an unknown or mistyped field, is an error
 * naming the file and the field: the create that asked is refused before anything is made.
 */
export async function loadProjectConfig(root: string): Promise<Result<ProjectConfig | null>> {
  const berth = await readOptional(root, BERTH_CONFIG_FILE);
  if (!berth.ok) return berth;
  if (berth.value !== null) {
    const json = parseJson(BERTH_CONFIG_FILE, berth.value);
    if (!json.ok) return json;
    const parsed = BerthConfig.safeParse(json.value);
    if (!parsed.success) return err('bad_request', `${BERTH_CONFIG_FILE} in ${root}: ${describeConfigError(parsed.error)}`);
    const c = parsed.data;
    return ok({ source: BERTH_CONFIG_FILE, setup: c.setup ?? null, teardown: c.teardown ?? null, waitForSetup: c.waitForSetup, env: c.env ?? {} });
  }
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
  return ok({ source: CONDUCTOR_CONFIG_FILE, setup: script(scripts?.setup), teardown: script(scripts?.archive), waitForSetup: true, env: {} });
}
