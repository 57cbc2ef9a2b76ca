/**
 * The one address policy of the credential proxy (base-URL mode and CONNECT): which addresses an
 * upstream connection may not reach unless the caller allows the host. Refused: the host's own side
 * (loopback, "this" network, unspecified), private and unique-local ranges, link-local (cloud metadata at
 * 169.254.169.254 and fd00:ec2::254), carrier-grade NAT (Alibaba's metadata at 100.100.100.200),
 * multicast, broadcast and the other special-purpose ranges of the IANA registries (RFC 6890), and every
 * IPv6 form that carries an IPv4 address inside it: IPv4-mapped (`::ffff:127.0.0.1`, `::ffff:7f00:1`),
 * IPv4-compatible (`::7f00:1`), SIIT (`::ffff:0:7f00:1`), NAT64 (`64:ff9b::7f00:1`) and 6to4
 * (`2002:7f00:1::`), which are judged by the IPv4 address they carry. Addresses are parsed to bytes, so
 * any spelling (compressed, expanded, upper case, dotted or hex tail, zone id) gets the same answer.
 *
 * A DNS lookup wrapper does the check at connect time, on the very addresses the socket will use, so a
 * name that re-resolves between the check and the connect (DNS rebinding) cannot slip through.
 */
import dns from 'node:dns';
import net from 'node:net';

/** IPv4 ranges that are not the public internet (IANA IPv4 special-purpose registry, RFC 6890). */
const V4_BLOCKED: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this" network, unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (Alibaba metadata 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

/** IPv6 ranges that are not the public internet and carry no IPv4 address to judge instead. */
const V6_BLOCKED: readonly (readonly [string, number])[] = [
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215): translated on this network
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: tunnelled to an IPv4 address through a relay
  ['2001:2::', 48], // benchmarking
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (incl. fd00:ec2::254, AWS metadata)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const v4Blocked = new net.BlockList();
for (const [a, p] of V4_BLOCKED) v4Blocked.addSubnet(a, p, 'ipv4');
const v6Blocked = new net.BlockList();
for (const [a, p] of V6_BLOCKED) v6Blocked.addSubnet(a, p, 'ipv6');

/** Bytes in an IPv6 address. */
const V6_BYTES = 16;

/** An IPv6 literal (no brackets, no zone) as its 16 bytes, or null when it isn't one. */
export function ipv6Bytes(address: string): Uint8Array | null {
  if (!net.isIPv6(address)) return null;
  let text = address.toLowerCase();
  const bytes = new Uint8Array(V6_BYTES);
  // A dotted IPv4 tail stands for the last two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (dotted) {
    tail = dotted[2]!.split('.').map(Number);
    text = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const groupsOf = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headGroups = groupsOf(head);
  const restGroups = rest === undefined ? [] : groupsOf(rest);
  const available = (V6_BYTES - tail.length) / 2;
  const zeros = rest === undefined ? 0 : available - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...new Array<number>(zeros).fill(0), ...restGroups];
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  tail.forEach((b, i) => (bytes[V6_BYTES - tail.length + i] = b));
  return bytes;
}

const dottedQuad = (b: Uint8Array, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const allZero = (b: Uint8Array, from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);

/**
 * The IPv4 address an IPv6 address carries and is routed to: IPv4-mapped `::ffff:0:0/96`,
 * IPv4-compatible `::/96`, SIIT `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96` (last 32 bits) and 6to4
 * `2002::/16` (bits 16–47). Null for every other address.
 */
export function embeddedIpv4(bytes: Uint8Array): string | null {
  const last = V6_BYTES - 4;
  if (allZero(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return dottedQuad(bytes, last); // mapped
  if (allZero(bytes, 0, 12)) return dottedQuad(bytes, last); // compatible (and ::, ::1 → 0.0.0.x)
  if (allZero(bytes, 0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && allZero(bytes, 10, 12)) return dottedQuad(bytes, last); // SIIT
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && allZero(bytes, 4, 12)) return dottedQuad(bytes, last); // NAT64
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return dottedQuad(bytes, 2); // 6to4
  return null;
}

/** An address literal without IPv6 brackets or zone id (`[fe80::1%eth0]` → `fe80::1`). */
function bare(address: string): string {
  const unbracketed = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  return unbracketed.split('%')[0]!;
}

/** Whether `address` is an IP literal (IPv4, or IPv6 with or without brackets and zone id). */
export function isIpLiteral(address: string): boolean {
  return net.isIP(bare(address)) !== 0;
}

/**
 * Whether `address` (an IP literal) is on the host's side or otherwise not the public internet (see the
 * file comment). Anything that is not an IP literal is refused too: callers resolve names first.
 */
export function isNonPublicAddress(address: string): boolean {
  const a = bare(address);
  if (net.isIPv4(a)) return v4Blocked.check(a, 'ipv4');
  const bytes = ipv6Bytes(a);
  if (!bytes) return true;
  const v4 = embeddedIpv4(bytes);
  if (v4 !== null) return v4Blocked.check(v4, 'ipv4');
  return v6Blocked.check(a, 'ipv6');
}

/** Node's lookup signature (net.connect / tls.connect / undici `connect.lookup` option). */
export type LookupFunction = (
  hostname: string,
  options: dns.LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
) => void;

/** Decides whether `host` may reach the non-public `address` it resolved to. */
export type AllowPrivate = (host: string, address: string) => boolean;

/** Error code of a lookup refused by the address policy (the proxies answer 403). */
export const NON_PUBLIC_CODE = 'EBERTHNONPUBLIC';

/** Resolves `host` to all its addresses with `lookup` (IP literals resolve to themselves). */
export function resolveAll(host: string, lookup: LookupFunction = dns.lookup as LookupFunction): Promise<dns.LookupAddress[]> {
  const literal = bare(host);
  const family = net.isIP(literal);
  if (family !== 0) return Promise.resolve([{ address: literal, family }]);
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (error, addresses) => {
      if (error) reject(error);
      else if (Array.isArray(addresses)) resolve(addresses);
      else resolve([{ address: addresses, family: net.isIP(addresses) }]);
    });
  });
}

/** The first non-public address that `host` may not reach, or null when all of them are fine. */
export function refusedAddress(host: string, addresses: readonly dns.LookupAddress[], allowPrivate?: AllowPrivate): string | null {
  for (const { address } of addresses) {
    if (isNonPublicAddress(address) && !(allowPrivate?.(host, address) ?? false)) return address;
  }
  return null;
}

/** The error of a refused address: names the host and the address, never the request. */
export function nonPublicError(host: string, address: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${host} resolves to the non-public address ${address} (loopback, private, link-local or reserved)`);
  error.code = NON_PUBLIC_CODE;
  return error;
}

/**
 * A lookup that refuses names resolving to a non-public address the caller did not allow (any of the
 * answers; a mixed answer is refused whole). Answers in the form the caller asked for (`all` or not).
 */
export function guardedLookup(allowPrivate?: AllowPrivate, lookup: LookupFunction = dns.lookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, lookup).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        const refused = refusedAddress(hostname, wanted, allowPrivate);
        if (refused !== null) return callback(nonPublicError(hostname, refused), '', 0);
        if (wanted.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
          error.code = 'ENOTFOUND';
          return callback(error, '', 0);
        }
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
