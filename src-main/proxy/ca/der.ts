/**
 * The few DER (X.690) pieces Berth's local CA writes and reads: enough for X.509 certificates with
 * ECDSA P-256 keys. Writers return encoded TLVs as Buffers; the reader walks one level of a TLV.
 * https://www.itu.int/rec/T-REC-X.690 (DER), RFC 5280 (the certificate profile)
 */

/** Universal and context-specific tags used here. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** [0] / [3] EXPLICIT, constructed (version, extensions of a TBSCertificate). */
  CONTEXT_0: 0xa0,
  CONTEXT_3: 0xa3,
  /** [0] IMPLICIT keyIdentifier of AuthorityKeyIdentifier (primitive). */
  KEY_IDENTIFIER: 0x80,
  /** GeneralName dNSName [2] and iPAddress [7] (primitive, implicit). */
  DNS_NAME: 0x82,
  IP_ADDRESS: 0x87,
} as const;

/** Years from which X.509 validity uses GeneralizedTime instead of UTCTime (RFC 5280 §4.1.2.5). */
const GENERALIZED_TIME_FROM_YEAR = 2050;

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with `tag` around the concatenated contents. */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const sequence = (...items: readonly Uint8Array[]) => tlv(TAG.SEQUENCE, ...items);
export const set = (...items: readonly Uint8Array[]) => tlv(TAG.SET, ...items);
export const octetString = (bytes: Uint8Array) => tlv(TAG.OCTET_STRING, bytes);
export const boolean = (value: boolean) => tlv(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));
export const utf8String = (text: string) => tlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));

/** A non-negative INTEGER from big-endian magnitude bytes (leading zeros trimmed, a sign byte added when needed). */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = Buffer.from(magnitude.subarray(start));
  return tlv(TAG.INTEGER, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

export const smallInteger = (n: number) => unsignedInteger(Buffer.from([n]));

/** A BIT STRING of whole bytes (no unused bits), e.g. a signature or a public key. */
export const bitString = (bytes: Uint8Array) => tlv(TAG.BIT_STRING, Buffer.from([0]), bytes);

/**
 * A named-bit BIT STRING (KeyUsage): `bits` are bit numbers, 0 the most significant bit of the first
 * byte; DER drops trailing zero bits and says how many bits of the last byte are unused.
 */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const b of bits) bytes[Math.floor(b / 8)]! |= 0x80 >> b % 8;
  return tlv(TAG.BIT_STRING, Buffer.from([7 - (highest % 8)]), bytes);
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

/** A certificate validity time: UTCTime before 2050, GeneralizedTime from then on (seconds, `Z`). */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return date.getUTCFullYear() < GENERALIZED_TIME_FROM_YEAR ? tlv(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : tlv(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`, 'ascii'));
}

/** One TLV as read: its tag, its content bytes and the whole encoding. */
export interface Element {
  tag: number;
  content: Buffer;
  encoded: Buffer;
}

/** The TLV starting at `offset`, or throws on malformed input. */
export function readElement(der: Buffer, offset = 0): Element {
  if (offset + 2 > der.length) throw new Error('truncated DER');
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || offset + 2 + count > der.length) throw new Error('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > der.length) throw new Error('truncated DER');
  return { tag, content: der.subarray(offset + header, end), encoded: der.subarray(offset, end) };
}

/** The elements inside a constructed element's content. */
export function children(content: Buffer): Element[] {
  const out: Element[] = [];
  for (let offset = 0; offset < content.length; ) {
    const e = readElement(content, offset);
    out.push(e);
    offset += e.encoded.length;
  }
  return out;
}

/** The dotted form of an OBJECT IDENTIFIER's content bytes. */
export function readOid(content: Buffer): string {
  const arcs = [Math.floor(content[0]! / 40), content[0]! % 40];
  let v = 0;
  for (const byte of content.subarray(1)) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}
