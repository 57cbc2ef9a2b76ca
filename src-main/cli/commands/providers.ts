/**
 * `berth providers list|set`: the credential proxy's providers (upstream base URL, the credential it
 * injects, health) from the command line. Pointing a provider at another upstream is also how tests and
 * self-hosted gateways put a provider on loopback (with `--allow-private`).
 */
import type { Command } from 'commander';
import type { z } from 'zod';
import { CredentialName } from '../../../src-shared/credentials.js';
import { ProviderId, UpstreamUrl, type ProviderDto } from '../../../src-shared/proxy.js';
import type { ProviderSetRequest } from '../../../src-shared/proxy-settings.js';
import { defineAction, firstArg, type RunState } from '../command-kit.js';
import { UsageError } from '../context.js';
import { formatTable } from '../text-table.js';

/** Placeholder for an absent value in the table. */
const NONE = '-';

const SET_HELP = `
Examples:
  berth providers set anthropic --upstream https://gateway.example.com/anthropic
  berth providers set anthropic --upstream http://127.0.0.1:8080 --allow-private   (a fake or gateway on loopback)
  berth providers set openai --credential work-openai
  berth providers set openai --no-credential   (use the vault entry named like the provider, or the first of its kind)

A new (custom) provider needs --upstream. --allow-private lets the upstream resolve to loopback, private or
link-local addresses, which are refused otherwise.

Exit codes: 0 ok, 1 error (no orchestrator, refused by the orchestrator), 2 usage error.`;

interface ListOptions {
  json?: boolean;
}

interface SetOptions {
  upstream?: string;
  /** A credential name, `false` for --no-credential, undefined to keep it. */
  credential?: string | false;
  allowPrivate?: boolean;
  json?: boolean;
}

/** Registers `providers list|set` on `program`. */
export function registerProviderCommands(program: Command, state: RunState): void {
  const providers = program
    .command('providers')
    .description("show or change the credential proxy's providers (upstream URL, credential, health)")
    .addHelpText('after', '\nExit codes: 0 ok, 1 error, 2 usage error.');

  defineAction<ListOptions>(
    providers
      .command('list')
      .alias('ls')
      .description('list providers: upstream, the credential injected (by name, never its value), status and last error')
      .option('--json', 'print a JSON array'),
    state,
    async (ctx, _args, opts) => {
      const list = await ctx.call('providers.list', {});
      if (opts.json) ctx.json(list);
      else ctx.out(list.length === 0 ? 'No providers.' : formatProviderTable(list));
    },
  );

  defineAction<SetOptions>(
    providers
      .command('set')
      .description("change a provider's upstream base URL or credential (or add a custom provider)")
      .argument('<name>', 'provider id (anthropic, openai, gemini, github, npm, or a custom one)')
      .option('--upstream <url>', 'upstream base URL (http:// or https://, no query)')
      .option('--credential <name>', 'vault entry to inject (see `berth credentials list`)')
      .option('--no-credential', 'forget the chosen credential (the default one is used)')
      .option('--allow-private', 'let the upstream be on loopback, private or link-local addresses')
      .option('--no-allow-private', 'refuse loopback, private and link-local upstream addresses again')
      .option('--json', 'print the provider as JSON')
      .addHelpText('after', SET_HELP),
    state,
    async (ctx, args, opts) => {
      const request = parseSetRequest(firstArg(args), opts);
      const provider = await ctx.call('providers.set', request);
      if (opts.json) ctx.json(provider);
      else ctx.out(formatProviderSet(provider));
    },
  );
}

/** The `providers.set` request of `providers set NAME [options]`; bad input is a `UsageError`. */
export function parseSetRequest(name: string, opts: SetOptions): ProviderSetRequest {
  const id = check(ProviderId, name, `provider name '${name}'`);
  const request: ProviderSetRequest = { id };
  if (opts.upstream !== undefined) request.upstream = check(UpstreamUrl, opts.upstream, `--upstream '${opts.upstream}'`);
  if (opts.credential === false) request.credential = null;
  else if (opts.credential !== undefined) request.credential = check(CredentialName, opts.credential, `--credential '${opts.credential}'`);
  if (opts.allowPrivate !== undefined) request.allowPrivate = opts.allowPrivate;
  if (Object.keys(request).length === 1) throw new UsageError('nothing to change: give --upstream, --credential, --no-credential or --allow-private');
  return request;
}

function check<T>(schema: z.ZodType<T>, value: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${what}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** The `providers list` table. */
export function formatProviderTable(providers: readonly ProviderDto[]): string {
  const rows = providers.map((p) => [p.id, p.name, p.upstream, p.credential ?? NONE, p.status, p.lastError ?? NONE]);
  return formatTable(['ID', 'NAME', 'UPSTREAM', 'CREDENTIAL', 'STATUS', 'LAST ERROR'], rows);
}

/** `set anthropic: upstream URL, credential NAME|none, status ok`. */
export function formatProviderSet(p: ProviderDto): string {
  return `set ${p.id}: upstream ${p.upstream}, credential ${p.credential ?? 'none'}, status ${p.status}`;
}
