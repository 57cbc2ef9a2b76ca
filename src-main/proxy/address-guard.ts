/**
 * Refusing upstream addresses on the host's own side: loopback, private, link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT (Alibaba's metadata at 100.100.100.200), unique-local IPv6 (AWS's
 * fd00:ec2::254), multicast and reserved ranges.
 *
 * The check runs on the addresses DNS returns at connect time (a custom `lookup` for the socket), so a
 * name that resolves differently later (DNS rebinding) is still caught; IP literals are checked before.
 */
import dns from 'node:dns';
import net from 'node:net';

const blocked = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (fd00:ec2::254 is AWS metadata)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(address, prefix, 'ipv6');
}

/** IPv4 embedded in IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or compat forms. */
function embeddedIpv4(address: string): string | null {
  const m = /^(?:::ffff:|64:ff9b::|::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return m[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const hi = Number.parseInt(hex[1]!, 16);
  const lo = Number.parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** True for an address on the host's side (see the file comment). Not an IP: false. */
export function isPrivateAddress(address: string): boolean {
  const a = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = net.isIP(a);
  if (family === 4) return blocked.check(a, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(a);
  if (v4 !== null) return blocked.check(v4, 'ipv4');
  return blocked.check(a, 'ipv6');
}

/** Error code of a refused address (surfaced as 403 by the proxy). */
export const PRIVATE_ADDRESS_CODE = 'BERTH_PRIVATE_ADDRESS';

/** An error naming the host, never the request. */
export function privateAddressError(host: string, address: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`upstream ${host} resolves to ${address}, a loopback, private or link-local address`);
  e.code = PRIVATE_ADDRESS_CODE;
  return e;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls.connect that fails when any resolved address is private. Handles both the
 * single-address form and the `all: true` form (Happy Eyeballs).
 */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options }, (error, address, family) => {
    if (error) return callback(error, '');
    const list: dns.LookupAddress[] = Array.isArray(address) ? address : [{ address: address as string, family: family ?? 4 }];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(privateAddressError(hostname, bad.address), '');
    if (Array.isArray(address)) callback(null, address);
    else callback(null, address as string, family);
  });
}
