/**
 * Splits a command template into argv the way a POSIX shell would tokenize it (quotes and backslashes),
 * without running a shell: no expansion, no operators.
 */
import { err, ok, type Result } from '../../src-shared/result.js';

export function splitCommandLine(line: string): Result<string[]> {
  const args: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) args.push(current);
      current = '';
      inToken = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (quote) return err('bad_request', `unterminated ${quote} quote in the command template`);
  if (inToken) args.push(current);
  return ok(args);
}
