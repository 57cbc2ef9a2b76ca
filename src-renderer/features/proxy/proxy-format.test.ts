import { describe, expect, it } from 'vitest';
import { formatAuditTime, formatCost, formatCount, formatCountdown, formatLatency, formatUsageLine, secondsLeft, sessionLabel, sumUsage } from './proxy-format.js';

describe('proxy wording', () => {
  it('formats costs from fractions of a cent to dollars', () => {
    expect(formatCost(null)).toBe('—');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.00003)).toBe('<$0.0001');
    expect(formatCost(0.0003)).toBe('$0.0003');
    expect(formatCost(0.01234)).toBe('$0.0123');
    expect(formatCost(12.345)).toBe('$12.35');
  });

  it('formats counts and latencies', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(null)).toBe('—');
    expect(formatLatency(0.42)).toBe('0.4 ms');
    expect(formatLatency(42.4)).toBe('42 ms');
    expect(formatLatency(1_340)).toBe('1.3 s');
  });

  it('shows the date only for another day', () => {
    const now = new Date(2025, 0, 10, 12, 0, 0).getTime();
    expect(formatAuditTime(new Date(2025, 0, 10, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatAuditTime(new Date(2024, 11, 31, 23, 59, 59).getTime(), now)).toBe('2024-12-31 23:59:59');
  });

  it('names sessions, or shortens an unknown id', () => {
    expect(sessionLabel('s1', { s1: { name: 'fix-tests' } })).toBe('fix-tests');
    expect(sessionLabel('0123456789abcdef', {})).toBe('01234567');
    expect(sessionLabel(null, {})).toBe('—');
  });

  it('counts down in whole seconds, never below zero', () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 100)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 12_000)).toBe(0);
    expect(formatCountdown(45)).toBe('denied in 45 s');
    expect(formatCountdown(125)).toBe('denied in 2:05');
    expect(formatCountdown(0)).toBe('timing out…');
  });

  it('sums usage rows into one line', () => {
    const totals = sumUsage([
      { sessionId: 's1', provider: 'anthropic', model: 'a', requests: 1, tokensIn: 25, tokensOut: 15, costUsd: 0.0003 },
      { sessionId: 's1', provider: 'openai', model: 'b', requests: 2, tokensIn: 1000, tokensOut: 10, costUsd: 0.01 },
    ]);
    expect(totals).toEqual({ requests: 3, tokensIn: 1025, tokensOut: 25, costUsd: 0.0103 });
    expect(formatUsageLine(totals)).toBe('1,025 in · 25 out · $0.0103 (3 requests)');
    expect(formatUsageLine(sumUsage([]))).toBe('0 in · 0 out · $0 (0 requests)');
  });
});
