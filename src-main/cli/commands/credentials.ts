/**
 * `berth credentials set|list|delete|unlock|reset`: the orchestrator's credential vault from the command
 * line.
 *
 * A typed value is read from stdin, never from argv (argv shows in `ps` and shell history): typed at a
 * hidden prompt when stdin is a terminal, otherwise piped in. Nothing this command prints contains it.
 * A locked vault (its key can't be unwrapped here) is shown with the reason and the fix; `unlock` tries
 * again, `reset` starts an empty vault and keeps the old file as a backup.
 */
import { Option, type Command } from 'commander';
import type { z } from 'zod';
import {
  CredentialKind,
  CredentialName,
  CredentialSource,
  EnvVariableName,
  MAX_CREDENTIAL_VALUE_BYTES,
  utf8ByteLength,
  type CredentialDto,
  type CredentialListDto,
  type VaultStatusDto,
} from '../../../src-shared/credentials.js';
import { assertNever } from '../../../src-shared/result.js';
import { defineAction, firstArg, type RunState } from '../command-kit.js';
import { CliError, EXIT_ERROR, UsageError, type CliContext } from '../context.js';
import { formatAge, formatTable } from '../text-table.js';

/** Placeholder for an absent value in the table. */
const NONE = '-';
/** Longest command text shown in the SOURCE column before it is cut with an ellipsis. */
const MAX_SHOWN_COMMAND_CHARS = 40;
/** Keys of the hidden prompt (raw mode delivers them as these control characters). */
const KEY_CTRL_C = '\x03';
const KEY_CTRL_D = '\x04';
const KEY_BACKSPACE = '\x7f';
const KEY_CTRL_H = '\b';
const KEY_CTRL_U = '\x15';
const KEY_ESCAPE = '\x1b';
/** Below this code point a character is a control character, ignored at the prompt. */
const FIRST_PRINTABLE = 0x20;

/**
 * Name fragments that suggest a kind, checked in order. `gh` must be a whole dash/underscore-separated
 * word (it is too short to match inside one).
 */
const KIND_HINTS: readonly { kind: CredentialKind; fragments: readonly string[]; words: readonly string[] }[] = [
  { kind: 'anthropic-api-key', fragments: ['anthropic'], words: [] },
  { kind: 'openai', fragments: ['openai'], words: [] },
  { kind: 'gemini', fragments: ['gemini', 'google'], words: [] },
  { kind: 'github', fragments: ['github'], words: ['gh'] },
  { kind: 'npm', fragments: ['npm'], words: [] },
];

const SET_HELP = `
The value:
  typed      (default) read from stdin: at a hidden prompt when stdin is a terminal (Enter ends,
             Ctrl-C aborts), otherwise all of stdin, minus one trailing newline. Never from argv.
             e.g.  printf %s "$KEY" | berth credentials set anthropic
  --from-env VAR       read from VAR in the orchestrator's environment (\`berth serve\` or the desktop
                       app, not this shell) each time it is used
  --from-command CMD   run CMD with /bin/sh -c when used (e.g. 'op read op://vault/item/field'); its
                       trimmed output is the value

Without --kind the kind is guessed from NAME: anthropic → anthropic-api-key, openai → openai,
gemini/google → gemini, github/gh → github, npm → npm, anything else → custom.

Exit codes: 0 ok, 1 error (no orchestrator, empty value, aborted), 2 usage error.`;

interface SetOptions {
  kind?: CredentialKind;
  fromEnv?: string;
  fromCommand?: string;
}

interface JsonOption {
  json?: boolean;
}

/** Registers `credentials set|list|delete` on `program`. */
export function registerCredentialCommands(program: Command, state: RunState): void {
  const credentials = program
    .command('credentials')
    .description('manage the credentials the proxy injects for agents (values are write-only)')
    .addHelpText('after', '\nExit codes: 0 ok, 1 error, 2 usage error.');

  defineAction<SetOptions>(
    credentials
      .command('set')
      .description('add or replace a credential (a typed value is read from stdin, never from arguments)')
      .argument('<name>', 'credential name: lowercase letters, digits, dashes and underscores')
      .addOption(new Option('--kind <kind>', 'what the credential is for (default: guessed from the name)').choices(CredentialKind.options))
      .addOption(new Option('--from-env <var>', "read the value from this variable of the orchestrator's environment").conflicts('fromCommand'))
      .addOption(new Option('--from-command <cmd>', 'run this shell command to get the value when it is used').conflicts('fromEnv'))
      .addHelpText('after', SET_HELP),
    state,
    setCredential,
  );

  defineAction<JsonOption>(
    credentials
      .command('list')
      .alias('ls')
      .description('list credentials (masked), their source, last use and last error, what protects the vault, and whether it is locked')
      .option('--json', 'print {credentials, protection, warning, vault} as JSON'),
    state,
    async (ctx, _args, opts) => {
      const listed = await ctx.call('credentials.list', {});
      if (opts.json) {
        ctx.json(listed);
        return;
      }
      for (const line of formatCredentialList(listed)) ctx.out(line);
    },
  );

  defineAction<unknown>(
    credentials
      .command('unlock')
      .description('try again to unlock a locked vault (after starting the keyring or restoring the key file)')
      .addHelpText('after', '\nExit codes: 0 unlocked, 1 still locked (the reason and the fix are printed).'),
    state,
    async (ctx) => {
      const status = await ctx.call('credentials.unlock', {});
      if (status.locked === null) {
        ctx.out('The vault is unlocked.');
        return;
      }
      for (const line of formatLock(status)) ctx.out(line);
      return EXIT_ERROR;
    },
  );

  defineAction<{ yes?: boolean }>(
    credentials
      .command('reset')
      .description('only for a locked vault whose key is lost: start an empty vault, keeping the old file as a backup')
      .option('--yes', 'confirm: every stored credential must be set again'),
    state,
    async (ctx, _args, opts) => {
      if (!opts.yes) throw new UsageError('reset starts an empty vault (the old file is kept as a backup, but its credentials must be set again); pass --yes to confirm');
      const reset = await ctx.call('credentials.reset', { confirm: true });
      ctx.out(reset.backup === null ? 'There was no vault file; the vault is empty.' : `The old vault file is kept as ${reset.backup}; the vault is empty now.`);
    },
  );

  defineAction<unknown>(
    credentials.command('delete').alias('rm').description('delete a credential').argument('<name>', 'credential name'),
    state,
    async (ctx, args) => {
      const name = parseName(firstArg(args));
      await ctx.call('credentials.delete', { name });
      ctx.out(`deleted ${name}`);
    },
  );
}

/** `credentials set`: checks everything it can before asking for a value, then sends it once. */
async function setCredential(ctx: CliContext, args: string[], opts: SetOptions): Promise<void> {
  const name = parseName(firstArg(args));
  const source = parseSource(opts);
  let kind = opts.kind;
  if (kind === undefined) {
    kind = guessCredentialKind(name);
    ctx.io.stderr.write(`kind: ${kind} (guessed from the name; use --kind to choose)\n`);
  }
  // Fail on a missing orchestrator before anyone types a secret.
  ctx.endpoint();
  const value = source.type === 'value' ? await readValue(name, ctx.io.stderr) : undefined;
  const stored = await ctx.call('credentials.set', { name, kind, source, ...(value === undefined ? {} : { value }) });
  ctx.out(formatSetResult(stored));
}

function parseName(text: string): string {
  const parsed = CredentialName.safeParse(text);
  if (!parsed.success) throw new UsageError(`credential name '${text}': ${issueMessages(parsed.error)}`);
  return parsed.data;
}

/** A one-field schema's complaints, without zod's "input:" prefix. */
function issueMessages(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}

function parseSource(opts: SetOptions): CredentialSource {
  if (opts.fromEnv !== undefined) {
    const variable = EnvVariableName.safeParse(opts.fromEnv);
    if (!variable.success) throw new UsageError(`--from-env '${opts.fromEnv}': ${issueMessages(variable.error)}`);
    return { type: 'env', variable: variable.data };
  }
  if (opts.fromCommand !== undefined) {
    const source = CredentialSource.safeParse({ type: 'command', command: opts.fromCommand });
    if (!source.success) throw new UsageError(`--from-command: ${issueMessages(source.error)}`);
    return source.data;
  }
  return { type: 'value' };
}

/** The kind a credential name suggests (see KIND_HINTS); `custom` when none does. */
export function guessCredentialKind(name: string): CredentialKind {
  const lower = name.toLowerCase();
  const words = lower.split(/[-_]/);
  for (const hint of KIND_HINTS) {
    if (hint.fragments.some((f) => lower.includes(f)) || hint.words.some((w) => words.includes(w))) return hint.kind;
  }
  return 'custom';
}

/** Where a credential's value comes from, for people: `typed`, `env VAR` or `command <text>`. */
export function describeCredentialSource(source: CredentialSource, maxCommandChars = Number.POSITIVE_INFINITY): string {
  switch (source.type) {
    case 'value':
      return 'typed';
    case 'env':
      return `env ${source.variable}`;
    case 'command': {
      const chars = [...source.command];
      return `command ${chars.length > maxCommandChars ? `${chars.slice(0, maxCommandChars - 1).join('')}…` : source.command}`;
    }
    default:
      return assertNever(source);
  }
}

/** `set NAME (kind) ••••abcd`, or the source when its value has not been resolved yet. */
export function formatSetResult(c: CredentialDto): string {
  return `set ${c.name} (${c.kind}) ${c.masked ?? `${describeCredentialSource(c.source)} (read when used)`}`;
}

/** `credentials list` as text: the table, then the vault's protection, or its lock with the reason and the fix. */
export function formatCredentialList(listed: CredentialListDto, now = Date.now()): string[] {
  const lines = [listed.credentials.length === 0 ? 'No credentials.' : formatCredentialTable(listed.credentials, now), ''];
  if (listed.vault.locked !== null) return [...lines, ...formatLock(listed.vault)];
  lines.push(`protection: ${listed.protection}`);
  if (listed.warning !== null) lines.push(`warning: ${listed.warning}`);
  return lines;
}

/** A locked vault: what it means, why, and what to do. */
function formatLock(status: VaultStatusDto): string[] {
  if (status.locked === null) return [];
  return [
    `LOCKED: the vault ${status.file} can't be unlocked here; its credentials are not used and can't be changed.`,
    `reason: ${status.locked.reason}`,
    `fix: ${status.locked.fix}`,
  ];
}

/** The `credentials list` table. */
export function formatCredentialTable(credentials: readonly CredentialDto[], now = Date.now()): string {
  const rows = credentials.map((c) => [
    c.name,
    c.kind,
    describeCredentialSource(c.source, MAX_SHOWN_COMMAND_CHARS),
    c.masked ?? NONE,
    c.lastUsedAt === null ? 'never' : `${formatAge(now - c.lastUsedAt)} ago`,
    c.lastError ?? NONE,
  ]);
  return formatTable(['NAME', 'KIND', 'SOURCE', 'MASKED', 'LAST USED', 'LAST ERROR'], rows);
}

/** The typed value: from a hidden prompt on a terminal, else all of stdin. Never empty, never too long. */
async function readValue(name: string, prompt: NodeJS.WritableStream): Promise<string> {
  const { stdin } = process;
  const value = stdin.isTTY ? await readHiddenLine(stdin, prompt, `Value for ${name}: `) : await readAllInput(stdin, MAX_CREDENTIAL_VALUE_BYTES);
  if (value === '') {
    throw new CliError(
      stdin.isTTY
        ? 'no value entered; nothing was stored'
        : `stdin is empty; pipe the value in (e.g. printf %s "$KEY" | berth credentials set ${name}) or run this in a terminal to type it`,
    );
  }
  if (utf8ByteLength(value) > MAX_CREDENTIAL_VALUE_BYTES) throw new CliError(`the value is longer than ${MAX_CREDENTIAL_VALUE_BYTES} bytes`);
  return value;
}

/**
 * All of `input` as UTF-8 with one trailing newline (`\n` or `\r\n`) removed. Reads at most
 * `maxBytes` plus that newline; more is an error (whose message never quotes the input).
 */
export async function readAllInput(input: NodeJS.ReadableStream, maxBytes: number): Promise<string> {
  // Room for the trailing "\r\n" that is stripped.
  const limit = maxBytes + 2;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    size += buffer.length;
    if (size > limit) throw new CliError(`the value on stdin is longer than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

/** A terminal input stream (process.stdin when it is a TTY). */
export interface RawInput extends NodeJS.ReadableStream {
  setRawMode(mode: boolean): unknown;
}

/**
 * Prompts on `output` and reads one line from the terminal `input` in raw mode, so nothing is echoed.
 *
 * Enter (or Ctrl-D after some text) ends it; Backspace deletes a character, Ctrl-U the whole line;
 * escape sequences (arrow keys) and other control characters are ignored; Ctrl-C, or Ctrl-D or the end
 * of input on an empty line, aborts with a `CliError`. Raw mode is switched off however it ends.
 */
export function readHiddenLine(input: RawInput, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    /** Inside an escape sequence: 'esc' after ESC, 'csi' after ESC [ or ESC O until its final byte. */
    let escape: 'none' | 'esc' | 'csi' = 'none';
    let settled = false;
    const restoreRaw = () => input.setRawMode(false);
    const finish = (outcome: { value: string } | { error: CliError }) => {
      if (settled) return;
      settled = true;
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
      restoreRaw();
      process.off('exit', restoreRaw);
      output.write('\n');
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const abort = () => finish({ error: new CliError('aborted; nothing was stored') });
    const onKey = (ch: string) => {
      if (escape === 'esc') {
        escape = ch === '[' || ch === 'O' ? 'csi' : 'none';
        return;
      }
      if (escape === 'csi') {
        // A CSI sequence ends with a byte in @..~ (0x40–0x7e).
        if (ch >= '@' && ch <= '~') escape = 'none';
        return;
      }
      if (ch === '\r' || ch === '\n') finish({ value: chars.join('') });
      else if (ch === KEY_CTRL_C) abort();
      else if (ch === KEY_CTRL_D) endOfInput();
      else if (ch === KEY_BACKSPACE || ch === KEY_CTRL_H) chars.pop();
      else if (ch === KEY_CTRL_U) chars = [];
      else if (ch === KEY_ESCAPE) escape = 'esc';
      else if ((ch.codePointAt(0) ?? 0) >= FIRST_PRINTABLE) chars.push(ch);
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (settled) return;
        onKey(ch);
      }
    };
    /** Ctrl-D or the end of input: ends a line with text, aborts an empty one. */
    const endOfInput = () => {
      if (chars.length === 0) abort();
      else finish({ value: chars.join('') });
    };
    const onEnd = endOfInput;
    const onError = (e: Error) => finish({ error: new CliError(`cannot read the terminal: ${e.message}`) });

    // Echo goes off before the prompt shows, so nothing typed after it can be echoed.
    input.setRawMode(true);
    // A crash mid-prompt must not leave the terminal without echo.
    process.on('exit', restoreRaw);
    output.write(prompt);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}
