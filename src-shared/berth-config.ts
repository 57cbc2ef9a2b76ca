/**
 * `.berth.json`: a repository's own instructions for its session worktrees (optional, at the root of
 * the main checkout).
 *
 * resources/berth.schema.json is this schema as JSON Schema, for editors (point `"$schema"` at a copy);
 * a test keeps the two equal.
 */
import { z } from 'zod';
import { AgentId, BackendId } from './dto.js';

/** The file's name at the repository root. */
export const BERTH_CONFIG_FILE = '.berth.json';
/** Conductor's file, read when there is no `.berth.json`: its `scripts.setup` and `scripts.archive`. */
export const CONDUCTOR_CONFIG_FILE = 'conductor.json';

/** Longest command accepted (a script belongs in a file the command runs). */
const MAX_COMMAND_CHARS = 10_000;

/** An environment variable's name: what a POSIX shell accepts. */
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name: letters, digits and _, not starting with a digit');

/** Most port names one repository may ask for. */
export const MAX_PORT_NAMES = 16;

/** A port's name: becomes `BERTH_PORT_<NAME>` (upper-cased, other characters → `_`). */
export const PortName = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a port name: a letter, then letters, digits, _ or -');

/** What a new session of this repository starts with unless the create request says otherwise. */
export const BerthDefaults = z
  .object({
    agent: AgentId.optional().describe('Agent preselected in the New session dialog.'),
    backend: BackendId.optional().describe('Backend preselected in the New session dialog.'),
    model: z.string().min(1).max(200).optional().describe('Model preselected in the New session dialog.'),
    baseBranch: z.string().min(1).max(250).optional().describe('Base branch of new sessions (the checked-out branch when absent).'),
  })
  .strict();
export type BerthDefaults = z.infer<typeof BerthDefaults>;
/** Most ready worktrees kept per repository (each is a full checkout plus what setup installed). */
export const MAX_READY_WORKTREES = 8;

/** `ready`: worktrees made ahead of creates. */
export const ReadyConfig = z
  .object({
    count: z.number().int().min(0).max(MAX_READY_WORKTREES).describe('How many ready worktrees to keep: checked out at the base branch, .worktreeinclude copied, setup run; a create claims one.'),
    refreshOn: z
      .array(z.string().min(1).max(1000))
      .max(100)
      .optional()
      .describe('Files (git pathspecs) whose change since a ready worktree was made re-runs setup when it is claimed; default: common lockfiles and .berth.json.'),
  })
  .strict();

/** A repository's ready worktrees, for Settings → Repositories. */
export const ReadyStatusDto = z.object({
  repo: z.string(),
  /** `ready.count` of its configuration. */
  wanted: z.number().int().nonnegative(),
  ready: z.number().int().nonnegative(),
  /** A slot is being made (its setup running). */
  filling: z.boolean(),
  /** Disk the ready worktrees use, in bytes. */
  bytes: z.number().nonnegative(),
  /** Why the last refill stopped; null when it succeeded. */
  lastError: z.string().nullable(),
});
export type ReadyStatusDto = z.infer<typeof ReadyStatusDto>;

/** `.berth.json`; unknown fields are refused, so a typo is an error, not a silent no-op. */
export const BerthConfig = z
  .object({
    $schema: z.string().optional().describe('Where an editor finds this schema; ignored by Berth.'),
    setup: z.string().min(1).max(MAX_COMMAND_CHARS).optional().describe('Run with sh -c in each new session worktree before the agent starts (e.g. "npm ci"); a non-zero exit fails the session.'),
    teardown: z.string().min(1).max(MAX_COMMAND_CHARS).optional().describe('Run with sh -c in the session worktree when the session is deleted, before the worktree is removed; a failure is logged and does not block the delete.'),
    waitForSetup: z.boolean().default(true).describe('Hold the agent until setup succeeded (default true); false starts the agent while setup runs.'),
    env: z.record(EnvName, z.string()).optional().describe('Environment variables given to the agent, setup and teardown.'),
    ports: z
      .array(PortName)
      .max(MAX_PORT_NAMES)
      .refine((names) => new Set(names.map(portEnvName)).size === names.length, 'port names must be distinct (after upper-casing)')
      .optional()
      .describe('Names of ports each session needs (e.g. ["web", "api"]): each gets a free host port, exported as BERTH_PORT_<NAME>, the first also as PORT.'),
    defaults: BerthDefaults.optional().describe('Defaults for new sessions: agent, backend, model, baseBranch.'),
    ready: ReadyConfig.optional().describe('Ready worktrees: made ahead, in the background, so a create does not wait for checkout and setup.'),
  })
  .strict()
  .describe('Berth project configuration (.berth.json at the repository root)');
export type BerthConfig = z.infer<typeof BerthConfig>;

/** The variable a port named `name` is exported as: `BERTH_PORT_` + upper-cased name, other characters → `_`. */
export function portEnvName(name: string): string {
  return `BERTH_PORT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The parts of `conductor.json` Berth reads; everything else in it is Conductor's business. */
export const ConductorConfig = z.object({
  scripts: z
    .object({
      setup: z.string().max(MAX_COMMAND_CHARS).optional(),
      archive: z.string().max(MAX_COMMAND_CHARS).optional(),
    })
    .optional(),
});
export type ConductorConfig = z.infer<typeof ConductorConfig>;

/** `.berth.json` as JSON Schema (draft 2020-12): the content of resources/berth.schema.json. */
export function berthConfigJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(BerthConfig, { io: 'input' }), title: BERTH_CONFIG_FILE };
}

/** The problems of a bad `.berth.json`, each naming its field: `setup: expected string, received number`. */
export function describeConfigError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `unknown field "${[...issue.path, k].join('.')}"`).join('; ');
      const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'the file';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
