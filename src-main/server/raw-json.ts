/**
 * A value already serialized to JSON text, for hot read paths (the session list) whose text is cached.
 * Transports that write JSON splice it in; `toJSON` keeps it correct anywhere else.
 */
export class RawJson {
  private okBody: Buffer | null = null;

  constructor(readonly json: string) {}

  /** `{"ok":true,"value":<json>}` as bytes, built once: a cached page is then sent without copying. */
  okResponseBody(): Buffer {
    this.okBody ??= Buffer.from(`{"ok":true,"value":${this.json}}`);
    return this.okBody;
  }

  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** `{"ok":true,"value":…}` etc. as text, splicing RawJson values in without re-serializing them. */
export function stringifyWithRaw(value: unknown): string {
  if (value instanceof RawJson) return value.json;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${stringifyWithRaw(v)}`);
  }
  return `{${parts.join(',')}}`;
}
