/**
 * Token usage from provider responses, read as the bytes pass through (the client is never kept
 * waiting on it).
 *
 * SSE: lines are split as they arrive and only `data:` lines that mention usage are parsed. JSON: a copy
 * of the body (up to a cap) is parsed at its end. Shapes understood:
 * - Anthropic Messages: `message_start.message.{model,usage}`, `message_delta.usage`, or a whole `message`;
 * - OpenAI Chat Completions: `usage.prompt_tokens / completion_tokens` (the last stream chunk with
 *   `stream_options.include_usage`), cached tokens from `prompt_tokens_details.cached_tokens`;
 * - OpenAI Responses: `response.completed` → `response.usage.input_tokens / output_tokens`, or a whole
 *   `response` object;
 * - Gemini: `usageMetadata` (cumulative per stream chunk) and `modelVersion`.
 */
import { StringDecoder } from 'node:string_decoder';

/** Token counts of one response. `inputTokens` excludes cached tokens (they are counted apart). */
export interface UsageReading {
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

/** Largest JSON body copied for usage (LLM responses are far smaller; bigger bodies are skipped). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** Longest SSE line kept while waiting for its end; longer lines are skipped. */
const MAX_SSE_LINE_CHARS = 4 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : 0);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Accumulates usage from a response's parsed JSON objects (one per SSE event, or the whole body). */
export class UsageAccumulator {
  private reading: UsageReading | null = null;

  /** The usage seen so far, or null when the response carried none. */
  get result(): UsageReading | null {
    return this.reading;
  }

  private current(): UsageReading {
    this.reading ??= { model: null, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
    return this.reading;
  }

  private setModel(model: unknown): void {
    const m = str(model);
    if (m !== null) this.current().model = m;
  }

  /** Applies one object; unknown shapes are ignored. */
  apply(obj: unknown): void {
    if (!isObj(obj)) return;
    const type = obj.type;
    // Anthropic Messages stream.
    if (type === 'message_start' && isObj(obj.message)) {
      this.setModel(obj.message.model);
      if (isObj(obj.message.usage)) this.anthropic(obj.message.usage);
      return;
    }
    if (type === 'message_delta' && isObj(obj.usage)) {
      this.anthropic(obj.usage);
      return;
    }
    // OpenAI Responses stream (completed, or ended early with usage so far).
    if ((type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') && isObj(obj.response)) {
      this.setModel(obj.response.model);
      if (isObj(obj.response.usage)) this.responses(obj.response.usage);
      return;
    }
    // Gemini (JSON or one stream chunk).
    if (isObj(obj.usageMetadata)) {
      this.setModel(obj.modelVersion);
      const u = obj.usageMetadata;
      const cached = num(u.cachedContentTokenCount);
      const r = this.current();
      r.inputTokens = Math.max(0, num(u.promptTokenCount) - cached);
      r.cacheReadTokens = cached;
      r.outputTokens = num(u.candidatesTokenCount) + num(u.thoughtsTokenCount);
      return;
    }
    if (!isObj(obj.usage)) {
      if (obj.object === 'chat.completion.chunk') this.setModel(obj.model);
      return;
    }
    // Whole bodies and OpenAI chat chunks.
    this.setModel(obj.model);
    if (type === 'message') this.anthropic(obj.usage);
    else if (obj.object === 'response') this.responses(obj.usage);
    else if ('prompt_tokens' in obj.usage || 'completion_tokens' in obj.usage) this.chat(obj.usage);
    else if ('input_tokens' in obj.usage) this.anthropic(obj.usage);
  }

  private anthropic(u: Json): void {
    const r = this.current();
    // message_start carries input (and a first output count); message_delta the final, cumulative output.
    if ('input_tokens' in u) r.inputTokens = num(u.input_tokens);
    if ('cache_creation_input_tokens' in u) r.cacheWriteTokens = num(u.cache_creation_input_tokens);
    if ('cache_read_input_tokens' in u) r.cacheReadTokens = num(u.cache_read_input_tokens);
    if ('output_tokens' in u) r.outputTokens = num(u.output_tokens);
  }

  private chat(u: Json): void {
    const r = this.current();
    const cached = isObj(u.prompt_tokens_details) ? num(u.prompt_tokens_details.cached_tokens) : 0;
    r.inputTokens = Math.max(0, num(u.prompt_tokens) - cached);
    r.cacheReadTokens = cached;
    r.outputTokens = num(u.completion_tokens);
  }

  private responses(u: Json): void {
    const r = this.current();
    const cached = isObj(u.input_tokens_details) ? num(u.input_tokens_details.cached_tokens) : 0;
    r.inputTokens = Math.max(0, num(u.input_tokens) - cached);
    r.cacheReadTokens = cached;
    r.outputTokens = num(u.output_tokens);
  }
}

/** Reads usage from a response body as it streams past. */
export interface UsageTap {
  push(chunk: Buffer): void;
  /** The usage, once the body ended (null: none found). */
  end(): UsageReading | null;
}

/** SSE: split lines as they come, parse only `data:` lines that mention usage or a model. */
class SseUsageTap implements UsageTap {
  private readonly decoder = new StringDecoder('utf8');
  private readonly acc = new UsageAccumulator();
  private carry = '';
  private skipping = false;

  push(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    const lastNl = text.lastIndexOf('\n');
    if (lastNl === -1) {
      this.hold(text);
      return;
    }
    const complete = this.carry + text.slice(0, lastNl);
    const wasSkipping = this.skipping;
    this.carry = '';
    this.skipping = false;
    this.hold(text.slice(lastNl + 1));
    // Fast path: nothing in these lines mentions usage or a model.
    if (!complete.includes('"usage') && !complete.includes('"model')) return;
    const lines = complete.split('\n');
    // The first line's start was dropped while skipping an overlong line.
    if (wasSkipping) lines.shift();
    for (const line of lines) this.line(line);
  }

  end(): UsageReading | null {
    const rest = this.carry + this.decoder.end();
    if (!this.skipping && rest.length > 0) this.line(rest);
    return this.acc.result;
  }

  private hold(part: string): void {
    if (this.skipping) return;
    if (this.carry.length + part.length > MAX_SSE_LINE_CHARS) {
      this.carry = '';
      this.skipping = true;
      return;
    }
    this.carry += part;
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('data:')) return;
    const data = line.slice(line.charCodeAt(5) === 0x20 ? 6 : 5);
    if (data === '[DONE]' || (!data.includes('"usage') && !data.includes('"model'))) return;
    try {
      this.acc.apply(JSON.parse(data));
    } catch {
      // Not JSON: not ours to read.
    }
  }
}

/** JSON: keep a copy of the body (up to a cap), parse it at the end. */
class JsonUsageTap implements UsageTap {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;

  push(chunk: Buffer): void {
    if (this.overflow) return;
    this.size += chunk.length;
    if (this.size > MAX_JSON_BYTES) {
      this.overflow = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(chunk);
  }

  end(): UsageReading | null {
    if (this.overflow || this.size === 0) return null;
    const acc = new UsageAccumulator();
    try {
      acc.apply(JSON.parse(Buffer.concat(this.chunks, this.size).toString('utf8')));
    } catch {
      return null;
    }
    return acc.result;
  }
}

/** A tap for a response of this content type, or null when its usage can't be read (not SSE or JSON). */
export function createUsageTap(contentType: string | undefined): UsageTap | null {
  if (!contentType) return null;
  const ct = contentType.toLowerCase();
  if (ct.startsWith('text/event-stream')) return new SseUsageTap();
  if (ct.startsWith('application/json')) return new JsonUsageTap();
  return null;
}
