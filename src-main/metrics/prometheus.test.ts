import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { escapeHelp, escapeLabelValue, familyHeader, formatLabels, formatValue, isValidLabelName, isValidMetricName } from './prometheus.js';

describe('Prometheus text helpers', () => {
  it('escapes label values and help text as the format requires', () => {
    expect(escapeLabelValue('a\\b"c"\nd')).toBe('a\\\\b\\"c\\"\\nd');
    expect(escapeHelp('line\\one\nline "two"')).toBe('line\\\\one\\nline "two"');
    expect(formatLabels([], [])).toBe('');
    expect(formatLabels(['a', 'b'], ['x', 'y"'], ['le', '+Inf'])).toBe('{a="x",b="y\\"",le="+Inf"}');
  });

  it('formats special values the way Go parses them, and a parser reads them back', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, 0, 1e21].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '1.5', '0', '1e+21']);
    const text = `${familyHeader('g', 'A gauge.', 'gauge')}g${formatLabels(['k'], ['v'])} ${formatValue(Number.NaN)}\n`;
    expect(parsePrometheusTextFormat(text)).toEqual([{ name: 'g', help: 'A gauge.', type: 'GAUGE', metrics: [{ labels: { k: 'v' }, value: 'NaN' }] }]);
  });

  it('validates metric and label names', () => {
    expect(isValidMetricName('session_create_ms')).toBe(true);
    expect(isValidMetricName('ns:metric')).toBe(true);
    expect(isValidMetricName('9lives')).toBe(false);
    expect(isValidMetricName('has-dash')).toBe(false);
    expect(isValidLabelName('backend')).toBe(true);
    for (const bad of ['le', 'quantile', '__reserved', 'a:b', '']) expect(isValidLabelName(bad)).toBe(false);
  });
});
