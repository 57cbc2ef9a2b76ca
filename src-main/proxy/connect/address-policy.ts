/**
 * Which resolved addresses the proxy refuses to reach unless the caller allows the host: loopback,
 * link-local (cloud metadata lives at 169.254.169.254 / fd00:ec2::254), private, shared, reserved and
 * multicast ranges, and the IPv4 ranges smuggled inside IPv6 (mapped, NAT64). A DNS lookup wrapper does the
 * check at connect time, on the very addresses the socket will use, so a name that re-resolves between
 * the check and the connect (DNS rebinding) cannot slip through.
 */
import dns from 'node:dns';
import net from 'node:net';

/** IPv4 ranges that are not the public internet (IANA special-purpose registry, RFC 6890). */
const V4_BLOCKED: readonly [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
/** IPv6 ranges that are not the public internet. */
const V6_BLOCKED: readonly [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (incl. fd00:ec2::254, AWS metadata)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

const blocked = new net.BlockList();
for (const [a, p] of V4_BLOCKED) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of V6_BLOCKED) blocked.addSubnet(a, p, 'ipv6');

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedV4(address: string): string | null {
  const m = /^(?:::ffff:|::ffff:0:|64:ff9b::|::)((?:\d{1,3}\.){3}\d{1,3})$/i.exec(address);
  if (m && net.isIPv4(m[1]!)) return m[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const hi = Number.parseInt(hex[1]!, 16);
  const lo = Number.parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** Whether `address` (an IP literal) is loopback, link-local, private, metadata or otherwise non-public. */
export function isNonPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  const bare = address.split('%')[0]!.toLowerCase();
  const v4 = embeddedV4(bare);
  if (v4 !== null) return blocked.check(v4, 'ipv4');
  return blocked.check(bare, 'ipv6');
}

/** Node's lookup signature (net.connect / tls.connect `lookup` option). */
export type LookupFunction = (
  hostname: string,
  options: dns.LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
) => void;

/** Decides whether `host` may reach the non-public `address` it resolved to. */
export type AllowPrivate = (host: string, address: string) => boolean;

/** Error code of a lookup refused by the address policy. */
export const NON_PUBLIC_CODE = 'EBERTHNONPUBLIC';

/** Resolves `host` to all its addresses with `lookup` (IP literals resolve to themselves). */
export function resolveAll(host: string, lookup: LookupFunction = dns.lookup as LookupFunction): Promise<dns.LookupAddress[]> {
  const family = net.isIP(host);
  if (family !== 0) return Promise.resolve([{ address: host, family }]);
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
        if (refused !== null) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} resolves to the non-public address ${refused}`);
          error.code = NON_PUBLIC_CODE;
          return callback(error, '', 0);
        }
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
