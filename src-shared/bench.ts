/**
 * The built-in benchmark ("Benchmark this machine", `berth bench`): figures measured against raw
 * baselines in the same run, stored per run, and the advice drawn from them.
 */
import { z } from 'zod';
import { BackendId } from './dto.js';

/** One measured figure, the same shape `npm run bench -- --json` prints. */
export const BenchFigureDto = z.object({
  id: z.string(),
  value: z.number(),
  unit: z.string(),
  baseline: z.number().nullable(),
  ratio: z.number().nullable(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  runs: z.number().int(),
});
export type BenchFigureDto = z.infer<typeof BenchFigureDto>;

export const BenchMachineDto = z.object({
  platform: z.string(),
  cpus: z.number().int(),
  cpuModel: z.string(),
  memoryBytes: z.number(),
});
export type BenchMachineDto = z.infer<typeof BenchMachineDto>;

/** Advice for one backend, shown in the New session dialog next to it. */
export const BenchAdviceDto = z.object({
  backend: BackendId,
  /** e.g. "on this machine Docker warm start is 84 ms with a pool of 2; cold 410 ms". */
  text: z.string(),
  coldMs: z.number().nullable(),
  warmMs: z.number().nullable(),
});
export type BenchAdviceDto = z.infer<typeof BenchAdviceDto>;

export const BenchRunDto = z.object({
  id: z.number().int(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  machine: BenchMachineDto,
  figures: z.array(BenchFigureDto),
  advice: z.array(BenchAdviceDto),
  /** Backends that could not be measured, with why. */
  skipped: z.array(z.object({ backend: BackendId, reason: z.string() })),
});
export type BenchRunDto = z.infer<typeof BenchRunDto>;

export const BenchRunRequest = z
  .object({
    backends: z.array(BackendId).max(10).optional(),
    /** Creates per figure (each against its baseline). */
    runs: z.number().int().min(1).max(50).optional(),
  })
  .strict();
export type BenchRunRequest = z.infer<typeof BenchRunRequest>;

/** Progress of a running benchmark (the `bench.progress` event). */
export const BenchProgressDto = z.object({
  runId: z.number().int(),
  done: z.number().int(),
  total: z.number().int(),
  label: z.string(),
});
export type BenchProgressDto = z.infer<typeof BenchProgressDto>;
