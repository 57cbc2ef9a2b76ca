/**
 * "Create pull request" through GitHub's `gh` CLI: available when `gh` is on PATH and `gh auth status`
 * says it is logged in; otherwise unavailable with the reason, shown on the disabled control.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Availability, PullRequestDto } from '../../src-shared/changes.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { describeFailure, runProcess } from '../process/run.js';

/** How long an availability answer is reused (`gh auth status` may ask GitHub; the Changes view asks often). */
const AVAILABILITY_TTL_MS = 60_000;
/** Longest `gh auth status` may take. */
const GH_STATUS_TIMEOUT_MS = 10_000;
/** Longest `gh pr create` may take (it pushes nothing, but talks to GitHub). */
const GH_CREATE_TIMEOUT_MS = 60_000;
/** Longest default title taken from the prompt's first line. */
const MAX_TITLE_CHARS = 72;

export const GH_NOT_INSTALLED = 'gh is not installed: install GitHub CLI (https://cli.github.com) to create pull requests from Berth';
export const GH_NOT_LOGGED_IN = 'gh is not logged in: run gh auth login';

/** The `gh` executable on `env`'s PATH, or null. */
export function findGh(env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir.length === 0) continue;
    const file = path.join(dir, 'gh');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** The environment `gh` runs with: never prompting. */
function ghEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, GH_PROMPT_DISABLED: '1', GH_NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1' };
}

const cache = new Map<string, { at: number; value: Promise<Availability> }>();

/**
 * Whether a pull request can be created with the `gh` on `env`'s PATH, and if not, why. Answers are
 * cached for AVAILABILITY_TTL_MS per PATH.
 */
export function pullRequestAvailability(env: NodeJS.ProcessEnv): Promise<Availability> {
  const key = env.PATH ?? '';
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < AVAILABILITY_TTL_MS) return hit.value;
  const value = checkAvailability(env);
  cache.set(key, { at: Date.now(), value });
  return value;
}

/** Forgets cached availability answers (after `gh auth login`, tests). */
export function forgetPullRequestAvailability(): void {
  cache.clear();
}

async function checkAvailability(env: NodeJS.ProcessEnv): Promise<Availability> {
  const gh = findGh(env);
  if (!gh) return { available: false, reason: GH_NOT_INSTALLED };
  const status = await runProcess(gh, ['auth', 'status'], { timeoutMs: GH_STATUS_TIMEOUT_MS, env: ghEnv(env) });
  if (status.kind === 'exit' && status.code === 0) return { available: true, reason: null };
  if (status.kind === 'exit') return { available: false, reason: GH_NOT_LOGGED_IN };
  return { available: false, reason: `gh auth status did not answer: ${describeFailure(status)}` };
}

/** The default title: the prompt's first line (shortened), else the session name. */
export function defaultTitle(s: Pick<SessionDto, 'name' | 'prompt'>): string {
  const line = s.prompt.trim().split('\n')[0]?.trim() ?? '';
  if (line.length === 0) return s.name;
  return line.length > MAX_TITLE_CHARS ? `${line.slice(0, MAX_TITLE_CHARS - 1)}…` : line;
}

/** The default body: the prompt, and where the branch came from. */
export function defaultBody(s: Pick<SessionDto, 'name' | 'prompt'>): string {
  const prompt = s.prompt.trim();
  return `${prompt.length > 0 ? `${prompt}\n\n` : ''}Made in Berth session \`${s.name}\`.`;
}

/**
 * Runs `gh pr create` for `s`'s branch against its base in the main checkout; answers the URL `gh`
 * prints. The branch must have been pushed (gh's own message says so otherwise).
 */
export async function createPullRequest(
  s: Pick<SessionDto, 'name' | 'prompt' | 'repoPath' | 'branch' | 'baseBranch'>,
  env: NodeJS.ProcessEnv,
  options: { title?: string; body?: string } = {},
): Promise<Result<PullRequestDto>> {
  const available = await pullRequestAvailability(env);
  if (!available.available) return err('invalid_state', available.reason ?? 'pull requests are unavailable');
  const gh = findGh(env);
  if (!gh) return err('invalid_state', GH_NOT_INSTALLED);
  // `--flag=value`: a title starting with a dash stays the title.
  const args = ['pr', 'create', `--head=${s.branch}`, `--base=${s.baseBranch}`, `--title=${options.title ?? defaultTitle(s)}`, `--body=${options.body ?? defaultBody(s)}`];
  const r = await runProcess(gh, args, { cwd: s.repoPath, timeoutMs: GH_CREATE_TIMEOUT_MS, env: ghEnv(env) });
  if (r.kind !== 'exit' || r.code !== 0) return err('git_failed', `gh pr create failed: ${describeFailure(r)}`);
  const url = r.stdout
    .split('\n')
    .map((l) => l.trim())
    .reverse()
    .find((l) => /^https?:\/\//.test(l));
  if (!url) return err('git_failed', `gh pr create printed no pull request URL: ${r.stdout.trim().slice(0, 200)}`);
  return ok({ url });
}
