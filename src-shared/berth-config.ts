/**
 * `.berth.json`: a repository's own instructions for its session worktrees (optional, at the root of
 * the main checkout).
 *
 * resources/berth.schema.json is this schema as JSON Schema, for editors (point `"$schema"` at a copy);
 * a test keeps the two equal.
 */
import { z } from 'zod';

/** The file's name at the repository root. */
export const BERTH_CONFIG_FILE = '.berth.json';
/** Conductor's file, read when there is no `.berth.json`: its `scripts.setup` and `scripts.archive`. */
export const CONDUCTOR_CONFIG_FILE = 'conductor.json';

/** Longest command accepted (a script belongs in a file the command runs). */
const MAX_COMMAND_CHARS = 10_000;

/** An environment variable's name: what a POSIX shell accepts. */
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name: letters, digits and _, not starting with a digit');

/** `.berth.json`; unknown fields are refused, so a typo is an error, not a silent no-op. */
export const BerthConfig = z
  .object({
    $schema: z.string().optional().describe('Where an editor finds this schema; ignored by Berth.'),
    setup: z.string().min(1).max(MAX_COMMAND_CHARS).optional().describe('Run with sh -c in each new session worktree before the agent starts (e.g. "npm ci"); a non-zero exit fails the session.'),
    teardown: z.string().min(1).max(MAX_COMMAND_CHARS).optional().describe('Run with sh -c in the session worktree when the session is deleted, before the worktree is removed; a failure is logged and does not block the delete.'),
    waitForSetup: z.boolean().default(true).describe('Hold the agent until setup succeeded (default true); false starts the agent while setup runs.'),
    env: z.record(EnvName, z.string()).optional().describe('Environment variables given to the agent, setup and teardown.'),
  })
  .strict()
  .describe('Berth project configuration (.berth.json at the repository root)');
export type BerthConfig = z.infer<typeof BerthConfig>;

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
