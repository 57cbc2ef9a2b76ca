/**
 * `berth credentials` against a real orchestrator: typed values from a pipe and from a real pty (hidden
 * prompt), env and command sources, delete, and usage errors. A random canary value must never show in
 * any CLI output nor anywhere in the data dir; a second vault opened on the same files checks what was
 * stored.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialDto } from '../../src-shared/credentials.js';
import { createVaultProtectors } from '../vault/protectors.js';
import { VAULT_FILE, Vault } from '../vault/vault.js';
import { cliArgs, PACKAGE_ROOT, plainLines, runBerth, startTestOrchestrator, waitFor, type RunOutput, type TestOrchestrator } from './cli-test-support.js';
import { guessCredentialKind } from './commands/credentials.js';

/** Variable an env-sourced credential names; set only in the test's own vault environment. */
const ENV_VARIABLE = 'BERTH_TEST_CREDENTIAL_ENV';
/** Size of the test's pty. */
const PTY_COLS = 100;
const PTY_ROWS = 30;
/** Keys typed into the pty. */
const ENTER = '\r';
const BACKSPACE = '\x7f';
const CTRL_C = '\x03';
const ARROW_LEFT = '\x1b[D';

/** A value that appears nowhere unless something leaks it. */
function canary(): string {
  return `canary-${randomBytes(12).toString('hex')}`;
}

/** Every regular file under `dir`. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => path.join(dir, entry))
    .filter((file) => fs.lstatSync(file).isFile());
}

describe('berth credentials', () => {
  let server: TestOrchestrator;
  const typed = canary();
  const typedInPty = canary();
  const envValue = canary();
  /** Everything every CLI run printed, checked for the canaries at the end. */
  const outputs: string[] = [];

  async function berth(args: string[], input?: string): Promise<RunOutput> {
    const res = await runBerth(['credentials', ...args], { home: server.home, ...(input === undefined ? {} : { input }) });
    outputs.push(res.stdout, res.stderr);
    return res;
  }

  async function listJson() {
    const res = await berth(['list', '--json']);
    expect(res.code).toBe(0);
    const parsed = JSON.parse(res.stdout) as { credentials: unknown[]; protection: unknown; warning: unknown };
    expect(typeof parsed.protection).toBe('string');
    return parsed.credentials.map((c) => CredentialDto.parse(c));
  }

  /** What the orchestrator stored, read back by a second vault on the same file and key. */
  async function resolveStored(name: string): Promise<string> {
    const env = { ...process.env, [ENV_VARIABLE]: envValue };
    const opened = await Vault.open({ file: path.join(server.home, VAULT_FILE), protectors: createVaultProtectors({ dir: server.home, env }), env });
    if (opened.locked) throw new Error(opened.locked.reason);
    try {
      const value = await opened.resolve(name);
      if (!value.ok) throw new Error(value.error.message);
      return value.value;
    } finally {
      // Disposed at once: its usage note is never written, so the orchestrator's file stays its own.
      opened.dispose();
    }
  }

  /** Runs `berth credentials set <args>` in a real terminal; resolves with its output and exit code. */
  async function setInPty(args: string[], keys: string[]): Promise<{ output: string; code: number }> {
    const term = pty.spawn(process.execPath, cliArgs(['credentials', 'set', ...args]), {
      name: 'xterm-256color',
      cols: PTY_COLS,
      rows: PTY_ROWS,
      cwd: PACKAGE_ROOT,
      env: { ...process.env, BERTH_HOME: server.home } as Record<string, string>,
    });
    let output = '';
    term.onData((d) => (output += d));
    const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    try {
      await waitFor('the prompt', () => (output.includes(`Value for ${args[0] ?? ''}: `) ? true : undefined));
      for (const key of keys) term.write(key);
      const code = await exited;
      outputs.push(output);
      return { output, code };
    } finally {
      term.kill();
    }
  }

  beforeAll(async () => {
    server = await startTestOrchestrator();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('guesses the kind from the name', () => {
    expect(guessCredentialKind('anthropic')).toBe('anthropic-api-key');
    expect(guessCredentialKind('work-openai')).toBe('openai');
    expect(guessCredentialKind('google-ai')).toBe('gemini');
    expect(guessCredentialKind('gemini_2')).toBe('gemini');
    expect(guessCredentialKind('github-pat')).toBe('github');
    expect(guessCredentialKind('gh')).toBe('github');
    expect(guessCredentialKind('my_gh_token')).toBe('github');
    expect(guessCredentialKind('highlight')).toBe('custom');
    expect(guessCredentialKind('npm-publish')).toBe('npm');
    expect(guessCredentialKind('stripe')).toBe('custom');
  });

  it('set reads a piped value from stdin, strips one newline, says the guessed kind and prints it masked', async () => {
    const res = await berth(['set', 'anthropic-main'], `${typed}\n`);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('kind: anthropic-api-key (guessed from the name; use --kind to choose)\n');
    expect(res.stdout).toBe(`set anthropic-main (anthropic-api-key) ••••${typed.slice(-4)}\n`);
    expect(await resolveStored('anthropic-main')).toBe(typed);
  });

  it('list shows the credential masked, its source, and what protects the vault', async () => {
    const res = await berth(['list']);
    expect(res.code).toBe(0);
    const lines = plainLines(res.stdout);
    expect(lines[0]).toMatch(/^NAME\s+KIND\s+SOURCE\s+MASKED\s+LAST USED\s+LAST ERROR$/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^anthropic-main\\s+anthropic-api-key\\s+typed\\s+••••${typed.slice(-4)}\\s+never\\s+-$`)));
    expect(res.stdout).toMatch(/^protection: \S.*$/m);

    const [stored] = await listJson();
    expect(stored).toMatchObject({ name: 'anthropic-main', kind: 'anthropic-api-key', source: { type: 'value' }, masked: `••••${typed.slice(-4)}` });
  });

  it('set --from-env stores the variable name, not a value', async () => {
    const res = await berth(['set', 'openai-env', '--from-env', ENV_VARIABLE]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`set openai-env (openai) env ${ENV_VARIABLE} (read when used)\n`);
    const list = await berth(['list']);
    expect(plainLines(list.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^openai-env\\s+openai\\s+env ${ENV_VARIABLE}\\s+-\\s+never\\s+-$`)));
    expect(await resolveStored('openai-env')).toBe(envValue);
  });

  it('set --from-command stores the command; --kind skips the guess', async () => {
    const res = await berth(['set', 'registry', '--kind', 'npm', '--from-command', 'printf x']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('set registry (npm) command printf x (read when used)\n');
    expect((await listJson()).find((c) => c.name === 'registry')).toMatchObject({ kind: 'npm', source: { type: 'command', command: 'printf x' }, masked: null });
    expect(await resolveStored('registry')).toBe('x');
  });

  it('delete removes a credential', async () => {
    const res = await berth(['delete', 'registry']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('deleted registry\n');
    expect((await listJson()).map((c) => c.name)).toEqual(['anthropic-main', 'openai-env']);
  });

  it('delete of an unknown name exits 1 naming it', async () => {
    const res = await berth(['delete', 'no-such-key']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe('berth: no credential named "no-such-key"\n');
  });

  it.each([
    [['set', 'both', '--from-env', 'X', '--from-command', 'printf x'], /^berth: option '--from-env <var>' cannot be used with option '--from-command <cmd>'\n$/],
    [['set', 'Bad Name'], /^berth: credential name 'Bad Name': use lowercase/],
    [['set', 'bad-env', '--from-env', '1X'], /^berth: --from-env '1X': use letters/],
    [['set', 'bad-kind', '--kind', 'aws'], /'aws' is invalid/],
    [['set', 'blank-command', '--from-command', '  '], /^berth: --from-command: the command is empty/],
    [['delete', '../x'], /^berth: credential name '\.\.\/x'/],
  ])('%j is a usage error (exit 2) and stores nothing', async (args, message) => {
    const res = await berth(args, 'unused-value\n');
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
    expect((await listJson()).map((c) => c.name)).toEqual(['anthropic-main', 'openai-env']);
  });

  it('an empty piped value (or a lone newline) exits 1 and stores nothing', async () => {
    for (const input of ['', '\n']) {
      const res = await berth(['set', 'empty-value'], input);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^kind: custom .*\nberth: stdin is empty; pipe the value in/);
    }
    expect((await listJson()).map((c) => c.name)).not.toContain('empty-value');
  });

  it('in a terminal, prompts with echo off: typed keys are not shown, Backspace and arrow keys work', async () => {
    // An extra character deleted with Backspace, and an arrow key that must be ignored.
    const { output, code } = await setInPty(['tty-key', '--kind', 'custom'], [typedInPty.slice(0, 10), ARROW_LEFT, typedInPty.slice(10), 'Z', BACKSPACE, ENTER]);
    expect(code).toBe(0);
    expect(output).not.toContain(typedInPty.slice(0, 10));
    expect(output).not.toContain(typedInPty.slice(10));
    expect(plainLines(output).map((l) => l.trim())).toContain(`set tty-key (custom) ••••${typedInPty.slice(-4)}`);
    expect(await resolveStored('tty-key')).toBe(typedInPty);
  });

  it('in a terminal, Ctrl-C aborts with exit 1 and stores nothing', async () => {
    const { output, code } = await setInPty(['tty-abort', '--kind', 'custom'], ['abc', CTRL_C]);
    expect(code).toBe(1);
    expect(output).toContain('berth: aborted; nothing was stored');
    expect((await listJson()).map((c) => c.name)).not.toContain('tty-abort');
  });

  it('no CLI output and no file in the data dir contains a typed value', async () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const value of [typed, typedInPty]) {
      for (const output of outputs) expect(output).not.toContain(value);
    }
    const files = filesUnder(server.home);
    expect(files).toContain(path.join(server.home, VAULT_FILE));
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const value of [typed, typedInPty, envValue]) expect(bytes.includes(value), `${file} contains a credential value`).toBe(false);
    }
  });
});
