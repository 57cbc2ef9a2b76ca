/**
 * Prometheus text exposition format 0.0.4: escaping and number formatting.
 *
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details
 */

/** The content type `/metrics` answers with. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Metric and label names Prometheus accepts. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Label names; `__`-prefixed ones are reserved, `le` and `quantile` belong to histograms/summaries. */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__') && name !== 'le' && name !== 'quantile';
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
export function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as Go's ParseFloat reads it: NaN, +Inf, -Inf, or a plain number. */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

/** `{a="x",b="y"}` (empty string when there are no labels), in the order given. */
export function formatLabels(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) parts.push(`${names[i]}="${escapeLabelValue(values[i] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** The `# HELP` and `# TYPE` lines of a family. */
export function familyHeader(name: string, help: string, type: 'histogram' | 'gauge' | 'counter'): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}
