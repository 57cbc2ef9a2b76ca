/**
 * Scrubbing a secret out of a byte stream whose occurrences may be split across chunks.
 *
 * Each occurrence is overwritten with `*` of the same length, so a Content-Length stays true. Only the
 * longest chunk suffix that could start a secret is held back for the next chunk; an SSE event ends in
 * `\n`, which no secret starts with, so events are not delayed.
 */

/** The byte every secret byte is replaced with. */
const MASK_BYTE = 0x2a; // '*'

/** Streaming scrubber for one response. */
export class SecretScrubber {
  private readonly needles: Buffer[];
  private carry: Buffer | null = null;
  /** How many occurrences were masked. */
  hits = 0;

  constructor(secrets: readonly string[]) {
    // Empty secrets would match everywhere; they can't leak anything either.
    this.needles = secrets.filter((s) => s.length > 0).map((s) => Buffer.from(s, 'utf8'));
  }

  /** Masks the chunk; returns the bytes safe to send now (possibly empty). */
  push(chunk: Buffer): Buffer {
    if (this.needles.length === 0) return chunk;
    let buf = this.carry === null ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = null;
    let copied = buf !== chunk;
    for (const needle of this.needles) {
      let at = buf.indexOf(needle);
      while (at !== -1) {
        if (!copied) {
          // Never write into the caller's buffer.
          buf = Buffer.from(buf);
          copied = true;
        }
        buf.fill(MASK_BYTE, at, at + needle.length);
        this.hits++;
        at = buf.indexOf(needle, at + needle.length);
      }
    }
    const hold = this.heldSuffix(buf);
    if (hold === 0) return buf;
    this.carry = Buffer.from(buf.subarray(buf.length - hold));
    return buf.subarray(0, buf.length - hold);
  }

  /** Whatever was held back: at the end of the stream it is not a secret (it never completed). */
  flush(): Buffer {
    const rest = this.carry ?? Buffer.alloc(0);
    this.carry = null;
    return rest;
  }

  /** Masks a whole string (a header value). */
  scrubString(value: string): string {
    let out = value;
    for (const needle of this.needles) {
      const s = needle.toString('utf8');
      if (out.includes(s)) {
        out = out.replaceAll(s, '*'.repeat(s.length));
        this.hits++;
      }
    }
    return out;
  }

  /** Length of the longest suffix of `buf` that is a proper prefix of some needle. */
  private heldSuffix(buf: Buffer): number {
    let best = 0;
    for (const needle of this.needles) {
      const first = needle[0]!;
      const max = Math.min(needle.length - 1, buf.length);
      // Candidate starts: positions in the last `max` bytes holding the needle's first byte.
      for (let start = buf.length - max; start < buf.length; start++) {
        if (buf[start] !== first) continue;
        const len = buf.length - start;
        if (len <= best) break;
        if (buf.compare(needle, 0, len, start, buf.length) === 0) {
          best = len;
          break;
        }
      }
    }
    return best;
  }
}
