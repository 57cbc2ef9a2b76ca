/**
 * The handlers' types come from the contract's schemas. These checks run in `npm run typecheck` (tsc
 * compiles this file); the test body only makes vitest list them.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BackendId } from '../../src-shared/dto.js';
import { ok, type Result } from '../../src-shared/result.js';
import type { Handlers } from './api.js';

describe('API handler types', () => {
  it("give each handler its method's parsed params and result, so drift is a compile error", () => {
    expectTypeOf<Parameters<Handlers['sessions.delete']>[0]>().toEqualTypeOf<{ ref: string; force?: boolean | undefined }>();
    // Parsed, not raw: the schema's default has been applied.
    expectTypeOf<Parameters<Handlers['sessions.create']>[0]['backend']>().toEqualTypeOf<BackendId>();
    expectTypeOf<Awaited<ReturnType<Handlers['egress.answer']>>>().toEqualTypeOf<Result<{ id: string }>>();

    // @ts-expect-error a handler reading a param its schema doesn't have
    const wrongParam: Handlers['sessions.delete'] = (p: { id: string }) => ok({ id: p.id });
    // @ts-expect-error a handler answering another shape than its result schema
    const wrongResult: Handlers['credentials.delete'] = (p) => ok({ removed: p.name });
    expect([typeof wrongParam, typeof wrongResult]).toEqual(['function', 'function']);
  });
});
