/**
 * Session commands: create (with Docker options), list, status, stop, restart, archive, unarchive, sync,
 * delete, and `open`.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CreateSessionParams, type MethodName } from '../../../src-shared/contract.js';
import { AgentId, BackendId, SessionName, type SessionDto } from '../../../src-shared/dto.js';
import { describeZodError } from '../../../src-shared/result.js';
import { defineAction, firstArg, type RunState } from '../command-kit.js';
import { CliError, EXIT_ERROR, UsageError, type CliContext } from '../context.js';
import { describeState, formatSessionTable, formatStatus } from '../format.js';
import { addDockerCreateOptions, parseDockerCreateOptions, type DockerCliOptions } from './docker-options.js';

/** How often `create --wait` polls the session. */
const WAIT_POLL_MS = 100;
/** How long `create --wait` waits for first output before giving up (image pulls can be slow). */
const WAIT_TIMEOUT_MS = 120_000;

interface CreateOptions extends DockerCliOptions {
  repo: string;
  agent: string;
  backend: string;
  prompt: string;
  model?: string;
  name?: string;
  base?: string;
  command?: string;
  wait?: boolean;
  json?: boolean;
}

interface JsonOption {
  json?: boolean;
}

/** Registers the session commands on `program`. */
export function registerSessionCommands(program: Command, state: RunState): void {
  defineAction<CreateOptions>(
    addDockerCreateOptions(
      program
        .command('create')
        .description('create a session: an agent running in its own git worktree')
        .requiredOption('--repo <path>', 'git repository to work on (relative to the current directory)')
        .addOption(new Option('--agent <id>', 'agent to run').choices(AgentId.options).makeOptionMandatory())
        .addOption(new Option('--backend <id>', 'where the agent runs').choices(BackendId.options).default('local'))
        .option('--prompt <text>', "the task for the agent (for the shell agent: a command line it runs)", '')
        .option('--model <model>', 'model for agents that take one')
        .option('--name <name>', 'session name: lowercase letters, digits and dashes (default: derived from the prompt)')
        .option('--base <branch>', "branch to start from (default: the repository's current branch)")
        .option('--command <template>', 'command for --agent custom; {prompt} and {model} are replaced, one argument each')
        .option('--wait', 'wait until the agent prints its first output (or the session fails)')
        .option('--json', 'print the session as JSON'),
    ),
    state,
    createSession,
  );

  defineAction<JsonOption & { archived?: boolean }>(
    program
      .command('list')
      .alias('ls')
      .description('list sessions')
      .option('--archived', 'list archived sessions')
      .option('--json', 'print a JSON array'),
    state,
    async (ctx, _args, opts) => {
      const sessions = await ctx.call('sessions.list', opts.archived ? { archived: true } : {});
      if (opts.json) ctx.json(sessions);
      else if (sessions.length === 0) ctx.out(opts.archived ? 'No archived sessions.' : 'No sessions.');
      else ctx.out(formatSessionTable(sessions));
    },
  );

  defineAction<JsonOption>(
    program
      .command('status')
      .description("show a session's details, exit code, phase timings and state transitions")
      .argument('<name>', 'session name or id')
      .option('--json', 'print {session, events} as JSON'),
    state,
    async (ctx, args, opts) => {
      const ref = firstArg(args);
      const session = await ctx.call('sessions.get', { ref });
      const events = await ctx.call('sessions.events', { ref: session.id });
      if (opts.json) ctx.json({ session, events });
      else ctx.out(formatStatus(session, events));
    },
  );

  simpleCommand(program, state, 'stop', 'sessions.stop', 'stop a session (its worktree is kept)', 'stopped');
  defineAction<JsonOption & { fresh?: boolean }>(
    program
      .command('restart')
      .description("restart a session's agent in the same worktree, continuing its conversation (Claude Code, Gemini CLI)")
      .argument('<name>', 'session name or id')
      .option('--fresh', 'start a new conversation (the prompt is sent again) instead of continuing the last one')
      .option('--json', 'print the session as JSON'),
    state,
    async (ctx, args, opts) => {
      const session = await ctx.call('sessions.restart', { ref: firstArg(args), fresh: opts.fresh === true });
      if (opts.json) ctx.json(session);
      else ctx.out(`restarted ${session.name}${restartedHow(session, opts.fresh === true)}: ${describeState(session)}`);
    },
  );
  simpleCommand(program, state, 'archive', 'sessions.archive', 'archive a session (stops it; hidden from `list`)', 'archived');
  simpleCommand(program, state, 'unarchive', 'sessions.unarchive', 'bring an archived session back to `list`', 'unarchived');
  simpleCommand(program, state, 'sync', 'sessions.sync', "copy a stopped session's changes not synced back (a Docker volume's) to its worktree", 'synced');

  defineAction<JsonOption & { force?: boolean }>(
    program
      .command('delete')
      .alias('rm')
      .description('delete a session, its worktree and its branch')
      .argument('<name>', 'session name or id')
      .option('-f, --force', 'delete even if the worktree has uncommitted changes')
      .option('--json', 'print {id} as JSON'),
    state,
    async (ctx, args, opts) => {
      const ref = firstArg(args);
      try {
        const result = await ctx.call('sessions.delete', { ref, force: opts.force === true });
        if (opts.json) ctx.json(result);
        else ctx.out(`deleted ${ref}`);
      } catch (e) {
        if (e instanceof CliError && e.code === 'worktree_dirty' && !e.message.includes('--force')) {
          throw new CliError(`${e.message} (\`berth delete --force ${ref}\`)`, EXIT_ERROR, e.code);
        }
        throw e;
      }
    },
  );

  defineAction<JsonOption>(
    program
      .command('open')
      .description('print a fresh one-time login URL for the web UI')
      .option('--json', 'print {url} as JSON'),
    state,
    async (ctx, _args, opts) => {
      const result = await ctx.call('auth.loginUrl', {});
      if (opts.json) ctx.json(result);
      else ctx.out(result.url);
    },
  );

  defineAction<JsonOption>(
    program
      .command('logout')
      .description('end every browser login to the web UI (their tabs need a new link from `berth open`)')
      .option('--json', 'print {revoked} as JSON'),
    state,
    async (ctx, _args, opts) => {
      const result = await ctx.call('auth.logout', {});
      if (opts.json) ctx.json(result);
      else ctx.out(`ended ${result.revoked} browser login${result.revoked === 1 ? '' : 's'}`);
    },
  );
}

/** How a restart went on with the agent's conversation, for its one-line answer. */
function restartedHow(s: SessionDto, fresh: boolean): string {
  if (s.conversationId === null) return '';
  return fresh ? ` (new conversation ${s.conversationId})` : ` (continuing conversation ${s.conversationId})`;
}

type SimpleMethod = Extract<MethodName, 'sessions.stop' | 'sessions.archive' | 'sessions.unarchive' | 'sessions.sync'>;

/** A command that takes a session ref, calls one method and prints the resulting state. */
function simpleCommand(program: Command, state: RunState, name: string, method: SimpleMethod, description: string, done: string): void {
  defineAction<JsonOption>(
    program
      .command(name)
      .description(description)
      .argument('<name>', 'session name or id')
      .option('--json', 'print the session as JSON'),
    state,
    async (ctx, args, opts) => {
      const session = await ctx.call(method, { ref: firstArg(args) });
      if (opts.json) ctx.json(session);
      else ctx.out(`${done} ${session.name}: ${describeState(session)}`);
    },
  );
}

async function createSession(ctx: CliContext, _args: string[], opts: CreateOptions): Promise<number | void> {
  if (opts.name !== undefined) {
    const name = SessionName.safeParse(opts.name);
    if (!name.success) throw new UsageError(`--name: ${describeZodError(name.error)}`);
  }
  if (opts.agent === 'custom' && opts.command === undefined) {
    throw new UsageError('--agent custom needs --command "<template>" (e.g. "my-agent --model {model} {prompt}")');
  }
  if (opts.agent !== 'custom' && opts.command !== undefined) {
    throw new UsageError('--command is only for --agent custom');
  }
  const docker = parseDockerCreateOptions(opts, opts.backend);
  const parsed = CreateSessionParams.safeParse({
    repoPath: path.resolve(ctx.io.cwd, opts.repo),
    agent: opts.agent,
    backend: opts.backend,
    prompt: opts.prompt,
    model: opts.model,
    name: opts.name,
    baseBranch: opts.base,
    command: opts.command,
    docker,
  });
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error));

  let session = await ctx.call('sessions.create', parsed.data);
  if (opts.wait) session = await waitForFirstOutput(ctx, session);
  if (opts.json) ctx.json(session);
  else ctx.out(`created ${session.name} (${session.id}): ${describeState(session)}`);
  if (session.state === 'failed') return EXIT_ERROR;
}

/** Polls until the session has printed something, ended, or the wait times out. */
async function waitForFirstOutput(ctx: CliContext, initial: SessionDto): Promise<SessionDto> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  let session = initial;
  for (;;) {
    if (session.phases.firstOutputMs !== null || session.state === 'exited' || session.state === 'failed') return session;
    if (Date.now() > deadline) {
      throw new CliError(`${session.name} printed nothing within ${WAIT_TIMEOUT_MS / 1000} s (state ${session.state})`);
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    session = await ctx.call('sessions.get', { ref: session.id });
  }
}
