import { describe, expect, it } from 'vitest';
import { BenchRunDto } from '../../../src-shared/bench.js';
import { BACKENDS_FIXTURE, figure, RUN_1, RUN_2, RUN_3 } from '../../testing/bench-fixture.js';
import {
  changeSince,
  defaultBackendSelection,
  estimateRemainingMs,
  formatBenchValue,
  formatClock,
  formatRatio,
  adviceSentence,
  headlineFigures,
  machineText,
  previousRun,
  progressPercent,
  runsProblem,
  withRun,
} from './bench-format.js';

describe('benchmark wording', () => {
  it('the fixture runs are valid DTOs', () => {
    for (const r of [RUN_1, RUN_2, RUN_3]) expect(BenchRunDto.safeParse(r).success).toBe(true);
  });

  it('formats values as berth bench does', () => {
    expect(formatBenchValue(9.126, 'ms')).toBe('9.13 ms');
    expect(formatBenchValue(84.04, 'ms')).toBe('84.0 ms');
    expect(formatBenchValue(1234.4, 'req/s')).toBe('1,234 req/s');
    expect(formatBenchValue(null, 'ms')).toBe('—');
    expect(formatBenchValue(Number.NaN, 'ms')).toBe('—');
    expect(formatRatio(1.3249)).toBe('1.32×');
    expect(formatRatio(null)).toBe('—');
    expect(formatRatio(0.003472)).toBe('0.0035×');
    expect(formatRatio(0)).toBe('0.00×');
    expect(adviceSentence('on this machine')).toBe('On this machine');
  });

  it('words the change since the previous run, coloured by which way is better for the unit', () => {
    expect(changeSince(figure('create.local', 60, 30), RUN_2)).toEqual({ text: '+25%', kind: 'worse' });
    expect(changeSince(figure('create.local', 45.6, 30), RUN_2)).toEqual({ text: '−5.0%', kind: 'better' });
    expect(changeSince(figure('proxy.added', 2.005, null), RUN_2)).toEqual({ text: 'same', kind: 'same' });
    expect(changeSince(figure('api.rps', 1500, 2000, 'req/s'), RUN_2)).toEqual({ text: '+25%', kind: 'better' });
    expect(changeSince(figure('api.rps', 600, 2000, 'req/s'), RUN_2)).toEqual({ text: '−50%', kind: 'worse' });
    expect(changeSince(figure('create.docker.cold', 400, 300), RUN_2)).toEqual({ text: 'new', kind: 'new' });
    expect(changeSince(figure('create.local', 60, 30), null)).toEqual({ text: '—', kind: 'none' });
  });

  it('finds the run stored before one, whatever the order', () => {
    expect(previousRun([RUN_3, RUN_2, RUN_1], RUN_3)?.id).toBe(2);
    expect(previousRun([RUN_1, RUN_3, RUN_2], RUN_2)?.id).toBe(1);
    expect(previousRun([RUN_3, RUN_2, RUN_1], RUN_1)).toBeNull();
    expect(withRun([RUN_2, RUN_1], RUN_3).map((r) => r.id)).toEqual([3, 2, 1]);
    expect(withRun([RUN_3, RUN_2], RUN_3).map((r) => r.id)).toEqual([3, 2]);
    expect(withRun([RUN_2], null).map((r) => r.id)).toEqual([2]);
  });

  it('sums a past run up in a couple of headline figures and its machine', () => {
    expect(headlineFigures(RUN_3).map((h) => h.text)).toEqual(['local 60.0 ms', 'proxy adds 2.00 ms']);
    const docker = { ...RUN_3, figures: [...RUN_3.figures, figure('create.docker.warm', 84, 70), figure('create.docker.cold', 410, 300)] };
    expect(headlineFigures(docker).map((h) => h.id)).toEqual(['create.local', 'create.docker.warm', 'create.docker.cold']);
    expect(machineText(RUN_1.machine)).toBe('8 × Test CPU 3000, 16 GiB, linux');
  });

  it('tells elapsed and remaining time and the bar fill', () => {
    expect(formatClock(7_400)).toBe('0:07');
    expect(formatClock(222_000)).toBe('3:42');
    expect(formatClock(-5)).toBe('0:00');
    expect(estimateRemainingMs(10_000, 1, 10)).toBeNull();
    expect(estimateRemainingMs(10_000, 2, 10)).toBe(40_000);
    expect(estimateRemainingMs(10_000, 10, 10)).toBeNull();
    expect(progressPercent(1, 4)).toBe(25);
    expect(progressPercent(5, 4)).toBe(100);
    expect(progressPercent(0, 0)).toBe(0);
  });

  it('checks every available backend by default and validates runs', () => {
    expect(defaultBackendSelection(BACKENDS_FIXTURE)).toEqual(['local', 'tmux']);
    expect(runsProblem('5')).toBeNull();
    expect(runsProblem('50')).toBeNull();
    for (const bad of ['0', '51', '2.5', '', 'x']) expect(runsProblem(bad)).toBe('a whole number from 1 to 50');
  });
});
