/**
 * Result envelope.
 *
 * Every handler across a process boundary returns `{ok:true,value}` or `{ok:false,error}`; expected failures
 * (bad input, engine down, dirty worktree) are values, never throws.
 */
import { z } from 'zod';

/** Stable machine-readable error codes. Clients switch on these; messages are for people. */
export const ErrorCode = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'not_a_repo',
  'agent_unavailable',
  'backend_unavailable',
  'worktree_dirty',
  'invalid_state',
  'git_failed',
  'spawn_failed',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorDto = z.object({
  code: ErrorCode,
  message: z.string(),
});
export type ErrorDto = z.infer<typeof ErrorDto>;

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err = { readonly ok: false; readonly error: ErrorDto };
export type Result<T> = Ok<T> | Err;

export function ok<T>(value: T): Ok<T>;
export function ok(): Ok<void>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string): Err {
  return { ok: false, error: { code, message } };
}

/** Zod schema of a Result carrying `value`. */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: ErrorDto }),
  ]);
}

/** Formats zod issues as one readable sentence naming the offending fields. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'input';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Exhaustiveness guard for switch statements. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
