import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretScrubber } from './scrub.js';

/** Splits `buf` at the given cut points (sorted, deduplicated, in range). */
function split(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe('SecretScrubber', () => {
  it('masks every occurrence however the stream is cut, keeping the length, and never emits the secret', () => {
    const secretArb = fc.stringMatching(/^[A-Za-z0-9+/=_-]{6,40}$/);
    const fillerArb = fc.string({ maxLength: 30 });
    fc.assert(
      fc.property(secretArb, fc.array(fillerArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (secret, fillers, cuts) => {
        const text = fillers.join(secret);
        const input = Buffer.from(text, 'utf8');
        const s = new SecretScrubber([secret]);
        const pieces: Buffer[] = split(input, cuts).map((c) => Buffer.from(s.push(c)));
        pieces.push(s.flush());
        const out = Buffer.concat(pieces);
        expect(out.length).toBe(input.length);
        expect(out.toString('utf8')).not.toContain(secret);
        // Only secret bytes changed: the expected text is the input with each occurrence masked.
        let expected = text;
        let at = expected.indexOf(secret);
        while (at !== -1) {
          expected = expected.slice(0, at) + '*'.repeat(Buffer.byteLength(secret)) + expected.slice(at + secret.length);
          at = expected.indexOf(secret, at + 1);
        }
        expect(out.toString('utf8')).toBe(expected);
      }),
      { seed: 0x5c2b, numRuns: 10_000 },
    );
  });

  it('holds back nothing when a chunk ends in a newline (SSE events are not delayed)', () => {
    const s = new SecretScrubber(['sk-ant-secret']);
    const chunk = Buffer.from('event: x\ndata: {"a":1}\n\n');
    expect(s.push(chunk)).toBe(chunk);
    // A chunk ending in a possible secret start is held back only for those bytes.
    expect(s.push(Buffer.from('data: sk-a')).toString()).toBe('data: ');
    expect(s.push(Buffer.from('nt-secret!')).toString()).toBe('*************!');
  });

  it('masks header strings and several secret forms', () => {
    const s = new SecretScrubber(['key123456', 'a2V5MTIzNDU2']);
    expect(s.scrubString('x key123456 y a2V5MTIzNDU2')).toBe('x ********* y ************');
    expect(s.hits).toBe(2);
  });
});
