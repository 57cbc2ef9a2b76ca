/**
 * Agent profiles: which executable each agent is, how the prompt and model reach it, and whether it is
 * installed on this machine.
 */
import type { AgentId, AgentProfileDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { CLAUDE_HOOK_EVENTS } from '../attention/claude-hooks.js';
import { HOOK_PROGRAM_ENV } from '../attention/hook-program.js';
import { findExecutable } from '../process/find-executable.js';
import { splitCommandLine } from './command-line.js';

/** What a backend needs to start an agent. */
export interface AgentLaunch {
  /** argv; argv[0] is looked up on PATH by the backend. */
  command: string[];
  /** Text typed into the terminal once it is up (the shell profile's command line, aider's prompt). */
  initialInput: string | null;
}

export interface LaunchRequest {
  prompt: string;
  model: string | null;
  /** The custom profile's template. */
  template: string | null;
  /** The user's login shell, for the shell profile. */
  shell: string;
  /**
   * The agent's own conversation (agents that resume one): `resume: false` starts a conversation with
   * this id, `resume: true` continues it (the prompt is not sent again). Null or absent: no id.
   */
  conversation?: Conversation | null;
}

/** A conversation id Berth chose for the agent, and whether this start continues it. */
export interface Conversation {
  id: string;
  resume: boolean;
}

interface Profile {
  id: AgentId;
  name: string;
  description: string;
  executable: string | null;
  installHint: string | null;
  supportsModel: boolean;
  /**
   * Whether the agent continues a conversation Berth names (see LaunchRequest.conversation); when it
   * can't be done per session, why not (kept here for the next reader, not shown).
   */
  resumes: true | { no: string };
  /** The agent takes a provider key through a helper command that reads it from another variable (see KeyHandOver). */
  keyHandOver?: KeyHandOver;
  build(req: LaunchRequest): Result<AgentLaunch>;
}

/**
 * A provider key the agent must not find in its usual variable (Claude Code stops at start to ask about
 * every ANTHROPIC_API_KEY it has not seen, and the session's stand-in is new at every start): Berth
 * gives it in `via` instead, and the agent's launch wrapper hands it over through a helper command.
 */
export interface KeyHandOver {
  variable: string;
  via: string;
}

const withPrompt = (args: string[], prompt: string) => (prompt.trim().length > 0 ? [...args, prompt] : args);
const withModel = (flag: string, model: string | null) => (model ? [flag, model] : []);
const typed = (prompt: string) => (prompt.trim().length > 0 ? `${prompt}\r` : null);

/**
 * Codex ignores OPENAI_BASE_URL: it is pointed at Berth's credential proxy with a provider of its own
 * (`-c model_providers.berth…`, the Responses API, key from OPENAI_API_KEY, the session's stand-in).
 * Without an OpenAI credential in Berth (no OPENAI_BASE_URL in the session), codex runs as it is.
 */
export const CODEX_VIA_PROXY = [
  'if [ -n "$OPENAI_BASE_URL" ]; then',
  '  exec codex -c model_provider=berth -c model_providers.berth.name=Berth -c "model_providers.berth.base_url=\\"$OPENAI_BASE_URL\\"" \\',
  '    -c model_providers.berth.env_key=OPENAI_API_KEY -c model_providers.berth.wire_api=responses "$@"',
  'fi',
  'exec codex "$@"',
].join('\n');

/** Where a claude-code session finds its stand-in for Anthropic (see CLAUDE_KEY_SETTINGS). */
export const CLAUDE_TOKEN_ENV = 'BERTH_ANTHROPIC_TOKEN';

/** Seconds Claude Code gives a Berth hook (the hook program gives up after 1 s on its own). */
const CLAUDE_HOOK_TIMEOUT_S = 5;

/**
 * Berth's hooks for Claude Code: every event in CLAUDE_HOOK_EVENTS runs the session's hook program
 * (BERTH_HOOK_PROGRAM, which posts the event to Berth; `sh` so no exec bit is needed, /dev/null when
 * there is none). Tool events match every tool.
 */
const CLAUDE_HOOKS = Object.fromEntries(
  CLAUDE_HOOK_EVENTS.map((event) => [
    event,
    [{ ...(event === 'PreToolUse' ? { matcher: '*' } : {}), hooks: [{ type: 'command', command: `sh "$\{${HOOK_PROGRAM_ENV}:-/dev/null}"`, timeout: CLAUDE_HOOK_TIMEOUT_S }] }],
  ]),
);

/** Claude Code's extra settings when Berth gives no key: only the hooks (see CLAUDE_KEY_SETTINGS). */
export const CLAUDE_HOOK_SETTINGS = JSON.stringify({ hooks: CLAUDE_HOOKS });

/**
 * Claude Code's extra settings for one run (`--settings`, merged over the user's own; no file of theirs
 * is touched): `apiKeyHelper`, the documented way to hand it a key, is a command that prints the stand-in
 * from the environment, so the key is in no argv and no file. `printf %s` is a builtin of every sh
 * (busybox's too) and adds no newline. Berth's hooks come with it.
 */
export const CLAUDE_KEY_SETTINGS = JSON.stringify({ apiKeyHelper: `printf %s "$${CLAUDE_TOKEN_ENV}"`, hooks: CLAUDE_HOOKS });

/**
 * The start of Claude Code's wrapper: with a stand-in from Berth, the helper settings go first and
 * ANTHROPIC_API_KEY goes (an image may set one: it would be asked about and win over the helper).
 * Without one (no Anthropic credential in Berth), Claude Code runs with the user's own login, and
 * Berth's hooks when the session has a hook program. The JSON sits in sh single quotes (it has none).
 */
const CLAUDE_KEY = [
  `if [ -n "$${CLAUDE_TOKEN_ENV}" ]; then`,
  '  unset ANTHROPIC_API_KEY',
  `  set -- --settings '${CLAUDE_KEY_SETTINGS}' "$@"`,
  `elif [ -n "$${HOOK_PROGRAM_ENV}" ]; then`,
  `  set -- --settings '${CLAUDE_HOOK_SETTINGS}' "$@"`,
  'fi',
];

/** Claude Code started (a new conversation or none): the key settings, then its arguments. */
export const CLAUDE_START = [...CLAUDE_KEY, 'exec claude "$@"'].join('\n');

/**
 * Claude Code on a restart: `--resume <id>` when the conversation was saved (its transcript exists,
 * `<config dir>/projects/<project>/<id>.jsonl`), else a start with the same id and the prompt: an agent
 * that quit before its first message has nothing to resume, and `--resume` would exit with "No
 * conversation found" on every restart. Checked where the agent runs (its HOME, a container's too).
 * Arguments: the id, the prompt, then the other flags.
 */
export const CLAUDE_RESUME = [
  'id=$1; prompt=$2; shift 2',
  ...CLAUDE_KEY,
  'for f in "${CLAUDE_CONFIG_DIR:-$HOME/.claude}"/projects/*/"$id".jsonl; do',
  '  if [ -e "$f" ]; then exec claude --resume "$id" "$@"; fi',
  'done',
  'if [ -n "$prompt" ]; then set -- "$@" "$prompt"; fi',
  'exec claude --session-id "$id" "$@"',
].join('\n');

/** Claude Code's argv: a new conversation with Berth's id (or none), or the resume script above. */
function claudeCommand(req: LaunchRequest): string[] {
  const model = withModel('--model', req.model);
  const c = req.conversation;
  if (c?.resume) return ['sh', '-c', CLAUDE_RESUME, 'claude', c.id, req.prompt, ...model];
  const id = c ? ['--session-id', c.id] : [];
  return ['sh', '-c', CLAUDE_START, 'claude', ...withPrompt([...id, ...model], req.prompt)];
}

/** Gemini CLI's argv; resume flags from its documentation (the CLI is not installed here to check). */
function geminiCommand(req: LaunchRequest): string[] {
  const c = req.conversation;
  const base = ['gemini', ...withModel('--model', req.model)];
  if (c?.resume) return [...base, '--resume', c.id];
  const withId = c ? [...base, '--session-id', c.id] : base;
  return req.prompt.trim() ? [...withId, '--prompt-interactive', req.prompt] : withId;
}

/** Why codex does not resume (see the codex profile). */
const CODEX_NO_RESUME =
  'codex names no session at start (its id is its own), and `codex resume --last` picks by working directory, where ' +
  "Codex counts sibling worktrees of one repository as the same project (openai/codex#47485): a restart could continue another session's conversation";

const PROFILES: readonly Profile[] = [
  {
    id: 'shell',
    name: 'Shell',
    description: 'An interactive shell; the prompt is a command line run in it, and the shell stays open.',
    executable: null,
    installHint: null,
    supportsModel: false,
    resumes: { no: 'a shell has no conversation' },
    build: (req) => ok({ command: [req.shell, '-i'], initialInput: typed(req.prompt) }),
  },
  {
    id: 'claude-code',
    name: 'Claude Code',
    description: "Anthropic's coding agent CLI.",
    executable: 'claude',
    installHint: 'npm install -g @anthropic-ai/claude-code',
    supportsModel: true,
    resumes: true,
    keyHandOver: { variable: 'ANTHROPIC_API_KEY', via: CLAUDE_TOKEN_ENV },
    build: (req) => ok({ command: claudeCommand(req), initialInput: null }),
  },
  {
    id: 'codex',
    name: 'Codex',
    description: "OpenAI's coding agent CLI.",
    executable: 'codex',
    installHint: 'npm install -g @openai/codex',
    supportsModel: true,
    resumes: { no: CODEX_NO_RESUME },
    build: (req) => ok({ command: ['sh', '-c', CODEX_VIA_PROXY, 'codex', ...withPrompt(withModel('--model', req.model), req.prompt)], initialInput: null }),
  },
  {
    id: 'gemini',
    name: 'Gemini CLI',
    description: "Google's Gemini coding agent CLI.",
    executable: 'gemini',
    installHint: 'npm install -g @google/gemini-cli',
    supportsModel: true,
    resumes: true,
    build: (req) => ok({ command: geminiCommand(req), initialInput: null }),
  },
  {
    id: 'aider',
    name: 'aider',
    description: 'AI pair programming in the terminal.',
    executable: 'aider',
    installHint: 'pipx install aider-chat',
    supportsModel: true,
    resumes: { no: 'aider keeps its chat history per directory (.aider.chat.history.md), not per id' },
    build: (req) => ok({ command: ['aider', ...withModel('--model', req.model)], initialInput: typed(req.prompt) }),
  },
  {
    id: 'custom',
    name: 'Custom command',
    description: 'Any command; {prompt} and {model} in the template are replaced, one argument each.',
    executable: null,
    installHint: null,
    supportsModel: true,
    resumes: { no: 'Berth knows nothing of a custom command\'s conversations' },
    build: (req) => {
      if (!req.template) return err('bad_request', 'the custom agent needs a command template (e.g. "my-agent --model {model} {prompt}")');
      const parts = splitCommandLine(req.template);
      if (!parts.ok) return parts;
      if (parts.value.length === 0) return err('bad_request', 'the command template is empty');
      const command = parts.value.map((p) => p.replaceAll('{prompt}', req.prompt).replaceAll('{model}', req.model ?? ''));
      return ok({ command, initialInput: null });
    },
  },
];

/** The user's shell: $SHELL when it exists, else bash, else sh. */
export function defaultShell(env: NodeJS.ProcessEnv = process.env): string {
  for (const candidate of [env.SHELL, 'bash', 'sh']) {
    if (candidate && findExecutable(candidate, env.PATH)) return candidate;
  }
  return '/bin/sh';
}

/** In a container: the image's shell. */
const CONTAINER_SHELL = 'sh';
const CONTAINER_SHELL_COMMAND = ['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash -i || exec sh -i'];

/** Agent profiles with availability checked against PATH. */
export class AgentCatalog {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  list(): AgentProfileDto[] {
    return PROFILES.map((p) => this.describe(p));
  }

  /** Whether agent `id` continues a conversation Berth names on a restart. */
  resumes(id: AgentId): boolean {
    return PROFILES.find((p) => p.id === id)?.resumes === true;
  }

  /**
   * The agent's environment as it takes provider keys: a key its profile hands over (KeyHandOver) moves
   * to the variable the agent's wrapper reads, and its usual variable is listed to remove (a local
   * agent must not inherit it either).
   */
  agentEnv(id: AgentId, env: Record<string, string>): { env: Record<string, string>; remove: string[] } {
    const handOver = PROFILES.find((p) => p.id === id)?.keyHandOver;
    if (!handOver || env[handOver.variable] === undefined) return { env, remove: [] };
    const { [handOver.variable]: key, ...rest } = env;
    return { env: { ...rest, [handOver.via]: key! }, remove: [handOver.variable] };
  }

  /**
   * Builds the launch for `id`, or says why the agent can't run here. `onHost: false` (containers):
   * the agent runs in an image, so this machine's PATH says nothing about it and the shell is the
   * image's (bash when it has one, else sh).
   */
  launch(id: AgentId, req: Omit<LaunchRequest, 'shell'>, onHost = true): Result<AgentLaunch> {
    const profile = PROFILES.find((p) => p.id === id);
    if (!profile) return err('bad_request', `unknown agent "${id}"`);
    const dto = this.describe(profile);
    if (onHost && !dto.available) return err('agent_unavailable', `${dto.name} is unavailable: ${dto.reason}`);
    const built = profile.build({ ...req, shell: onHost ? defaultShell(this.env) : CONTAINER_SHELL });
    if (!built.ok) return built;
    if (!onHost && id === 'shell') built.value.command = CONTAINER_SHELL_COMMAND;
    const exe = built.value.command[0]!;
    if (onHost && id === 'custom' && !findExecutable(exe, this.env.PATH)) {
      return err('agent_unavailable', `the custom command "${exe}" was not found on PATH`);
    }
    return built;
  }

  private describe(p: Profile): AgentProfileDto {
    const found = p.executable ? findExecutable(p.executable, this.env.PATH) : 'n/a';
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      executable: p.executable,
      available: found !== null,
      reason: found === null ? `${p.executable} was not found on PATH (install: ${p.installHint})` : null,
      supportsModel: p.supportsModel,
    };
  }
}
