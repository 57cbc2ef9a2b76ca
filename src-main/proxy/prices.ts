/**
 * The price table: USD per million tokens per model, from resources/prices.json (bundled) overlaid by
 * a user-updated copy when one is given. Model ids match a table key exactly, or by the longest key
 * followed by a date or version suffix (`claude-sonnet-4-5` prices `claude-sonnet-4-5-20250929` and
 * `claude-sonnet-4-5@20250929`, but `gpt-4o` does not price `gpt-4o-mini`).
 */
import fs from 'node:fs';
import { PriceTableFile, type ModelPrice } from '../../src-shared/proxy.js';
import { describeZodError, err, ok, type Result } from '../../src-shared/result.js';
import bundled from '../../resources/prices.json';
import type { UsageReading } from './usage.js';

/** Tokens per price unit. */
const TOKENS_PER_MTOK = 1_000_000;
/** A suffix after a table key that still names the same model: a date, a version, `latest`. */
const VERSION_SUFFIX = /^[-@](\d|latest$|v\d)/;

/** Looks up prices and computes costs. Immutable; load a new one to pick up an updated file. */
export class PriceTable {
  private readonly cache = new Map<string, ModelPrice | null>();

  private constructor(
    readonly version: string,
    private readonly models: ReadonlyMap<string, ModelPrice>,
  ) {}

  /** The bundled table. */
  static bundled(): PriceTable {
    const parsed = PriceTableFile.parse(bundled);
    return new PriceTable(parsed.version, new Map(Object.entries(parsed.models)));
  }

  /**
   * The bundled table overlaid with the file at `userPath` (its models replace or add to the bundled
   * ones; the version is the newer of the two). A missing file is not an error; an invalid one is.
   */
  static load(userPath?: string | null): Result<PriceTable> {
    const base = PriceTable.bundled();
    if (!userPath || !fs.existsSync(userPath)) return ok(base);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(userPath, 'utf8'));
    } catch (e) {
      return err('bad_request', `price table ${userPath} is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = PriceTableFile.safeParse(raw);
    if (!parsed.success) return err('bad_request', `price table ${userPath}: ${describeZodError(parsed.error)}`);
    const models = new Map(base.models);
    for (const [id, price] of Object.entries(parsed.data.models)) models.set(id, price);
    const version = parsed.data.version > base.version ? parsed.data.version : base.version;
    return ok(new PriceTable(version, models));
  }

  /** The price of a model id, or null when the table has no entry for it. */
  price(model: string): ModelPrice | null {
    const cached = this.cache.get(model);
    if (cached !== undefined) return cached;
    const id = (model.startsWith('models/') ? model.slice('models/'.length) : model).toLowerCase();
    let found: ModelPrice | null = this.models.get(id) ?? null;
    if (found === null) {
      let bestLen = 0;
      for (const [key, price] of this.models) {
        if (key.length > bestLen && id.startsWith(key) && VERSION_SUFFIX.test(id.slice(key.length))) {
          found = price;
          bestLen = key.length;
        }
      }
    }
    this.cache.set(model, found);
    return found;
  }

  /** The cost of a response's usage in USD, or null when the model is unknown or unpriced. */
  cost(usage: UsageReading): number | null {
    if (usage.model === null) return null;
    const p = this.price(usage.model);
    if (p === null) return null;
    const dollars =
      usage.inputTokens * p.inputPerMTok +
      usage.outputTokens * p.outputPerMTok +
      usage.cacheWriteTokens * (p.cacheWritePerMTok ?? p.inputPerMTok) +
      usage.cacheReadTokens * (p.cacheReadPerMTok ?? p.inputPerMTok);
    return dollars / TOKENS_PER_MTOK;
  }
}
